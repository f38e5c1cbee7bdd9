// `show dial-peer match`: every peer considered for a call, in the order the
// router looked at them, with why it was chosen or skipped.
#include "gateway/route/dial_peer.hpp"

#include <set>

namespace gw::route {

using conf::PeerKind;

namespace {

std::string kindName(PeerKind k) { return k == PeerKind::Pots ? "pots" : "voip"; }

} // namespace

void DialPeerTable::explainInbound(const InboundMatch& in, std::vector<ExplainEntry>& out) const {
    ExplainEntry head{ExplainEntry::Stage::Inbound, in.tag, in.kind, in.tag != 0, 0, in.reason};
    if (in.calledSteps.size() > 1) head.why += "; called number translated to " + in.called;
    if (in.callingSteps.size() > 1) head.why += "; calling number translated to " + in.calling;
    out.push_back(head);
    for (const auto& [tag, p] : peers_) {
        if (p.cfg.kind != in.kind || tag == in.tag) continue;
        std::string why;
        if (p.cfg.shutdown) why = "shutdown";
        else if (!p.incomingCalled && !p.answer && !p.destination) why = "no incoming called-number, answer-address or destination-pattern";
        else why = "not selected: an earlier step or a more specific pattern matched";
        if (in.tag == 0 && !p.cfg.shutdown) why = "no pattern matched";
        out.push_back({ExplainEntry::Stage::Inbound, tag, p.cfg.kind, false, 0, why});
    }
}

std::vector<ExplainEntry> DialPeerTable::explain(const std::string& called, const std::string& calling, Direction dir,
                                                 const ActiveCount& active, std::optional<int> fromPort) const {
    std::vector<ExplainEntry> out;
    InboundMatch in = matchInbound(called, calling, dir, fromPort);
    explainInbound(in, out);
    const std::string& number = in.called;
    PeerKind kind = outboundKind(dir);
    std::set<int> seen;
    int order = 0;
    bool stopped = false;
    int stopTag = 0;
    for (const Peer* p : ranked(kind, Field::Destination, number)) {
        seen.insert(p->cfg.tag);
        ExplainEntry e{ExplainEntry::Stage::Outbound, p->cfg.tag, kind, false, 0, ""};
        std::string match = "destination-pattern " + p->cfg.destinationPattern + " matches " + number;
        if (stopped) e.why = match + "; not tried: huntstop on dial-peer " + std::to_string(stopTag);
        else if (p->cfg.shutdown) e.why = match + "; skipped: shutdown";
        else if (atMaxConn(*p, active))
            e.why = match + "; skipped: max-conn " + std::to_string(*p->cfg.maxConn) + " reached (" +
                    std::to_string(active(p->cfg.tag)) + " active)";
        else {
            e.chosen = true;
            e.order = ++order;
            e.why = "candidate " + std::to_string(order) + ": " + candidate(*p, in).reason;
            if (p->cfg.huntstop) { stopped = true; stopTag = p->cfg.tag; e.why += "; huntstop"; }
        }
        out.push_back(e);
    }
    for (const auto& [tag, p] : peers_) {
        if (p.cfg.kind != kind || seen.count(tag)) continue;
        std::string why = p.cfg.destinationPattern.empty() ? "no destination-pattern"
                                                          : "destination-pattern " + p.cfg.destinationPattern + " does not match " + number;
        out.push_back({ExplainEntry::Stage::Outbound, tag, kind, false, 0, why});
    }
    return out;
}

std::vector<ExplainEntry> DialPeerTable::explain(const std::string& called, const std::string& calling) const {
    auto out = explain(called, calling, Direction::FromSip);
    auto more = explain(called, calling, Direction::FromIsdn);
    out.insert(out.end(), more.begin(), more.end());
    return out;
}

std::string formatExplain(const std::vector<ExplainEntry>& entries) {
    std::string s;
    for (const auto& e : entries) {
        s += e.stage == ExplainEntry::Stage::Inbound ? "inbound  " : "outbound ";
        s += e.chosen ? "* " : "  ";
        s += "dial-peer " + std::to_string(e.tag) + " " + kindName(e.kind) + ": " + e.why + "\n";
    }
    return s;
}

} // namespace gw::route
