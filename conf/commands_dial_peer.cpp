// Command rows of `dial-peer voice TAG pots|voip` and its sub-mode. POTS and
// VoIP peers are two modes, so a command that exists for one kind only (port,
// prefix, session target, codec ...) is simply absent from the other, as IOS.
#include "conf/commands.hpp"

#include "conf/dial_pattern.hpp"
#include "conf/values.hpp"

#include <algorithm>

namespace gw::conf {
namespace {

using R = std::optional<Fault>;

DialPeer& peer(Context& c) { return c.config->dialPeers[c.peer]; }

constexpr unsigned kP = kModeBit(Mode::DialPeerPots);
constexpr unsigned kV = kModeBit(Mode::DialPeerVoip);
constexpr unsigned kPV = kP | kV;
constexpr unsigned kG = kModeBit(Mode::Global);

R enterDialPeer(Context& c, const Args& a) {
    int tag = a.number(0);
    PeerKind kind = a[1] == "pots" ? PeerKind::Pots : PeerKind::Voip;
    auto it = c.config->dialPeers.find(tag);
    if (it != c.config->dialPeers.end() && it->second.kind != kind)
        return fault(1, "dial-peer " + std::to_string(tag) + " is a " +
                            (it->second.kind == PeerKind::Pots ? "pots" : "voip") + " peer; remove it first");
    DialPeer& p = c.config->dialPeers[tag];
    p.tag = tag;
    p.kind = kind;
    c.mode = kind == PeerKind::Pots ? Mode::DialPeerPots : Mode::DialPeerVoip;
    c.peer = tag;
    return ok();
}

R setTarget(Context& c, const Args& a) {
    SessionTarget t;
    if (a[0] == "sip-server") t.kind = TargetKind::SipServer;
    else if (a[0] == "registrar") t.kind = TargetKind::Registrar;
    else if (auto err = parseTarget(a[0], t); !err.empty()) return fault(0, err);
    peer(c).target = t;
    return ok();
}

R setTranslationProfile(Context& c, const Args& a) {
    (a[0] == "incoming" ? peer(c).translationIncoming : peer(c).translationOutgoing) = a[1];
    return ok();
}
R clearTranslationProfile(Context& c, const Args& a) {
    (a[0] == "incoming" ? peer(c).translationIncoming : peer(c).translationOutgoing).clear();
    return ok();
}

R setDtmfRelay(Context& c, const Args& a) {
    std::vector<DtmfRelay> list;
    for (const auto& v : a.values) {
        auto d = parseDtmfRelay(v);
        if (d && std::find(list.begin(), list.end(), *d) == list.end()) list.push_back(*d);
    }
    peer(c).dtmfRelay = list;
    return ok();
}

std::string validateProfileName(std::string_view t) { return t.size() > 64 ? "name longer than 64 characters" : ""; }

std::vector<CommandSpec> numberCommands() {
    return {
        {kPV, {kw("destination-pattern", "A full E.164 telephone number prefix"),
               pattern("A sequence of digits, '.', [ranges] and a final 'T'", validateDialPattern)},
         +[](Context& c, const Args& a) -> R { peer(c).destinationPattern = a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).destinationPattern.clear(); return ok(); }, -1},
        {kPV, {kw("incoming", "Incoming called number"), kw("called-number", "Incoming called number for this dial peer"),
               pattern("Called number pattern", validateDialPattern)},
         +[](Context& c, const Args& a) -> R { peer(c).incomingCalledNumber = a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).incomingCalledNumber.clear(); return ok(); }, 2},
        {kPV, {kw("answer-address", "The calling number pattern to match an inbound call"),
               pattern("Calling number pattern", validateDialPattern)},
         +[](Context& c, const Args& a) -> R { peer(c).answerAddress = a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).answerAddress.clear(); return ok(); }, -1},
        {kP, {kw("forward-digits", "Specify the number of digits to forward"), number(0, 32, "Number of digits to forward")},
         +[](Context& c, const Args& a) -> R { peer(c).forwardDigits = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).forwardDigits.reset(); return ok(); }, -1},
        {kP, {kw("forward-digits", "Specify the number of digits to forward"), kw("all", "Forward all digits")},
         +[](Context& c, const Args&) -> R { peer(c).forwardDigits = -1; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).forwardDigits.reset(); return ok(); }, -1},
        {kPV, {kw("calling-number", "Calling number"),
               kw("default", "Sent when the caller's identity is not a number (a SIP user name)"),
               word("WORD", "Digits", validateDialString)},
         +[](Context& c, const Args& a) -> R { peer(c).callingDefault = a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).callingDefault.clear(); return ok(); }, 2},
        {kP, {kw("prefix", "Prefix the dialed digits"), word("WORD", "Digits to prefix", validateDialString)},
         +[](Context& c, const Args& a) -> R { peer(c).prefix = a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).prefix.clear(); return ok(); }, -1},
        {kP, {kw("digit-strip", "Strip the explicitly matched leading digits")},
         +[](Context& c, const Args&) -> R { peer(c).digitStrip = true; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).digitStrip = false; return ok(); }, -1},
        {kPV, {kw("translation-profile", "Translation profile"),
               choice({{"incoming", "Translation profile for incoming call leg"},
                       {"outgoing", "Translation profile for outgoing call leg"}}),
               word("WORD", "Name of the voice translation profile", validateProfileName)},
         setTranslationProfile, clearTranslationProfile, 2},
    };
}

