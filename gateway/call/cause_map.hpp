// Q.850 cause <-> SIP status mapping, as two constant tables (RFC 3398).
// Each row cites its RFC entry; unlisted values fall back to class defaults.
#pragma once

#include "isdn/q850.hpp"

namespace gw {

// RFC 3398 §7.2.4.1: ISUP/Q.850 cause received from ISDN -> SIP final
// response to send. Returns 0 for normal call clearing (BYE/CANCEL).
int sipStatusForCause(q850::Cause cause);
// RFC 3398 §8.2.6.1: SIP final response received -> Q.850 cause to send.
q850::Cause causeForSipStatus(int sipStatus);

} // namespace gw
