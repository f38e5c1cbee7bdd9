// PeerRouter: turns dial-peer candidates into the core's OutboundRoute.
#include "gateway/route/peer_router.hpp"

#include "kernel/log.hpp"

namespace gw {

std::vector<OutboundRoute> PeerRouter::route(CallOrigin from, int fromSpan, const std::string& called,
                                             const std::string& calling) const {
    auto dir = from == CallOrigin::Isdn ? route::Direction::FromIsdn : route::Direction::FromSip;
    // The controller a PRI call arrived on selects the inbound POTS peer
    // when no pattern does (inbound step 4).
    std::optional<int> fromPort;
    if (from == CallOrigin::Isdn && fromSpan >= 0) fromPort = fromSpan;
    route::Route r = table_->matchOutbound(called, calling, dir, active_, fromPort);
    std::vector<OutboundRoute> out;
    for (const route::OutboundCandidate& c : r.candidates) {
        OutboundRoute o;
        o.peerTag = c.tag;
        o.voip = c.kind == conf::PeerKind::Voip;
        o.called = c.called;
        o.calling = c.calling;
        o.huntstop = c.huntstop;
        o.variableLength = !c.pattern.empty() && (c.pattern.back() == 'T' || c.pattern.back() == 't');
        if (o.voip) {
            if (c.target.kind != conf::TargetKind::Ipv4 && c.target.kind != conf::TargetKind::Dns) {
                GW_WARN("dial-peer %d: session target kind not usable yet, skipped", c.tag);
                continue;
            }
            o.host = c.target.host;
            o.port = c.target.port ? c.target.port : 5060;
            const conf::DialPeer* p = table_->peer(c.tag);
            if (p && p->codec) o.codec = *p->codec;
        } else {
            o.span = c.port.value_or(0);
        }
        if (const conf::DialPeer* p = table_->peer(c.tag)) o.callingDefault = p->callingDefault;
        out.push_back(std::move(o));
    }
    return out;
}

bool PeerRouter::moreDigitsMayMatch(CallOrigin from, int fromSpan, const std::string& called,
                                    const std::string& calling) const {
    auto dir = from == CallOrigin::Isdn ? route::Direction::FromIsdn : route::Direction::FromSip;
    std::optional<int> fromPort;
    if (from == CallOrigin::Isdn && fromSpan >= 0) fromPort = fromSpan;
    return table_->mayExtend(called, calling, dir, fromPort);
}

} // namespace gw
