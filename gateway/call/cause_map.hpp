// Q.850 cause <-> SIP status mapping, as two constant tables (RFC 3398).
// Each row cites its RFC entry; unlisted values fall back to class defaults.
#pragma once

#include "isdn/q850.hpp"

#include <map>
#include <string>
#include <utility>

namespace gw {

// RFC 3398 §7.2.4.1: ISUP/Q.850 cause received from ISDN -> SIP final
// response to send. Returns 0 for normal call clearing (BYE/CANCEL).
int sipStatusForCause(q850::Cause cause);
// RFC 3398 §8.2.6.1: SIP final response received -> Q.850 cause to send.
q850::Cause causeForSipStatus(int sipStatus);

// Redirecting reasons: Q.952 §7.x codes of the Redirecting Number IE <->
// RFC 5806 §4 Diversion reason tokens. Unknown values map to "unknown"/0.
std::string diversionReasonFor(int q952Reason);
int q952ReasonFor(const std::string& diversionReason);

// The two tables with the administrator's exceptions on top: `sip-ua` ->
// `set pstn-cause N sip-status M` and `set sip-status M pstn-cause N` (IOS).
class CauseMap {
public:
    void setOverrides(std::map<int, int> causeToSip, std::map<int, int> sipToCause) {
        causeToSip_ = std::move(causeToSip);
        sipToCause_ = std::move(sipToCause);
    }
    int sipStatus(q850::Cause cause) const {
        auto it = causeToSip_.find(q850::value(cause));
        return it != causeToSip_.end() ? it->second : sipStatusForCause(cause);
    }
    q850::Cause cause(int sipStatus) const {
        auto it = sipToCause_.find(sipStatus);
        return it != sipToCause_.end() ? q850::fromValueOr(it->second, q850::Cause::NormalUnspecified)
                                       : causeForSipStatus(sipStatus);
    }

private:
    std::map<int, int> causeToSip_, sipToCause_;
};

} // namespace gw
