// Dial-peer routing as IOS: an immutable table built from a Config (share it
// as shared_ptr<const DialPeerTable>; rebuild on config change) that selects
// the inbound peer of a call and the ordered outbound hunt list, via tries.
//
// Semantics (IOS, with the differences marked *):
// - Direction: a call from SIP matches VoIP peers inbound and POTS peers
//   outbound; a call from ISDN matches POTS inbound and VoIP outbound.
//   (*IOS also allows VoIP-to-VoIP and POTS-to-POTS hairpins; we do not.)
// - Inbound: 1) `incoming called-number` against the called number,
//   2) `answer-address` against the calling number, 3) `destination-pattern`
//   against the calling number, 4) for a call from ISDN, the lowest-tag POTS
//   peer whose `port` is the controller the call came in on (when the caller
//   passes it), else the default peer 0. Within steps 1-3 the outbound
//   ranking below picks the peer; shut-down peers are skipped.
//   (*max-conn is not applied to inbound peers.)
// - Patterns match the whole number (*IOS may also match a longer en-bloc
//   number by prefix); `.` is one digit, [..] one digit of a set, a final T
//   any number (zero or more) of further digits.
// - Outbound ranking: more literal digits first; then more [..] positions,
//   narrower sets; then fixed length before T; then more `.` positions; then
//   lower `preference`; then lower tag (*IOS picks randomly among equals).
// - Hunt: shut-down peers and peers at `max-conn` (active count from the
//   caller) are skipped; the list ends after the first candidate with
//   `huntstop` (*a skipped peer's huntstop does not end the hunt).
// - Numbers: incoming translation (inbound peer's profile) -> match ->
//   POTS digit-strip (the leading literal digits of the destination-pattern,
//   unless `no digit-strip`) or `forward-digits N|all` (the last N digits;
//   overrides digit-strip) -> `prefix` -> outgoing translation (outbound
//   peer's profile). VoIP peers forward the number unchanged before translation.
#pragma once

#include "conf/config.hpp"
#include "conf/dial_pattern.hpp"
#include "gateway/route/dial_peer_trie.hpp"
#include "gateway/route/translation.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gw::route {

enum class Direction { FromIsdn, FromSip };
using ActiveCount = std::function<int(int tag)>;   // active calls per peer tag

struct NumberStep {
    std::string what;     // "dialed", "translation-profile incoming IN (rule 1.2)", "digit-strip 555", ...
    std::string number;   // the number after this step
};

struct InboundMatch {
    int tag = 0;                              // 0: no peer matched (default peer 0)
    conf::PeerKind kind = conf::PeerKind::Voip;
    std::string reason;                       // "incoming called-number 5551... matched 5551000"
    std::string called, calling;              // after the peer's incoming translation
    std::vector<NumberStep> calledSteps, callingSteps;
};

struct OutboundCandidate {
    int tag = 0;
    conf::PeerKind kind = conf::PeerKind::Pots;
    std::string pattern;                      // the destination-pattern that matched
    std::string reason;                       // "destination-pattern 5551... (4 literal digits, preference 0)"
    std::string called, calling;              // what to send on the outgoing leg
    std::vector<NumberStep> calledSteps, callingSteps;
    std::optional<int> port;                  // POTS: controller number
    conf::SessionTarget target;               // VoIP
    std::string transport = "udp";            // VoIP
    conf::Codec codec = conf::Codec::G711Ulaw;
    std::optional<int> voiceClassCodec;
    std::vector<conf::DtmfRelay> dtmfRelay;
    int preference = 0;
    bool huntstop = false;
};

struct Route {
    InboundMatch inbound;
    std::vector<OutboundCandidate> candidates;   // hunt order; empty: no route
};

struct ExplainEntry {
    enum class Stage { Inbound, Outbound } stage = Stage::Outbound;
    int tag = 0;
    conf::PeerKind kind = conf::PeerKind::Pots;
    bool chosen = false;    // the inbound peer, or an outbound hunt candidate
    int order = 0;          // outbound: 1-based position in the hunt; 0 when not a candidate
    std::string why;
};

class DialPeerTable {
public:
    explicit DialPeerTable(const conf::Config& config);
    static std::shared_ptr<const DialPeerTable> build(const conf::Config& config);

    // `fromPort`: the controller an ISDN call arrived on (inbound step 4).
    InboundMatch matchInbound(const std::string& called, const std::string& calling, Direction dir,
                              std::optional<int> fromPort = std::nullopt) const;
    Route matchOutbound(const std::string& called, const std::string& calling, Direction dir,
                        const ActiveCount& active = {}, std::optional<int> fromPort = std::nullopt) const;
    // Whether more digits after `called` could still match an outbound peer
    // (after the inbound peer's translation), for overlap receiving.
    bool mayExtend(const std::string& called, const std::string& calling, Direction dir,
                   std::optional<int> fromPort = std::nullopt) const;
    // Every peer considered for this call (inbound and outbound), with why it was chosen or skipped.
    std::vector<ExplainEntry> explain(const std::string& called, const std::string& calling, Direction dir,
                                      const ActiveCount& active = {}, std::optional<int> fromPort = std::nullopt) const;
    // Both directions (for `show dial-peer match` without a direction).
    std::vector<ExplainEntry> explain(const std::string& called, const std::string& calling) const;

    const conf::DialPeer* peer(int tag) const;
    const Translator& translator() const { return translator_; }

    struct Peer {
        conf::DialPeer cfg;
        std::optional<conf::DialPattern> destination, incomingCalled, answer;
    };
    enum class Field { Destination, IncomingCalled, Answer };

private:
    std::vector<const Peer*> ranked(conf::PeerKind kind, Field field, const std::string& number) const;
    const PatternTrie& trie(conf::PeerKind kind, Field field) const;
    OutboundCandidate candidate(const Peer& p, const InboundMatch& in) const;
    void rewritePots(const Peer& p, OutboundCandidate& c) const;
    bool atMaxConn(const Peer& p, const ActiveCount& active) const;
    const Peer* matchInboundPattern(const std::string& called, const std::string& calling, conf::PeerKind kind,
                                    std::string& reason) const;
    void explainInbound(const InboundMatch& in, std::vector<ExplainEntry>& out) const;

    std::map<int, Peer> peers_;
    std::array<PatternTrie, 6> tries_;   // [kind * 3 + field]
    Translator translator_;
};

std::string formatExplain(const std::vector<ExplainEntry>& entries);
conf::PeerKind inboundKind(Direction dir);
conf::PeerKind outboundKind(Direction dir);

} // namespace gw::route
