// Pbxsim call control: placing calls (SETUP, Q.931 §5.1), answering them
// (CALL PROCEEDING, ALERTING, CONNECT, §5.2), clearing (§5.3), per-call
// timers, channel hunting, and the final report of each call.
#include "isdn/isdn_port.hpp"
#include "isdn/pbxsim/pbxsim.hpp"
#include "isdn/q850.hpp"

#include <algorithm>
#include <cstdio>

namespace gw::isdn {

namespace {

using q850::Cause;

std::chrono::steady_clock::duration after(double s) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

double millis(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// `at` (steady clock) on the wall clock, in us since the epoch.
long long epochMicros(std::chrono::steady_clock::time_point at) {
    const auto wall = std::chrono::system_clock::now() - (std::chrono::steady_clock::now() - at);
    return std::chrono::duration_cast<std::chrono::microseconds>(wall.time_since_epoch()).count();
}

std::string callName(int index) {
    return index > 0 ? "call " + std::to_string(index) : std::string("unexpected call");
}

} // namespace

void Pbxsim::tick(Clock::time_point now) {
    for (auto& c : calls_) {
        if (!c->done) tickCall(*c, now);
    }
    if (restartAt_ && now >= *restartAt_) {
        restartAt_.reset();
        sendRestart();
    }
    if (restartGiveUpAt_ && now >= *restartGiveUpAt_) restartDone("no RESTART ACKNOWLEDGE from the far end");
    if (dropAt_ && now >= *dropAt_ && pri_) {
        dropAt_.reset();
        dropEndAt_ = now + after(options_.dropFor);
        pri_->setSilent(true);
        log("D-channel outage: every frame lost for " + std::to_string(options_.dropFor) + " s");
    }
    if (dropEndAt_ && now >= *dropEndAt_ && pri_) {
        dropEndAt_.reset();
        pri_->setSilent(false);
        log("D-channel outage over");
    }
    if (stopping_ || anyActive() || !idleSince_) return;
    const double limit = options_.callTimeout();
    const bool overdue = now - *idleSince_ > after(limit);
    if (options_.mode == PbxsimOptions::Mode::Call) {
        if (placed_ >= options_.count) return;
        if (linkSettled(now)) {
            placeCall(now);
        } else if (overdue && !dchanUp_) {
            char text[96];
            std::snprintf(text, sizeof text, "the D-channel did not come up within %g s", limit);
            stopAll(text, true);
        }
    } else if (options_.timeout && overdue) {
        char text[96];
        std::snprintf(text, sizeof text, "no call came within %g s", limit);
        stopAll(text, true);
    }
}

void Pbxsim::tickCall(SimCall& call, Clock::time_point now) {
    if (call.clearing) {
        if (call.giveUpAt && now >= *call.giveUpAt) finish(call, "call clearing did not complete in time");
        return;
    }
    if (call.digitAt && now >= *call.digitAt && call.pri) {
        // One digit per INFORMATION (Q.931 §5.1.3).
        pri_->information(call.pri, call.digitsLeft.substr(0, 1));
        call.digitsLeft.erase(0, 1);
        call.digitAt.reset();
        if (!call.digitsLeft.empty()) call.digitAt = now + after(*options_.overlap);
    }
    if (call.collectUntil && now >= *call.collectUntil && call.pri) acceptIncoming(call, now);   // T302 ran out
    if (call.actAt && now >= *call.actAt) {
        call.actAt.reset();
        if (call.report.outgoing && !call.connected) {
            clearCall(call, q850::value(Cause::NormalClearing), "hanging up while ringing");
        } else if (!call.report.outgoing && !call.connected) {
            if (options_.reject) {
                clearCall(call, *options_.reject, "rejecting as asked");
            } else {
                connectIncoming(call, now);
            }
        } else if (call.connected) {
            clearCall(call, q850::value(Cause::NormalClearing), "talk time over");
        }
        return;
    }
    if (call.giveUpAt && now >= *call.giveUpAt) {
        if (call.report.outgoing && !call.connected) {
            clearCall(call, call.alerted ? q850::value(Cause::NoAnswer) : q850::value(Cause::NoUserResponding), "no answer in time");
        } else {
            clearCall(call, q850::value(Cause::NormalClearing), "the far end did not clear in time");
        }
    }
}

void Pbxsim::placeCall(Clock::time_point now) {
    calls_.push_back(std::make_unique<SimCall>());
    SimCall& call = *calls_.back();
    call.report.index = ++placed_;
    call.report.called = options_.to;
    call.report.calling = options_.from;
    call.start = now;
    call.report.startEpochUs = epochMicros(call.start);
    idleSince_.reset();
    const int channel = huntChannel(-1);
    if (channel < 0) return finish(call, "no free B-channel");
    call.report.channel = channel;
    call.pri = pri_->newCall();
    if (call.pri == nullptr) return finish(call, "libpri could not allocate a call");

    SetupInfo setup;
    setup.called = options_.to;
    if (options_.overlap && options_.to.size() > 1) {
        // Overlap sending: the first digit now, the others in INFORMATION.
        setup.called = options_.to.substr(0, 1);
        setup.complete = false;
        call.digitsLeft = options_.to.substr(1);
    }
    setup.calling = options_.from;
    setup.callingName = options_.fromName;
    setup.callingTon = options_.fromTon;
    setup.redirecting = options_.redirecting;
    setup.redirectingReason = options_.redirectingReason;
    setup.callingPresentation = options_.restricted ? Presentation::Restricted : Presentation::Allowed;
    setup.channel = channel;
    setup.exclusive = options_.side == conf::IsdnSide::Network;   // the user side only prefers
    settingUp_ = &call;
    const bool sent = pri_->setup(call.pri, setup, span_.shape().law).has_value();
    settingUp_ = nullptr;
    if (!sent) {
        pri_->destroy(call.pri);
        call.pri = nullptr;
        return finish(call, "libpri refused to send the SETUP");
    }
    call.giveUpAt = now + after(options_.callTimeout());
    log(callName(call.report.index) + ": SETUP to " + options_.to + " on B" + std::to_string(channel));
}

void Pbxsim::onRing(const PriEvent& e) {
    const auto now = Clock::now();
    calls_.push_back(std::make_unique<SimCall>());
    SimCall& call = *calls_.back();
    call.pri = e.call;
    call.report.outgoing = false;
    call.report.called = e.setup.called;
    call.report.calling = e.setup.calling;
    call.report.callingName = e.setup.callingName;
    call.report.callingType = typeOfNumberName(e.setup.callingTon);
    call.report.callingPresentation = toString(e.setup.callingPresentation);
    call.report.redirecting = e.setup.redirecting;
    call.report.redirectingReason = e.setup.redirectingReason;
    call.start = now;
    if (pendingSetup_) {
        call.key = pendingSetup_->key;
        call.start = pendingSetup_->at;
        call.report.messages = std::move(pendingSetup_->messages);
        pendingSetup_.reset();
    }
    call.report.startEpochUs = epochMicros(call.start);
    const bool wanted = options_.mode == PbxsimOptions::Mode::Answer && !stopping_ &&
                        (options_.count == 0 || placed_ < options_.count);
    call.reported = wanted;
    if (wanted) {
        call.report.index = ++placed_;
        idleSince_.reset();
    }
    int channel = e.channel;
    const auto& bearers = span_.shape().bearers;
    const bool valid = std::find(bearers.begin(), bearers.end(), channel) != bearers.end();
    if (!valid || channelBusy(channel)) channel = (e.setup.exclusive && channel > 0) ? -1 : huntChannel(-1);
    // A preferred channel may be replaced by ours (Q.931 §5.2.3.1 b).
    if (options_.channel && !(e.setup.exclusive && e.channel > 0) && !channelBusy(*options_.channel) &&
        std::find(bearers.begin(), bearers.end(), *options_.channel) != bearers.end())
        channel = *options_.channel;
    if (channel < 0) {
        // Q.931 §5.2.3.1: no acceptable channel, RELEASE COMPLETE with cause 44;
        // libpri frees the call as it sends it.
        call.report.cause = q850::value(Cause::RequestedChannelNotAvailable);
        call.report.causeFrom = "local";
        pri_->hangup(call.pri, q850::value(Cause::RequestedChannelNotAvailable));
        call.pri = nullptr;
        return finish(call, "the requested B-channel is not available");
    }
    call.report.channel = channel;
    log(callName(call.report.index) + ": SETUP from " + (e.setup.calling.empty() ? "?" : e.setup.calling) + " to " +
        e.setup.called + " on B" + std::to_string(channel) + (e.setup.complete ? "" : ", no Sending Complete"));
    if (wanted && options_.collect && !e.setup.complete) {
        // Q.931 §5.2.4: overlap receiving, the rest of the number in INFORMATION.
        pri_->setupAck(call.pri, channel);
        call.collectUntil = now + after(*options_.collect);
        return;
    }
    pri_->proceeding(call.pri, channel);
    if (!wanted) return clearCall(call, q850::value(Cause::UserBusy), "not taking calls now");
    acceptIncoming(call, now);
}

void Pbxsim::acceptIncoming(SimCall& call, Clock::time_point now) {
    if (call.collectUntil) {
        call.collectUntil.reset();
        log(callName(call.report.index) + ": number complete: " + call.report.called);
        pri_->proceeding(call.pri, call.report.channel);
    }
    if (options_.progress) pri_->progress(call.pri, call.report.channel, true);
    // A PBX that refuses a call (busy, barred) clears it after CALL
    // PROCEEDING without ringing the user.
    if (!options_.reject) pri_->alerting(call.pri, call.report.channel, false);
    call.actAt = now + after(options_.ring);
}

void Pbxsim::onCallEvent(SimCall& call, const PriEvent& e) {
    using K = PriEvent::Kind;
    const auto now = Clock::now();
    switch (e.kind) {
    case K::SetupAck:
        if (!call.digitsLeft.empty()) call.digitAt = now + after(*options_.overlap);
        [[fallthrough]];
    case K::Proceeding:
    case K::Progress:
        if (e.channel > 0 && !call.connected) call.report.channel = e.channel;
        break;
    case K::InfoReceived:
        if (!call.collectUntil) break;
        call.report.called += e.setup.called;
        if (e.setup.complete) acceptIncoming(call, now);
        else call.collectUntil = now + after(*options_.collect);
        break;
    case K::Ringing:
        call.alerted = true;
        if (e.channel > 0) call.report.channel = e.channel;
        if (options_.hangupWhileRinging && call.report.outgoing) call.actAt = now + after(*options_.hangupWhileRinging);
        break;
    case K::Answer:
        onAnswered(call, e);
        break;
    case K::HangupReq:   // DISCONNECT received: answer with RELEASE
        if (!call.report.cause) {
            call.report.cause = e.cause;
            call.report.causeFrom = "remote";
        }
        stopMedia(call);
        call.clearing = true;
        call.actAt.reset();
        call.giveUpAt = now + after(options_.callTimeout());
        pri_->hangup(call.pri, e.cause);
        break;
    case K::Hangup:   // RELEASE or RELEASE COMPLETE received: free the call
        if (!call.report.cause) {
            call.report.cause = e.cause;
            call.report.causeFrom = "remote";
        }
        pri_->hangup(call.pri, e.cause);
        call.pri = nullptr;
        finish(call);
        break;
    case K::HangupAck:   // libpri has already freed the call
        call.pri = nullptr;
        finish(call);
        break;
    default:
        break;
    }
}

void Pbxsim::onAnswered(SimCall& call, const PriEvent& e) {
    const auto now = Clock::now();
    if (e.channel > 0) call.report.channel = e.channel;
    pri_->connectAck(call.pri, 0);
    call.connected = true;
    call.report.setupToConnectMs = millis(now - call.start);
    call.giveUpAt.reset();
    call.actAt = now + after(options_.hangupAfterAnswer.value_or(options_.talkSeconds()));
    log(callName(call.report.index) + ": answered on B" + std::to_string(call.report.channel));
    startMedia(call, now);
}

void Pbxsim::connectIncoming(SimCall& call, Clock::time_point now) {
    pri_->answer(call.pri, call.report.channel);
    call.connected = true;
    call.report.setupToConnectMs = millis(now - call.start);
    if (options_.talk) call.actAt = now + after(*options_.talk);
    if (options_.timeout) call.giveUpAt = now + after(options_.talk.value_or(0) + *options_.timeout);
    log(callName(call.report.index) + ": CONNECT on B" + std::to_string(call.report.channel));
    startMedia(call, now);
    if (++answered_ == options_.count) {
        if (options_.restart) restartAt_ = now + after(options_.restartAfter);
        if (options_.dropAfter) dropAt_ = now + after(*options_.dropAfter);
    }
}

// Q.931 §5.5.1: RESTART returns the channel (or all of them) to idle once
// the far end acknowledges it; the calls on it end then, with cause 41
// (temporary failure).
void Pbxsim::sendRestart() {
    const int channel = options_.restart.value_or(0);
    const std::string what = channel ? "B" + std::to_string(channel) : std::string("the whole interface");
    if (!pri_ || !pri_->restart(channel)) {
        log("cannot send RESTART for " + what);
        ++failedCount_;
        return;
    }
    log("sent RESTART for " + what);
    restartGiveUpAt_ = Clock::now() + after(options_.callTimeout());
}

void Pbxsim::restartDone(const std::string& error) {
    restartGiveUpAt_.reset();
    const int channel = options_.restart.value_or(0);
    for (auto& c : calls_) {
        if (c->done || (channel && c->report.channel != channel)) continue;
        if (c->pri) pri_->destroy(c->pri);
        c->pri = nullptr;
        c->report.cause = q850::value(Cause::TemporaryFailure);
        c->report.causeFrom = "local";
        finish(*c, error);
    }
}

void Pbxsim::startMedia(SimCall& call, Clock::time_point now) {
    if (call.report.channel <= 0 || call.media) return;
    kernel::UniqueFd fd = span_.openBearer(call.report.channel);
    if (!fd) {
        log(callName(call.report.index) + ": cannot open B" + std::to_string(call.report.channel));
        return;
    }
    MediaPlan plan;
    plan.law = span_.shape().law;
    plan.toneHz = options_.toneHz;
    plan.levelDbm0 = options_.levelDbm0;
    plan.echo = options_.echo;
    plan.talkSeconds = call.report.outgoing ? std::optional<double>(options_.talkSeconds()) : options_.talk;
    call.media = std::make_unique<BearerMedia>(std::move(fd), plan, now);
}

void Pbxsim::stopMedia(SimCall& call) {
    if (!call.media) return;
    if (auto heard = call.media->heard()) call.report.heard = heard;
    span_.closeBearer(call.report.channel);
    call.media.reset();
}

void Pbxsim::clearCall(SimCall& call, int cause, const char* why) {
    if (!call.report.cause) {
        call.report.cause = cause;
        call.report.causeFrom = "local";
    }
    stopMedia(call);
    call.clearing = true;
    call.actAt.reset();
    call.giveUpAt = Clock::now() + after(options_.callTimeout());
    log(callName(call.report.index) + ": clearing with cause " + std::to_string(cause) + " (" +
        std::string(q850::text(q850::fromValueOr(cause, Cause::NormalUnspecified))) + ": " + why + ")");
    if (call.pri != nullptr) pri_->hangup(call.pri, cause);
}

void Pbxsim::finish(SimCall& call, const std::string& error) {
    if (call.done) return;
    call.done = true;
    stopMedia(call);
    if (!error.empty() && call.report.error.empty()) call.report.error = error;
    call.report.result = classify(call);
    if (!anyActive()) idleSince_ = Clock::now();
    if (!call.reported) return;
    std::fprintf(out_, "%s\n", toJson(call.report).c_str());
    std::fflush(out_);
    ++reportedCount_;
    const bool met = meetsExpectation(options_, call.report);
    if (!met) ++failedCount_;
    std::string summary = callName(call.report.index) + ": " + call.report.result;
    if (call.report.cause) summary += ", cause " + std::to_string(*call.report.cause) + " (" + call.report.causeFrom + ")";
    if (!call.report.error.empty()) summary += ": " + call.report.error;
    log(summary + (met ? "" : " [not as expected]"));
}

void Pbxsim::failUnplaced(const std::string& error) {
    while (placed_ < options_.count) {
        calls_.push_back(std::make_unique<SimCall>());
        SimCall& call = *calls_.back();
        call.report.index = ++placed_;
        call.report.called = options_.to;
        call.report.calling = options_.from;
        finish(call, error);
    }
}

std::string Pbxsim::classify(const SimCall& call) const {
    const CallReport& r = call.report;
    if (!r.error.empty()) return "failed";
    if (call.connected) return "answer";
    const int cause = r.cause.value_or(0);
    const bool local = r.causeFrom == "local";
    if (r.outgoing) {
        if (local) return "noanswer";
        if (cause == q850::value(Cause::UserBusy)) return "busy";
        if (cause == q850::value(Cause::NoUserResponding) || cause == q850::value(Cause::NoAnswer)) return "noanswer";
        return "rejected";
    }
    if (local) return cause == q850::value(Cause::UserBusy) ? "busy" : "rejected";
    return "noanswer";   // the caller gave up before we answered
}

// Q.931 §5.1.2 hunting: the network side from the lowest channel up, the
// user side from the highest down, which keeps glare rare.
int Pbxsim::huntChannel(int wanted) const {
    if (wanted > 0 && !channelBusy(wanted)) return wanted;
    const auto& bearers = span_.shape().bearers;
    if (options_.side == conf::IsdnSide::Network) {
        for (int ch : bearers) {
            if (!channelBusy(ch)) return ch;
        }
    } else {
        for (auto it = bearers.rbegin(); it != bearers.rend(); ++it) {
            if (!channelBusy(*it)) return *it;
        }
    }
    return -1;
}

bool Pbxsim::channelBusy(int channel) const {
    return std::any_of(calls_.begin(), calls_.end(),
                       [channel](const auto& c) { return !c->done && c->report.channel == channel; });
}

} // namespace gw::isdn
