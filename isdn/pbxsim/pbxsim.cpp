// Pbxsim loop: poll() over the D fd, the B-channels and the signalfd; libpri
// timers; the span's alarm state; Q.931 tracing of every D-channel frame.
#include "isdn/pbxsim/pbxsim.hpp"

#include "isdn/q931_decode.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace gw::isdn {

namespace {

constexpr auto kPollStep = std::chrono::milliseconds(20);
constexpr auto kHelloWait = std::chrono::seconds(3);
constexpr auto kStopGrace = std::chrono::seconds(2);
constexpr auto kRestartQuiet = std::chrono::milliseconds(500);

double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

std::chrono::steady_clock::duration after(double s) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

} // namespace

Pbxsim::Pbxsim(const PbxsimOptions& options, kernel::Span& span, std::FILE* out)
    : options_(options), span_(span), out_(out), started_(Clock::now()) {
    idleSince_ = started_;
    if (options_.mode == PbxsimOptions::Mode::Call) {
        // Every wait is bounded; this is the net under them all.
        const double t = options_.callTimeout();
        const double media = options_.hangupAfterAnswer.value_or(options_.talkSeconds());
        deadline_ = started_ + after(t + options_.count * (2 * t + media + 1) + 5);
    }
}

Pbxsim::~Pbxsim() = default;

// libpri starts once the line is up, so its first SABME is not lost in the
// alarm: a lost SABME is retransmitted a T200 later, after the far end may
// already count the link as up, and that re-establishment would discard a
// SETUP sent in between (Q.921 §5.5.3).
void Pbxsim::startPri() {
    pri_ = std::make_unique<PriController>(
        span_, options_.side, options_.switchType, [this](const PriEvent& e) { onEvent(e); },
        [this](bool tx, const std::uint8_t* f, std::size_t n) { onFrame(tx, f, n); });
    if (options_.verbose) pri_->setLibpriDebug(PriController::LibpriDebug::Full);
    if (options_.overlap) pri_->setOverlapDial(true);
}

// Layer 2 is up on both sides once the far end has had our UA to its SABME,
// or, if it never sent one, once its T200 would have made it send one. A
// far end that restarts the B-channels when its D-channel comes up (Q.931
// §5.5.1, as the gateway does) has settled once every channel is restarted,
// or once it has sent no RESTART for kRestartQuiet: a SETUP sent meanwhile
// could cross a RESTART of its channel and be cleared by it.
bool Pbxsim::linkSettled(Clock::time_point now) const {
    if (!dchanUp_) return false;
    if (!sawPeerSabme_ && now - dchanUpAt_ <= pri_->t200() + std::chrono::milliseconds(100)) return false;
    if (restartedSinceUp_.size() >= span_.shape().bearers.size()) return true;
    const Clock::time_point last = lastRestartAt_ ? std::max(*lastRestartAt_, dchanUpAt_) : dchanUpAt_;
    return now - last > kRestartQuiet;
}

void Pbxsim::log(const std::string& text) const {
    std::fprintf(stderr, "pbxsim: %s\n", text.c_str());
}

int Pbxsim::run(int signalFd) {
    log(std::string(options_.side == conf::IsdnSide::Network ? "network" : "user") + " side, " +
        PriController::switchName(options_.switchType) + ", " + span_.describe() +
        (options_.listen ? " (device end)" : ""));
    while (!checkDone(Clock::now())) {
        pollOnce(signalFd);
        sweep();
    }
    if (const int left = pri_ ? pri_->activeCalls() : 0; left > 0) {
        log("libpri still holds " + std::to_string(left) + " call record(s) at exit");
    }
    if (fatal_ || failedCount_ > 0) return 1;
    if (options_.mode == PbxsimOptions::Mode::Call) return reportedCount_ == options_.count ? 0 : 1;
    return options_.count == 0 || reportedCount_ == options_.count ? 0 : 1;
}

bool Pbxsim::anyActive() const {
    return std::any_of(calls_.begin(), calls_.end(), [](const auto& c) { return !c->done; });
}

void Pbxsim::sweep() {
    calls_.erase(std::remove_if(calls_.begin(), calls_.end(), [](const auto& c) { return c->done; }),
                 calls_.end());
}

