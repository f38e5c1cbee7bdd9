// The two RFC 3398 tables. Row comments cite the RFC's wording.
#include "gateway/call/cause_map.hpp"

#include <iterator>

namespace gw {
namespace {

using q850::Cause;

struct CauseRow {
    Cause cause;
    int status;   // 0: no response code (BYE or CANCEL)
};

struct StatusRow {
    int status;
    Cause cause;
};

// RFC 3398 §7.2.4.1 "ISUP Cause value -> SIP response".
constexpr CauseRow kCauseToSip[] = {
    {Cause::UnallocatedNumber, 404},  // unallocated number
    {Cause::NoRouteToTransitNetwork, 404},  // no route to network
    {Cause::NoRouteToDestination, 404},  // no route to destination
    {Cause::NormalClearing, 0},  // normal call clearing: BYE or CANCEL, no response code
    {Cause::UserBusy, 486},  // user busy
    {Cause::NoUserResponding, 408},  // no user responding
    {Cause::NoAnswer, 480},  // no answer from the user
    {Cause::SubscriberAbsent, 480},  // subscriber absent
    // call rejected: §7.2.4.1 gives 403, but a PBX rejects a call for its
    // user (Q.850: "the called party does not wish to accept this call"),
    // which SIP says with 603 Decline (RFC 3261 §21.6.2); 403 stays the
    // gateway's own refusal of an untrusted caller. 603 maps back to 21.
    {Cause::CallRejected, 603},
    {Cause::NumberChanged, 410},  // number changed (without diagnostic)
    {Cause::RedirectionToNewDestination, 410},  // redirection to new destination
    {Cause::NonSelectedUserClearing, 404},  // non-selected user clearing
    {Cause::DestinationOutOfOrder, 502},  // destination out of order
    {Cause::InvalidNumberFormat, 484},  // address incomplete
    {Cause::FacilityRejected, 501},  // facility rejected
    {Cause::NormalUnspecified, 480},  // normal unspecified
    {Cause::NoCircuitAvailable, 503},  // no circuit available
    {Cause::NetworkOutOfOrder, 503},  // network out of order
    {Cause::TemporaryFailure, 503},  // temporary failure
    {Cause::SwitchingEquipmentCongestion, 503},  // switching equipment congestion
    {Cause::RequestedChannelNotAvailable, 503},  // requested channel not available (class default, §7.2.4.1 note)
    {Cause::ResourceUnavailable, 503},  // resource unavailable
    {Cause::IncomingCallsBarredWithinCug, 403},  // incoming calls barred within CUG
    {Cause::BearerCapabilityNotAuthorized, 403},  // bearer capability not authorized
    {Cause::BearerCapabilityNotAvailable, 503},  // bearer capability not presently available
    {Cause::BearerCapabilityNotImplemented, 488},  // bearer capability not implemented
    {Cause::RestrictedDigitalInformationOnly, 488},  // only restricted digital information bearer available
    {Cause::ServiceNotImplemented, 501},  // service or option not implemented
    {Cause::UserNotMemberOfCug, 403},  // user not member of CUG
    {Cause::IncompatibleDestination, 503},  // incompatible destination
    {Cause::RecoveryOnTimerExpiry, 504},  // recovery on timer expiry
    {Cause::ProtocolError, 500},  // protocol error, unspecified
    {Cause::Interworking, 500},  // interworking, unspecified
};

// RFC 3398 §8.2.6.1 "SIP response -> ISUP Cause value".
constexpr StatusRow kSipToCause[] = {
    {400, Cause::TemporaryFailure},  // Bad Request: temporary failure
    {401, Cause::CallRejected},  // Unauthorized: call rejected
    {402, Cause::CallRejected},  // Payment required: call rejected
    {403, Cause::CallRejected},  // Forbidden: call rejected
    {404, Cause::UnallocatedNumber},  // Not Found: unallocated number
    {405, Cause::ServiceNotAvailable},  // Method not allowed: service or option unavailable
    {406, Cause::ServiceNotImplemented},  // Not acceptable: service/option not implemented
    {407, Cause::CallRejected},  // Proxy authentication required: call rejected
    {408, Cause::RecoveryOnTimerExpiry},  // Request timeout: recovery on timer expiry
    {410, Cause::NumberChanged},  // Gone: number changed
    {413, Cause::Interworking},  // Request Entity too long: interworking
    {414, Cause::Interworking},  // Request-URI too long: interworking
    {415, Cause::ServiceNotImplemented},  // Unsupported media type: service/option not implemented
    {416, Cause::Interworking},  // Unsupported URI Scheme: interworking
    {420, Cause::Interworking},  // Bad extension: interworking
    {421, Cause::Interworking},  // Extension Required: interworking
    {423, Cause::Interworking},  // Interval Too Brief: interworking
    {480, Cause::NoUserResponding},  // Temporarily unavailable: no user responding
    {481, Cause::TemporaryFailure},  // Call/Transaction Does not Exist: temporary failure
    {482, Cause::ExchangeRoutingError},  // Loop Detected: exchange routing error
    {483, Cause::ExchangeRoutingError},  // Too many hops: exchange routing error
    {484, Cause::InvalidNumberFormat},  // Address incomplete: invalid number format
    {485, Cause::UnallocatedNumber},  // Ambiguous: unallocated number
    {486, Cause::UserBusy},  // Busy here: user busy
    {487, Cause::Interworking},  // Request Terminated: not listed (no mapping given); interworking
    // 488 and 606: §8.2.6.1 maps these by their Warning header. A refusal of
    // the offered media (the only reason this gateway is sent them) is taken
    // as cause 58, bearer capability not presently available.
    {488, Cause::BearerCapabilityNotAvailable},  // Not Acceptable here
    {500, Cause::TemporaryFailure},  // Server internal error: temporary failure
    {501, Cause::ServiceNotImplemented},  // Not implemented: not implemented, unspecified
    {502, Cause::NetworkOutOfOrder},  // Bad gateway: network out of order
    {503, Cause::TemporaryFailure},  // Service unavailable: temporary failure
    {504, Cause::RecoveryOnTimerExpiry},  // Server time-out: recovery on timer expiry
    {505, Cause::Interworking},  // Version Not Supported: interworking
    {513, Cause::Interworking},  // Message Too Large: interworking
    {600, Cause::UserBusy},  // Busy everywhere: user busy
    {603, Cause::CallRejected},  // Decline: call rejected
    {604, Cause::UnallocatedNumber},  // Does not exist anywhere: unallocated number
    {606, Cause::BearerCapabilityNotAvailable},  // Not acceptable (see 488 above)
};

// Redirecting Number IE reason (Q.952 Table 3 / Q.931 §4.5.21 octet 3b) and
// the Diversion reason (RFC 5806 §4) that says the same.
struct RedirectRow {
    int q952;
    const char* diversion;
};
constexpr RedirectRow kRedirectReasons[] = {
    {0, "unknown"},          // unknown
    {1, "user-busy"},        // call forwarding busy
    {2, "no-answer"},        // call forwarding no reply
    {3, "deflection"},       // call deflection
    {9, "out-of-service"},   // called DTE out of order
    {10, "follow-me"},       // call forwarding by the called DTE
    {15, "unconditional"},   // call forwarding unconditional
};

} // namespace

std::string diversionReasonFor(int q952Reason) {
    for (const RedirectRow& r : kRedirectReasons)
        if (r.q952 == q952Reason) return r.diversion;
    return "unknown";
}

int q952ReasonFor(const std::string& diversionReason) {
    for (const RedirectRow& r : kRedirectReasons)
        if (diversionReason == r.diversion) return r.q952;
    return 0;   // "time-of-day", "do-not-disturb", "away", ...: no Q.952 code
}

int sipStatusForCause(Cause cause) {
    for (const CauseRow& r : kCauseToSip)
        if (r.cause == cause) return r.status;
    // Class defaults (§7.2.4.1 lists the values a gateway will meet; the
    // rest follow their Q.850 class): normal event -> 480, resource
    // unavailable -> 503, others -> 500.
    switch (q850::classOf(cause)) {
    case q850::Class::Normal: return 480;
    case q850::Class::ResourceUnavailable: return 503;
    default: return 500;
    }
}

Cause causeForSipStatus(int status) {
    for (const StatusRow& r : kSipToCause)
        if (r.status == status) return r.cause;
    if (status >= 500 && status < 600) return Cause::TemporaryFailure;
    return Cause::NormalUnspecified;   // other 4xx and 6xx
}

} // namespace gw
