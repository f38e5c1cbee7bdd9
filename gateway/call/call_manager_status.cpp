// CallManager inspection for the CLI (`show call active voice`, `show isdn
// status`, max-conn counts) and the operator's span blocking.
#include "gateway/call/call_manager.hpp"

#include "kernel/log.hpp"

namespace gw {
namespace {

int currentPeer(const Call& c) {
    return c.routeIndex > 0 && c.routeIndex <= c.routes.size() ? c.routes[c.routeIndex - 1].peerTag : 0;
}

std::string targetOf(const Call& c) {
    if (c.routeIndex == 0 || c.routeIndex > c.routes.size()) return "";
    const OutboundRoute& r = c.routes[c.routeIndex - 1];
    if (!r.voip) return "span " + std::to_string(r.span);
    return (r.host.find(':') != std::string::npos ? "[" + r.host + "]" : r.host) + ":" + std::to_string(r.port);
}

} // namespace

std::vector<CallSummary> CallManager::activeCalls() const {
    std::vector<CallSummary> out;
    Clock::time_point now = now_();
    for (const auto& [id, c] : calls_) {
        CallSummary s;
        s.id = id;
        s.origin = c->origin == CallOrigin::Isdn ? "isdn" : "sip";
        s.called = c->called;
        s.calling = c->calling;
        s.callingName = c->callingName;
        s.callingTon = c->callingTon;
        s.callingPresentation = c->callingPresentation;
        s.callState = toString(c->state);
        s.isdnState = c->isdn ? isdn::toString(c->isdn->state()) : "-";
        s.sipState = c->sip ? sip::toString(c->sip->state()) : "-";
        s.span = c->span;
        s.channel = c->channel;
        s.peerTag = currentPeer(*c);
        s.seconds = std::chrono::duration<double>(now - c->started).count();
        if (c->answered != Clock::time_point{})
            s.connectedSeconds = std::chrono::duration<double>(now - c->answered).count();
        s.sipDialog = c->sip && c->sip->state() != sip::SipState::Terminated ? c->sipId : 0;
        auto sp = spans_.find(c->span);
        if (c->isdnId && sp != spans_.end() && sp->second.port) s.callRef = sp->second.port->callRef(c->isdnId);
        s.localRtpPort = c->localRtpPort;
        s.remote = c->remote;
        s.target = targetOf(*c);
        out.push_back(s);
    }
    return out;
}

int CallManager::idleChannels(int span) const {
    auto it = spans_.find(span);
    return it == spans_.end() ? 0 : it->second.pool->idleCount();
}

bool CallManager::dchannelUp(int span) const {
    auto it = spans_.find(span);
    return it != spans_.end() && it->second.dchannelUp;
}

int CallManager::activeOnPeer(int tag) const {
    int n = 0;
    for (const auto& [id, c] : calls_)
        if (currentPeer(*c) == tag) ++n;
    return n;
}

int CallManager::activeOnSpan(int span) const {
    int n = 0;
    for (const auto& [id, c] : calls_)
        if (c->span == span && c->isdn && c->isdn->state() != isdn::IsdnState::Null) ++n;
    return n;
}

const isdn::ChannelPool* CallManager::channels(int span) const {
    auto it = spans_.find(span);
    return it == spans_.end() ? nullptr : it->second.pool.get();
}

void CallManager::setSpanBlocked(int span, bool blocked) {
    auto it = spans_.find(span);
    if (it == spans_.end() || it->second.blocked == blocked) return;
    it->second.blocked = blocked;
    GW_INFO("span %d: %s", span, blocked ? "new calls refused (shutdown or busyout)" : "accepting new calls");
}

} // namespace gw
