// SofiaLoop over su_root; see sofia_loop.hpp. The C callbacks below are
// noexcept trampolines that forward to the loop in one line; the loop is the
// root's magic, so every callback finds it without a lookup.
#include "sip/sofia_loop.hpp"

#include "kernel/log.hpp"

#include <sofia-sip/su.h>
#include <sofia-sip/su_log.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <sys/signalfd.h>
#include <unistd.h>

namespace gw::sip {
namespace {

SofiaLoop* loopOf(su_root_magic_t* magic) { return static_cast<SofiaLoop*>(magic); }

int onWaitReady(su_root_magic_t* magic, su_wait_t* w, su_wakeup_arg_t*) noexcept {
    loopOf(magic)->dispatchFd(w->fd);   // su_wait_t is a struct pollfd on Linux
    return 0;
}

void onTimerExpired(su_root_magic_t* magic, su_timer_t*, su_timer_arg_t*) noexcept {
    loopOf(magic)->dispatchTimers();
}

// Sofia's own log lines (nta, tport, nua; more with NUA_DEBUG=9, message
// dumps with TPORT_LOG=1 or `debug ccsip messages`) go to the gateway log,
// one entry per line, as lines of the SIP debug category.
void onSofiaLog(void*, char const* fmt, va_list ap) noexcept {
    thread_local std::string pending;
    char buf[1024];
    int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    if (n <= 0) return;
    pending.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
    for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1))
        if (nl > 0) logCat(DebugCat::SipMessages, LogLevel::Info, "sofia: %.*s", static_cast<int>(nl), pending.c_str());
}

} // namespace

SofiaLoop::SofiaLoop() {
    static std::once_flag once;
    std::call_once(once, [] {
        su_init();                                   // also ignores SIGPIPE (TCP writes)
        su_log_redirect(nullptr, onSofiaLog, nullptr);
    });
    root_.reset(su_root_create(this));
    if (!root_) {
        std::fprintf(stderr, "SofiaLoop: su_root_create failed\n");
        std::abort();
    }
    su_root_threading(root_.get(), 0);
    timer_.reset(su_timer_create(su_root_task(root_.get()), 0));
    if (!timer_) {
        std::fprintf(stderr, "SofiaLoop: su_timer_create failed\n");
        std::abort();
    }
}

SofiaLoop::~SofiaLoop() {
    for (auto& [fd, w] : watches_) su_root_deregister(root_.get(), w.index);
    watches_.clear();
    timer_.reset();                 // before the root it belongs to
}

void SofiaLoop::watchFd(int fd, std::function<void()> onReadable) {
    unwatchFd(fd);
    su_wait_t wait;
    int index = -1;
    if (su_wait_create(&wait, fd, SU_WAIT_IN | SU_WAIT_ERR | SU_WAIT_HUP) == 0) {
        index = su_root_register(root_.get(), &wait, onWaitReady, nullptr, 0);
        if (index <= 0) su_wait_destroy(&wait);
    }
    if (index <= 0) {
        GW_ERROR("loop: cannot watch fd %d", fd);
        return;
    }
    watches_[fd] = {index, std::make_shared<std::function<void()>>(std::move(onReadable))};
}

void SofiaLoop::unwatchFd(int fd) {
    auto it = watches_.find(fd);
    if (it == watches_.end()) return;
    su_root_deregister(root_.get(), it->second.index);   // also destroys the su_wait_t
    watches_.erase(it);
}

void SofiaLoop::dispatchFd(int fd) {
    auto it = watches_.find(fd);
    if (it == watches_.end()) return;
    auto keep = it->second.onReadable;   // the callback may unwatch itself
    (*keep)();
}

kernel::TimerId SofiaLoop::startTimer(std::chrono::milliseconds after, std::function<void()> cb) {
    kernel::TimerId id = nextTimerId_++;
    auto when = now() + after;
    timers_.emplace(Deadline{when, id}, std::move(cb));
    timerIndex_[id] = when;
    if (timers_.begin()->first.second == id) armTimer();
    return id;
}

void SofiaLoop::cancelTimer(kernel::TimerId id) {
    auto it = timerIndex_.find(id);
    if (it == timerIndex_.end()) return;
    timers_.erase(Deadline{it->second, id});
    timerIndex_.erase(it);
    // A stale su_timer expiry finds nothing due and re-arms: harmless.
}

void SofiaLoop::armTimer() {
    if (timers_.empty()) {
        su_timer_reset(timer_.get());
        return;
    }
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(timers_.begin()->first.first - now());
    su_duration_t ms = wait.count() < 0 ? 0 : static_cast<su_duration_t>(wait.count());
    su_timer_set_interval(timer_.get(), onTimerExpired, nullptr, ms);
}

void SofiaLoop::dispatchTimers() {
    auto t = now();
    while (!timers_.empty() && timers_.begin()->first.first <= t) {
        auto node = timers_.extract(timers_.begin());
        timerIndex_.erase(node.key().second);
        node.mapped()();             // may start or cancel timers
    }
    armTimer();
}

void SofiaLoop::run() { su_root_run(root_.get()); }

void SofiaLoop::stop() { su_root_break(root_.get()); }

std::chrono::steady_clock::time_point SofiaLoop::now() const { return std::chrono::steady_clock::now(); }

void SofiaLoop::step(std::chrono::milliseconds maxWait) {
    su_root_step(root_.get(), static_cast<su_duration_t>(maxWait.count()));
}

void SofiaLoop::stopOnSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signalFd_.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!signalFd_) {
        std::perror("SofiaLoop: signalfd");
        return;
    }
    watchFd(signalFd_.get(), [this] {
        signalfd_siginfo info;
        while (::read(signalFd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        }
        stop();
    });
}

} // namespace gw::sip
