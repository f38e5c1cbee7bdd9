// The two RFC 3398 tables. Row comments cite the RFC's wording.
#include "gateway/cause_map.hpp"

#include <iterator>

namespace gw {
namespace {

struct Row {
    int from;
    int to;
};

// RFC 3398 §7.2.4.1 "ISUP Cause value -> SIP response".
constexpr Row kCauseToSip[] = {
    {1, 404},    // unallocated number
    {2, 404},    // no route to network
    {3, 404},    // no route to destination
    {16, 0},     // normal call clearing: BYE or CANCEL, no response code
    {17, 486},   // user busy
    {18, 408},   // no user responding
    {19, 480},   // no answer from the user
    {20, 480},   // subscriber absent
    {21, 403},   // call rejected
    {22, 410},   // number changed (without diagnostic)
    {23, 410},   // redirection to new destination
    {26, 404},   // non-selected user clearing
    {27, 502},   // destination out of order
    {28, 484},   // address incomplete
    {29, 501},   // facility rejected
    {31, 480},   // normal unspecified
    {34, 503},   // no circuit available
    {38, 503},   // network out of order
    {41, 503},   // temporary failure
    {42, 503},   // switching equipment congestion
    {44, 503},   // requested channel not available (class default, §7.2.4.1 note)
    {47, 503},   // resource unavailable
    {55, 403},   // incoming calls barred within CUG
    {57, 403},   // bearer capability not authorized
    {58, 503},   // bearer capability not presently available
    {65, 488},   // bearer capability not implemented
    {70, 488},   // only restricted digital information bearer available
    {79, 501},   // service or option not implemented
    {87, 403},   // user not member of CUG
    {88, 503},   // incompatible destination
    {102, 504},  // recovery on timer expiry
    {111, 500},  // protocol error, unspecified
    {127, 500},  // interworking, unspecified
};

// RFC 3398 §8.2.6.1 "SIP response -> ISUP Cause value".
constexpr Row kSipToCause[] = {
    {400, 41},   // Bad Request: temporary failure
    {401, 21},   // Unauthorized: call rejected
    {402, 21},   // Payment required: call rejected
    {403, 21},   // Forbidden: call rejected
    {404, 1},    // Not Found: unallocated number
    {405, 63},   // Method not allowed: service or option unavailable
    {406, 79},   // Not acceptable: service/option not implemented
    {407, 21},   // Proxy authentication required: call rejected
    {408, 102},  // Request timeout: recovery on timer expiry
    {410, 22},   // Gone: number changed
    {413, 127},  // Request Entity too long: interworking
    {414, 127},  // Request-URI too long: interworking
    {415, 79},   // Unsupported media type: service/option not implemented
    {416, 127},  // Unsupported URI Scheme: interworking
    {420, 127},  // Bad extension: interworking
    {421, 127},  // Extension Required: interworking
    {423, 127},  // Interval Too Brief: interworking
    {480, 18},   // Temporarily unavailable: no user responding
    {481, 41},   // Call/Transaction Does not Exist: temporary failure
    {482, 25},   // Loop Detected: exchange routing error
    {483, 25},   // Too many hops: exchange routing error
    {484, 28},   // Address incomplete: invalid number format
    {485, 1},    // Ambiguous: unallocated number
    {486, 17},   // Busy here: user busy
    {487, 127},  // Request Terminated: interworking (not listed; class default)
    {488, 127},  // Not Acceptable here: interworking
    {500, 41},   // Server internal error: temporary failure
    {501, 79},   // Not implemented: not implemented, unspecified
    {502, 38},   // Bad gateway: network out of order
    {503, 41},   // Service unavailable: temporary failure
    {504, 102},  // Server time-out: recovery on timer expiry
    {505, 127},  // Version Not Supported: interworking
    {513, 127},  // Message Too Large: interworking
    {600, 17},   // Busy everywhere: user busy
    {603, 21},   // Decline: call rejected
    {604, 1},    // Does not exist anywhere: unallocated number
    {606, 58},   // Not acceptable: bearer capability not presently available
};

const Row* find(const Row* begin, const Row* end, int key) {
    for (const Row* r = begin; r != end; ++r)
        if (r->from == key) return r;
    return nullptr;
}

} // namespace

int sipStatusForCause(int cause) {
    if (const Row* r = find(std::begin(kCauseToSip), std::end(kCauseToSip), cause)) return r->to;
    // Class defaults (§7.2.4.1 lists the values a gateway will meet; the
    // rest follow their Q.850 class): normal event -> 480, resource
    // unavailable -> 503, others -> 500.
    if (cause < 32) return 480;
    if (cause < 48) return 503;
    return 500;
}

int causeForSipStatus(int status) {
    if (const Row* r = find(std::begin(kSipToCause), std::end(kSipToCause), status)) return r->to;
    if (status >= 600) return 31;
    if (status >= 500) return 41;
    return 31;   // other 4xx: normal, unspecified
}

const char* causeName(int cause) {
    switch (cause) {
    case 1: return "unallocated number";
    case 3: return "no route to destination";
    case 16: return "normal call clearing";
    case 17: return "user busy";
    case 18: return "no user responding";
    case 19: return "no answer from user";
    case 21: return "call rejected";
    case 22: return "number changed";
    case 27: return "destination out of order";
    case 28: return "invalid number format";
    case 31: return "normal, unspecified";
    case 34: return "no circuit/channel available";
    case 38: return "network out of order";
    case 41: return "temporary failure";
    case 42: return "switching equipment congestion";
    case 44: return "requested channel not available";
    case 47: return "resource unavailable";
    case 58: return "bearer capability not presently available";
    case 65: return "bearer capability not implemented";
    case 79: return "service or option not implemented";
    case 88: return "incompatible destination";
    case 102: return "recovery on timer expiry";
    case 111: return "protocol error";
    case 127: return "interworking, unspecified";
    default: return "cause";
    }
}

} // namespace gw
