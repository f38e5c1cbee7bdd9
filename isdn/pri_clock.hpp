// Turning libpri's next deadline (an absolute gettimeofday() time) into a
// loop timer: rounded up to the millisecond, so the timer never fires before
// libpri's deadline and is never re-armed at 0 ms for the same one.
#pragma once

#include <chrono>
#include <sys/time.h>

namespace gw::isdn {

inline std::chrono::milliseconds msUntil(const timeval& due, const timeval& now) {
    const long long us = (static_cast<long long>(due.tv_sec) - now.tv_sec) * 1000000LL +
                         (static_cast<long long>(due.tv_usec) - now.tv_usec);
    return std::chrono::milliseconds(us <= 0 ? 0 : (us + 999) / 1000);
}

} // namespace gw::isdn
