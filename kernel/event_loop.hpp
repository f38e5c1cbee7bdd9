// EventLoop: the signalling thread's reactor, as the core sees it. One
// implementation runs on Sofia's su_root (sip/sofia_loop), so SIP, the
// D-channels, the CLI socket and timers all share one single-threaded loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace gw::kernel {

using TimerId = std::uint64_t;

class EventLoop {
public:
    virtual ~EventLoop() = default;
    // Calls onReadable (on the loop thread) whenever fd is readable or in error.
    virtual void watchFd(int fd, std::function<void()> onReadable) = 0;
    virtual void unwatchFd(int fd) = 0;
    // One-shot timer; the callback runs on the loop thread. Cancelling an
    // expired or unknown id is harmless.
    virtual TimerId startTimer(std::chrono::milliseconds after, std::function<void()> cb) = 0;
    virtual void cancelTimer(TimerId id) = 0;
    // Runs until stop() is called (from the loop thread or a signal handler
    // registered through watchFd on a signalfd).
    virtual void run() = 0;
    virtual void stop() = 0;
    // Monotonic time as the loop sees it.
    virtual std::chrono::steady_clock::time_point now() const = 0;
};

} // namespace gw::kernel