bool Pbxsim::checkDone(Clock::time_point now) {
    const bool active = anyActive();
    if (stopping_) {
        if (!active) return true;
        if (stopDeadline_ && now < *stopDeadline_) return false;
        for (auto& c : calls_) finish(*c, "stopped before the call was cleared");
        return true;
    }
    if (deadline_ && now > *deadline_) {
        stopAll("gave up: the run took longer than its overall time bound", true);
        return true;
    }
    if (options_.mode == PbxsimOptions::Mode::Call) return placed_ >= options_.count && !active;
    return options_.count > 0 && placed_ >= options_.count && !active;
}

void Pbxsim::pollOnce(int signalFd) {
    const auto now = Clock::now();
    if (!checkSpan()) return;
    tick(now);

    std::vector<pollfd> fds;
    std::vector<SimCall*> mediaCalls;
    fds.push_back({pri_ ? span_.dchannelFd() : -1, POLLIN, 0});
    fds.push_back({signalFd, POLLIN, 0});   // a negative fd is ignored by poll()
    for (auto& c : calls_) {
        if (c->done || !c->media) continue;
        fds.push_back({c->media->fd(), POLLIN, 0});
        mediaCalls.push_back(c.get());
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(kPollStep);
    if (const auto timer = pri_ ? pri_->untilNextTimer() : std::nullopt) wait = std::min(wait, *timer);
    if (::poll(fds.data(), fds.size(), static_cast<int>(wait.count())) < 0) return;

    const auto woke = Clock::now();
    for (std::size_t i = 0; i < mediaCalls.size(); ++i) {
        if (fds[i + 2].revents != 0 && mediaCalls[i]->media) mediaCalls[i]->media->onReadable(woke);
    }
    if (fds[0].revents != 0) pri_->readFrames();
    if (fds[1].revents != 0) {
        signalfd_siginfo info;
        [[maybe_unused]] ssize_t n = ::read(signalFd, &info, sizeof info);
        stopAll("stopping on signal " + std::to_string(info.ssi_signo), false);
    }
    if (!pri_) return;
    if (const auto timer = pri_->untilNextTimer(); timer && timer->count() <= 0) pri_->runTimers();
}

// Peer end: the device going away is fatal, unless --reattach. Device end
// (--listen): calls in progress are lost, and the far end may come back.
bool Pbxsim::checkSpan() {
    const bool alarm = span_.inAlarm();
    if (!alarm) {
        if (wasInAlarm_) log("span attached, waiting for the D-channel");
        wasInAlarm_ = false;
        attachedOnce_ = true;
        if (!pri_) startPri();
        return true;
    }
    if (!wasInAlarm_) {
        wasInAlarm_ = true;
        if (options_.reattach) {
            // As a PBX whose card lost its line: layer 2 finds out on its own
            // (T203, T200 x N200) and Q.931 keeps active calls for T309.
            log("span in alarm: the device went away; waiting for it to come back");
            return true;
        }
        dchanUp_ = false;
        sawPeerSabme_ = false;
        if (!options_.listen) {
            stopAll("the span device went away (span in alarm)", true);
            return false;
        }
        log("span in alarm: the far end detached; waiting for it to come back");
        for (auto& c : calls_) {
            if (c->done) continue;
            if (c->pri) pri_->destroy(c->pri);
            c->pri = nullptr;
            finish(*c, "the span went into alarm during the call");
        }
    }
    if (!options_.listen && !attachedOnce_ && !stopping_ && Clock::now() - started_ > kHelloWait) {
        stopAll("the span device did not accept this far end (span type mismatch, or another far end attached?)",
                true);
        return false;
    }
    return true;
}

void Pbxsim::stopAll(const std::string& why, bool fatal) {
    if (stopping_ && !fatal) return;
    log(why);
    stopping_ = true;
    stopDeadline_ = Clock::now() + kStopGrace;
    if (!fatal) {
        for (auto& c : calls_) {
            if (!c->done && !c->clearing) clearCall(*c, 16, "stopping");
        }
        return;
    }
    fatal_ = true;
    for (auto& c : calls_) {
        if (c->done) continue;
        if (c->pri) pri_->destroy(c->pri);
        c->pri = nullptr;
        finish(*c, why);
    }
    if (options_.mode == PbxsimOptions::Mode::Call) failUnplaced(why);
}

void Pbxsim::onEvent(const PriEvent& e) {
    using K = PriEvent::Kind;
    if (options_.verbose) log(std::string("event ") + e.name);
    switch (e.kind) {
    case K::DchanUp:
        dchanUp_ = true;
        dchanUpAt_ = Clock::now();
        restartedSinceUp_.clear();
        lastRestartAt_.reset();
        log("D-channel up");
        return;
    case K::DchanDown:
        if (dchanUp_) log("D-channel down");
        dchanUp_ = false;
        sawPeerSabme_ = false;
        return;
    case K::Restart:
        log("far end restarted " + (e.channel > 0 ? "B" + std::to_string(e.channel) : std::string("the interface")));
        lastRestartAt_ = Clock::now();
        if (e.channel > 0) restartedSinceUp_.insert(e.channel);
        else restartedSinceUp_.insert(span_.shape().bearers.begin(), span_.shape().bearers.end());
        for (auto& c : calls_) {
            if (c->done || (e.channel > 0 && c->report.channel != e.channel)) continue;
            if (c->pri) pri_->destroy(c->pri);   // as chan_dahdi does on RESTART
            c->pri = nullptr;
            finish(*c, "the far end restarted the B-channel");
        }
        return;
    case K::RestartAck:
        if (restartGiveUpAt_) {
            log("RESTART ACKNOWLEDGE received");
            restartDone("");
        }
        return;
    case K::Ring:
        onRing(e);
        return;
    case K::Service:   // libpri has acknowledged it
        log("far end set B" + std::to_string(e.channel) + " to service state " + std::to_string(e.serviceState) +
            (e.serviceState == 0 ? " (in service)" : e.serviceState == 1 ? " (maintenance)" : " (out of service)"));
        return;
    default:
        break;
    }
    if (e.call == nullptr) return;
    if (SimCall* call = find(e.call)) {
        onCallEvent(*call, e);
    } else if (e.kind == K::HangupReq || e.kind == K::Hangup) {
        pri_->hangup(e.call, e.cause);   // a call we gave up on: let libpri free it
    }
}

void Pbxsim::onFrame(bool tx, const std::uint8_t* frame, std::size_t n) {
    const std::string kind = q921FrameKind(frame, n);
    if (!tx && kind == "SABME") sawPeerSabme_ = true;
    // Link supervision (T203 polls and their answers, Q.921 §5.6), shown with -v.
    if (options_.verbose && kind == "RR" && n >= 4 && (frame[3] & 0x01) != 0) {
        log(std::string(tx ? "tx" : "rx") + " RR with P/F set");
    }
    const auto msg = decodeQ931Frame(frame, n);
    if (!msg || msg->callRefLength == 0 || msg->callRef == 0) return;   // dummy or global
    const CallKey key{msg->callRef, tx ? !msg->callRefFlag : msg->callRefFlag};
    const auto now = Clock::now();
    if (options_.verbose) {
        log(std::string(tx ? "tx " : "rx ") + msg->name + " cr=" + std::to_string(msg->callRef) +
            (key.ours ? " (ours)" : " (theirs)"));
    }
    if (tx && msg->type == kQ931Setup && settingUp_ != nullptr) settingUp_->key = key;
    if (SimCall* call = find(key)) {
        call->report.messages.push_back({seconds(now - call->start), tx, msg->name, tx ? std::vector<Q931Ie>{} : msg->ies});
    } else if (!tx && msg->type == kQ931Setup) {
        pendingSetup_ = PendingSetup{key, now, {{0.0, false, msg->name, msg->ies}}};
    } else if (pendingSetup_ && pendingSetup_->key == key) {
        pendingSetup_->messages.push_back(
            {seconds(now - pendingSetup_->at), tx, msg->name, tx ? std::vector<Q931Ie>{} : msg->ies});
    }
}

Pbxsim::SimCall* Pbxsim::find(PriCall pri) {
    for (auto& c : calls_) {
        if (!c->done && c->pri == pri) return c.get();
    }
    return nullptr;
}

Pbxsim::SimCall* Pbxsim::find(const CallKey& key) {
    for (auto& c : calls_) {
        if (!c->done && c->key && *c->key == key) return c.get();
    }
    return nullptr;
}

} // namespace gw::isdn