std::vector<CommandSpec> voipCommands() {
    return {
        {kV, {kw("session", "Session parameters"), kw("target", "Target of the session"),
              word("WORD", "ipv4:A.B.C.D[:PORT] or dns:NAME[:PORT]", [](std::string_view t) { SessionTarget s; return parseTarget(t, s); })},
         setTarget, +[](Context& c, const Args&) -> R { peer(c).target = SessionTarget{}; return ok(); }, 2},
        {kV, {kw("session", "Session parameters"), kw("target", "Target of the session"),
              choice({{"registrar", "Registrar of the called user"}, {"sip-server", "The sip-server of sip-ua"}})},
         setTarget, +[](Context& c, const Args&) -> R { peer(c).target = SessionTarget{}; return ok(); }, 2},
        {kV, {kw("session", "Session parameters"), kw("transport", "Session transport"),
              choice({{"tcp", "TCP transport"}, {"udp", "UDP transport"}})},
         +[](Context& c, const Args& a) -> R { peer(c).transport = a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).transport.clear(); return ok(); }, 2},
        {kV, {kw("codec", "Codec"), choice({{"g711alaw", "G.711 A Law 64000 bps"}, {"g711ulaw", "G.711 u Law 64000 bps"}})},
         +[](Context& c, const Args& a) -> R { peer(c).codec = parseCodec(a[0]); return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).codec.reset(); return ok(); }, -1},
        {kV, {kw("voice-class", "Voice class"), kw("codec", "Codec voice class"), number(1, 10000, "Voice class tag")},
         +[](Context& c, const Args& a) -> R { peer(c).voiceClassCodec = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).voiceClassCodec.reset(); return ok(); }, 2},
        {kV, {kw("dtmf-relay", "Transport DTMF digits across the IP network"),
              choice({{"inband", "DTMF in the audio stream"}, {"rtp-nte", "RFC 2833 telephone events"},
                      {"sip-info", "SIP INFO messages"}}, true)},
         setDtmfRelay, +[](Context& c, const Args&) -> R { peer(c).dtmfRelay.clear(); return ok(); }, -1},
    };
}

} // namespace

std::string validateDialPattern(std::string_view text) {
    DialPattern p;
    return parseDialPattern(text, p);
}

std::string validateDialString(std::string_view text) {
    return isDialString(text) ? "" : "expected digits, '*', '#' (a leading '+' allowed)";
}

std::vector<CommandSpec> dialPeerCommands() {
    std::vector<CommandSpec> rows = {
        {kG, {kw("dial-peer", "Dial Map (Peer) configuration commands"), kw("voice", "Voice type dial peer"),
              number(1, 2147483647, "Voice dial-peer tag"),
              choice({{"pots", "Telephony"}, {"voip", "Voice over IP"}})},
         enterDialPeer, +[](Context& c, const Args& a) -> R { c.config->dialPeers.erase(a.number(0)); return ok(); }, 3},
        {kPV, {kw("description", "Dial-peer specific description"), rest("Description of this dial-peer")},
         +[](Context& c, const Args& a) -> R { peer(c).description = a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).description.clear(); return ok(); }, -1},
        {kP, {kw("port", "Voice interface (controller) this dial-peer uses"), number(0, 63, "Controller number")},
         +[](Context& c, const Args& a) -> R { peer(c).port = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).port.reset(); return ok(); }, -1},
        {kPV, {kw("preference", "Preference order of this dialpeer in a hunt group"), number(0, 10, "Preference order")},
         +[](Context& c, const Args& a) -> R { peer(c).preference = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).preference = 0; return ok(); }, -1},
        {kPV, {kw("huntstop", "Stop hunting on Dial-Peers")},
         +[](Context& c, const Args&) -> R { peer(c).huntstop = true; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).huntstop = false; return ok(); }, -1},
        {kPV, {kw("max-conn", "Maximum connections"), number(1, 2147483647, "Maximum connections")},
         +[](Context& c, const Args& a) -> R { peer(c).maxConn = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).maxConn.reset(); return ok(); }, -1},
        {kPV, {kw("shutdown", "Change the Admin State of this dial-peer to down")},
         +[](Context& c, const Args&) -> R { peer(c).shutdown = true; return ok(); },
         +[](Context& c, const Args&) -> R { peer(c).shutdown = false; return ok(); }, -1},
    };
    for (auto& r : numberCommands()) rows.push_back(std::move(r));
    for (auto& r : voipCommands()) rows.push_back(std::move(r));
    return rows;
}

} // namespace gw::conf
