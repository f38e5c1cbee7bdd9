// SofiaLoop: the signalling thread's EventLoop on a Sofia su_root, so nua,
// the D-channels, the CLI socket and timers share one single-threaded loop.
// Fds are su_wait objects registered in the root; timers are kept in one
// ordered map served by a single su_timer armed for the earliest deadline.
#pragma once

#include "kernel/event_loop.hpp"
#include "kernel/unique_fd.hpp"

#include <sofia-sip/su_wait.h>

#include <map>
#include <memory>
#include <unordered_map>

namespace gw::sip {

class SofiaLoop final : public kernel::EventLoop {
public:
    // Creates the root (single-threaded: su_root_threading(root, 0)).
    // Aborts if Sofia cannot create one (out of memory or fds at startup).
    SofiaLoop();
    ~SofiaLoop() override;
    SofiaLoop(const SofiaLoop&) = delete;
    SofiaLoop& operator=(const SofiaLoop&) = delete;

    void watchFd(int fd, std::function<void()> onReadable) override;
    void unwatchFd(int fd) override;
    kernel::TimerId startTimer(std::chrono::milliseconds after, std::function<void()> cb) override;
    void cancelTimer(kernel::TimerId id) override;
    void run() override;      // su_root_run
    void stop() override;     // su_root_break
    std::chrono::steady_clock::time_point now() const override;

    // Runs one loop iteration, waiting at most maxWait for something to do.
    void step(std::chrono::milliseconds maxWait);
    // Blocks SIGINT and SIGTERM in the calling thread (call it before other
    // threads start, so they inherit the mask) and stops the loop when one
    // arrives, through a signalfd watched by the loop.
    void stopOnSignals();

    // For the SIP stack (nua_create) and other Sofia users of this loop.
    su_root_t* root() const { return root_.get(); }

    // Called from the C trampolines only.
    void dispatchFd(int fd);
    void dispatchTimers();

private:
    struct RootDeleter {
        void operator()(su_root_t* r) const noexcept { su_root_destroy(r); }
    };
    struct TimerDeleter {
        void operator()(su_timer_t* t) const noexcept { su_timer_destroy(t); }
    };
    struct Watch {
        int index = 0;                       // su_root_register's registration
        std::shared_ptr<std::function<void()>> onReadable;
    };
    using Deadline = std::pair<std::chrono::steady_clock::time_point, kernel::TimerId>;

    void armTimer();

    std::unique_ptr<su_root_t, RootDeleter> root_;
    std::unique_ptr<su_timer_t, TimerDeleter> timer_;
    std::unordered_map<int, Watch> watches_;
    std::map<Deadline, std::function<void()>> timers_;
    std::unordered_map<kernel::TimerId, std::chrono::steady_clock::time_point> timerIndex_;
    kernel::TimerId nextTimerId_ = 1;
    kernel::UniqueFd signalFd_;
};

} // namespace gw::sip
