// Q.850 cause <-> SIP status mapping, as two constant tables (RFC 3398).
// Each row cites its RFC entry; unlisted values fall back to class defaults.
#pragma once

namespace gw {

// RFC 3398 §7.2.4.1: ISUP/Q.850 cause received from ISDN -> SIP final
// response to send. Returns 0 for cause 16 (normal clearing: BYE/CANCEL).
int sipStatusForCause(int q850Cause);
// RFC 3398 §8.2.6.1: SIP final response received -> Q.850 cause to send.
int causeForSipStatus(int sipStatus);
// Q.850 cause name for logs ("user busy").
const char* causeName(int q850Cause);

} // namespace gw
