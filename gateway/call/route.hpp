// Router: the call core's view of the dial-peer table. Given a call's
// numbers and where it came from, returns the outbound peers to try, in hunt
// order, with the numbers already rewritten for each.
#pragma once

#include "conf/config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gw {

enum class CallOrigin { Isdn, Sip };

struct OutboundRoute {
    int peerTag = 0;
    bool voip = false;
    std::string called;       // after digit strip / prefix / translation
    std::string calling;
    std::string host;         // voip: session target host
    int port = 5060;          // voip: session target port
    int span = 0;             // pots: controller number
    std::optional<conf::Codec> codec;
    bool huntstop = false;
    bool variableLength = false;   // the peer's destination-pattern ends in T
    std::string callingDefault;    // the peer's calling-number default, "" = none
    // voip, set for a redirection target (a 3xx Contact): the Request-URI
    // as given, instead of one made of called, host and port.
    std::string requestUri;
    // ...and the diversion it stands for: the dial-peer's number, diverted
    // with the 3xx's Diversion reason ("unconditional" when it gave none).
    std::string divertedFrom, diversionReason;
};

class Router {
public:
    virtual ~Router() = default;
    virtual std::vector<OutboundRoute> route(CallOrigin from, int fromSpan, const std::string& called,
                                             const std::string& calling) const = 0;
    // Overlap receiving: whether a longer number could still match a peer
    // (a longer pattern, or a T pattern), so that more digits are awaited.
    virtual bool moreDigitsMayMatch(CallOrigin from, int fromSpan, const std::string& called,
                                    const std::string& calling) const = 0;
};

} // namespace gw
