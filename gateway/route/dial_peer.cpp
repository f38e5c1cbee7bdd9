// Dial-peer table: building the tries, ranking matches, inbound selection and
// the outbound hunt list with every number rewrite step.
#include "gateway/route/dial_peer.hpp"

#include <algorithm>
#include <tuple>

namespace gw::route {

using conf::PeerKind;

namespace {

std::optional<conf::DialPattern> compilePattern(const std::string& text) {
    if (text.empty()) return std::nullopt;
    conf::DialPattern p;
    if (!conf::parseDialPattern(text, p).empty()) return std::nullopt;
    return p;
}

const std::optional<conf::DialPattern>& patternOf(const DialPeerTable::Peer& p, DialPeerTable::Field f) {
    switch (f) {
    case DialPeerTable::Field::Destination: return p.destination;
    case DialPeerTable::Field::IncomingCalled: return p.incomingCalled;
    case DialPeerTable::Field::Answer: return p.answer;
    }
    return p.destination;
}

// Smaller is better: the IOS "longest explicit match" order, then preference, then tag.
auto rankKey(const DialPeerTable::Peer& p, const conf::DialPattern& d) {
    return std::make_tuple(-d.literals, -d.sets, d.setWidth, d.variable, -d.anys, p.cfg.preference, p.cfg.tag);
}

// Applies one slot (called or calling) of a translation profile, recording the step.
void translate(const Translator& t, const std::string& profileName, const std::string& label, bool called,
               std::string& number, std::vector<NumberStep>& steps) {
    if (profileName.empty()) return;
    const conf::TranslationProfile* prof = t.profile(profileName);
    if (!prof) return;
    const std::optional<int>& rule = called ? prof->called : prof->calling;
    if (!rule) return;
    RuleResult r = t.applyRule(*rule, number);
    if (!r.matched) return;
    number = r.number;
    steps.push_back({label + " " + profileName + " (rule " + std::to_string(*rule) + "." +
                         std::to_string(r.ruleIndex) + " /" + r.match + "/ /" + r.replace + "/)",
                     number});
}

std::string describeRank(const conf::DialPattern& d, int preference) {
    std::string s = std::to_string(d.literals) + " literal digit" + (d.literals == 1 ? "" : "s");
    if (d.sets) s += ", " + std::to_string(d.sets) + " range";
    if (d.anys) s += ", " + std::to_string(d.anys) + " wildcard";
    if (d.variable) s += ", variable length";
    return s + ", preference " + std::to_string(preference);
}

} // namespace

PeerKind inboundKind(Direction dir) { return dir == Direction::FromSip ? PeerKind::Voip : PeerKind::Pots; }
PeerKind outboundKind(Direction dir) { return dir == Direction::FromSip ? PeerKind::Pots : PeerKind::Voip; }

DialPeerTable::DialPeerTable(const conf::Config& config) : translator_(config) {
    for (const auto& [tag, cfg] : config.dialPeers) {
        Peer p{cfg, compilePattern(cfg.destinationPattern), compilePattern(cfg.incomingCalledNumber),
               compilePattern(cfg.answerAddress)};
        auto [it, inserted] = peers_.emplace(tag, std::move(p));
        for (Field f : {Field::Destination, Field::IncomingCalled, Field::Answer})
            if (const auto& pat = patternOf(it->second, f))
                tries_[static_cast<std::size_t>(cfg.kind) * 3 + static_cast<std::size_t>(f)].insert(*pat, tag);
    }
}

std::shared_ptr<const DialPeerTable> DialPeerTable::build(const conf::Config& config) {
    return std::make_shared<const DialPeerTable>(config);
}

const PatternTrie& DialPeerTable::trie(PeerKind kind, Field field) const {
    return tries_[static_cast<std::size_t>(kind) * 3 + static_cast<std::size_t>(field)];
}

const conf::DialPeer* DialPeerTable::peer(int tag) const {
    auto it = peers_.find(tag);
    return it == peers_.end() ? nullptr : &it->second.cfg;
}

std::vector<const DialPeerTable::Peer*> DialPeerTable::ranked(PeerKind kind, Field field, const std::string& number) const {
    std::vector<const Peer*> out;
    for (int tag : trie(kind, field).match(number)) out.push_back(&peers_.at(tag));
    std::sort(out.begin(), out.end(), [field](const Peer* a, const Peer* b) {
        return rankKey(*a, *patternOf(*a, field)) < rankKey(*b, *patternOf(*b, field));
    });
    return out;
}

const DialPeerTable::Peer* DialPeerTable::matchInboundPattern(const std::string& called, const std::string& calling,
                                                             PeerKind kind, std::string& reason) const {
    struct Step { Field field; const std::string& number; const char* name; const char* which; };
    const Step steps[] = {{Field::IncomingCalled, called, "incoming called-number", "called"},
                          {Field::Answer, calling, "answer-address", "calling"},
                          {Field::Destination, calling, "destination-pattern", "calling"}};
    for (const auto& s : steps) {
        for (const Peer* p : ranked(kind, s.field, s.number)) {
            if (p->cfg.shutdown) continue;
            const std::string& pattern = s.field == Field::IncomingCalled ? p->cfg.incomingCalledNumber
                                         : s.field == Field::Answer      ? p->cfg.answerAddress
                                                                         : p->cfg.destinationPattern;
            reason = std::string(s.name) + " " + pattern + " matched " + s.which + " number " + s.number;
            return p;
        }
    }
    return nullptr;
}

InboundMatch DialPeerTable::matchInbound(const std::string& called, const std::string& calling, Direction dir,
                                         std::optional<int> fromPort) const {
    InboundMatch m;
    m.kind = inboundKind(dir);
    const Peer* chosen = matchInboundPattern(called, calling, m.kind, m.reason);
    if (!chosen && fromPort && m.kind == PeerKind::Pots) {
        for (const auto& [tag, p] : peers_) {
            if (p.cfg.kind != PeerKind::Pots || p.cfg.shutdown || p.cfg.port != fromPort) continue;
            chosen = &p;
            m.reason = "port " + std::to_string(*fromPort) + " is the controller the call came in on";
            break;
        }
    }
    m.called = called;
    m.calling = calling;
    m.calledSteps.push_back({"dialed", called});
    m.callingSteps.push_back({"dialed", calling});
    if (!chosen) {
        m.reason = "no inbound dial-peer matched: default peer 0";
        return m;
    }
    m.tag = chosen->cfg.tag;
    translate(translator_, chosen->cfg.translationIncoming, "translation-profile incoming", true, m.called, m.calledSteps);
    translate(translator_, chosen->cfg.translationIncoming, "translation-profile incoming", false, m.calling, m.callingSteps);
    return m;
}

bool DialPeerTable::atMaxConn(const Peer& p, const ActiveCount& active) const {
    return p.cfg.maxConn && active && active(p.cfg.tag) >= *p.cfg.maxConn;
}

void DialPeerTable::rewritePots(const Peer& p, OutboundCandidate& c) const {
    const auto& cfg = p.cfg;
    if (cfg.forwardDigits) {
        int n = *cfg.forwardDigits;
        if (n >= 0 && static_cast<std::size_t>(n) < c.called.size()) c.called = c.called.substr(c.called.size() - static_cast<std::size_t>(n));
        c.calledSteps.push_back({"forward-digits " + (n < 0 ? std::string("all") : std::to_string(n)), c.called});
    } else if (cfg.digitStrip && p.destination && p.destination->leadingLiterals > 0) {
        auto strip = std::min(c.called.size(), static_cast<std::size_t>(p.destination->leadingLiterals));
        std::string stripped = c.called.substr(0, strip);
        c.called = c.called.substr(strip);
        c.calledSteps.push_back({"digit-strip " + stripped, c.called});
    }
    if (!cfg.prefix.empty()) {
        c.called = cfg.prefix + c.called;
        c.calledSteps.push_back({"prefix " + cfg.prefix, c.called});
    }
}

OutboundCandidate DialPeerTable::candidate(const Peer& p, const InboundMatch& in) const {
    const auto& cfg = p.cfg;
    OutboundCandidate c;
    c.tag = cfg.tag;
    c.kind = cfg.kind;
    c.pattern = cfg.destinationPattern;
    c.reason = "destination-pattern " + cfg.destinationPattern + " (" + describeRank(*p.destination, cfg.preference) + ")";
    c.called = in.called;
    c.calling = in.calling;
    c.calledSteps = in.calledSteps;
    c.callingSteps = in.callingSteps;
    if (cfg.kind == PeerKind::Pots) rewritePots(p, c);
    translate(translator_, cfg.translationOutgoing, "translation-profile outgoing", true, c.called, c.calledSteps);
    translate(translator_, cfg.translationOutgoing, "translation-profile outgoing", false, c.calling, c.callingSteps);
    c.port = cfg.port;
    c.target = cfg.target;
    if (!cfg.transport.empty()) c.transport = cfg.transport;
    c.codec = cfg.codec.value_or(conf::Codec::G711Ulaw);
    c.voiceClassCodec = cfg.voiceClassCodec;
    c.dtmfRelay = cfg.dtmfRelay;
    c.preference = cfg.preference;
    c.huntstop = cfg.huntstop;
    return c;
}

Route DialPeerTable::matchOutbound(const std::string& called, const std::string& calling, Direction dir,
                                   const ActiveCount& active, std::optional<int> fromPort) const {
    Route r;
    r.inbound = matchInbound(called, calling, dir, fromPort);
    for (const Peer* p : ranked(outboundKind(dir), Field::Destination, r.inbound.called)) {
        if (p->cfg.shutdown || atMaxConn(*p, active)) continue;
        r.candidates.push_back(candidate(*p, r.inbound));
        if (p->cfg.huntstop) break;
    }
    return r;
}

bool DialPeerTable::mayExtend(const std::string& called, const std::string& calling, Direction dir,
                              std::optional<int> fromPort) const {
    const InboundMatch in = matchInbound(called, calling, dir, fromPort);
    return trie(outboundKind(dir), Field::Destination).canExtend(in.called);
}

} // namespace gw::route
