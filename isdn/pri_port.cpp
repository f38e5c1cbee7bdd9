// PriPort over the PriController. libpri runs Q.921 and the Q.931
// message-level state machine; this adapter turns its events into
// IsdnPortListener calls and the core's requests into controller calls.
#include "isdn/pri_port.hpp"

#include "isdn/q931_decode.hpp"
#include "kernel/log.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <sys/time.h>
#include <unistd.h>

namespace gw::isdn {
namespace {

std::atomic<IsdnCallId> gNextId{1};

// How long a RESTART ACKNOWLEDGE is awaited before the RESTART is sent again,
// and how many times it is sent (libpri's own T316 would wait 2 minutes). A
// RESTART sent just after layer 2 came up can be lost when the far end then
// re-establishes the link (Q.921 §5.7.1 discards the I queue). Long enough
// that an acknowledgement slowed by a busy far end is not overtaken by a
// second RESTART, which could cross a SETUP the far end has meanwhile sent
// on that channel and clear it.
constexpr std::chrono::milliseconds kRestartAckWait{4000};
constexpr int kRestartTries = 3;

// A cause as libpri reports it (-1 or garbage when the message had none).
q850::Cause causeOf(int priCause) { return q850::fromValueOr(priCause, q850::Cause::NormalUnspecified); }

// libpri's own text: its errors and anomalies at warning level, its
// messages as Q.931 debug output.
void libpriText(bool error, const char* text) {
    std::size_t n = std::strlen(text);
    while (n && text[n - 1] == '\n') --n;
    if (error) GW_WARN("libpri: %.*s", static_cast<int>(n), text);
    else logCat(DebugCat::IsdnQ931, LogLevel::Info, "q931: %.*s", static_cast<int>(n), text);
}

} // namespace

const char* PriPort::switchTypeName(conf::SwitchType t) { return PriController::switchName(t); }

PriPort::PriPort(kernel::EventLoop& loop, IsdnPortListener& listener, int spanNo, kernel::Span& span,
                 conf::IsdnSide side, conf::SwitchType switchType)
    : loop_(loop), listener_(listener), span_(spanNo), line_(span), fd_(span.dchannelFd()),
      law_(span.shape().law), side_(side), switchType_(switchType) {
    PriController::setTextSink(libpriText);
    loop_.watchFd(line_.lineEventFd(), [this] { onLineEvent(); });
    onLineEvent();
}

// Layer 2 starts with layer 1. A Q.921 link left retrying SABME through a
// long alarm re-establishes itself just after the far end comes up, and
// that re-establishment discards the first SETUP (Q.921 §5.5.3). So each
// time the line comes back, libpri starts afresh with a new controller.
// While the line is down libpri runs on, its frames lost; the D-channel is
// reported down at once, and the calls end then: with layer 1 gone their
// B-channels carry nothing either. (A loss of layer 2 alone is libpri's:
// calls being set up are cleared at once, active ones kept for T309.)
void PriPort::onLineEvent() {
    std::uint64_t count;
    [[maybe_unused]] ssize_t n = ::read(line_.lineEventFd(), &count, sizeof count);
    const bool up = !line_.inAlarm();
    if (!up) {
        // Layer 1 lost: the D-channel cannot carry anything, so its calls end
        // now rather than when libpri's Q.921 timers give up (T200 x N200).
        if (up_) {
            GW_WARN("span=%d layer 1 down (span in alarm): D-channel down, %zu call(s) cleared", span_,
                    calls_.size());
            up_ = false;
            listener_.onDchannel(span_, false);
        }
        for (IsdnCallId id : dropCalls(0)) listener_.onReleased(id, q850::Cause::NetworkOutOfOrder);
        return;
    }
    if (!dWatched_) {
        loop_.watchFd(fd_, [this] { onReadable(); });
        dWatched_ = true;
    }
    if (pri_) {
        GW_INFO("span=%d line back up: restarting layer 2", span_);
        if (up_) {
            up_ = false;
            listener_.onDchannel(span_, false);
        }
        for (const auto& [id, rec] : calls_)
            loop_.startTimer(std::chrono::milliseconds(0), [this, id = id] { listener_.onReleased(id, q850::Cause::NetworkOutOfOrder); });
        calls_.clear();
    }
    startLink();
}

void PriPort::startLink() {
    if (timer_) loop_.cancelTimer(timer_);
    timer_ = 0;
    if (restartGuard_) loop_.cancelTimer(restartGuard_);
    restartGuard_ = 0;
    toRestart_.clear();
    restarting_ = 0;
    pri_ = std::make_unique<PriController>(
        line_, side_, switchType_, [this](const PriEvent& e) { dispatch(e); },
        [this](bool tx, const std::uint8_t* f, std::size_t n) { onFrame(tx, f, n); });
    pri_->setT309(t309_);
    setDebug(debug_);
    reschedule();
}

PriPort::~PriPort() {
    if (timer_) loop_.cancelTimer(timer_);
    if (restartGuard_) loop_.cancelTimer(restartGuard_);
    loop_.unwatchFd(fd_);
    loop_.unwatchFd(line_.lineEventFd());
    if (pri_)
        for (auto& [id, rec] : calls_)
            if (rec.call) pri_->destroy(rec.call);
}

void PriPort::setDebug(bool on) {
    debug_ = on;
    if (pri_) pri_->setLibpriDebug(on ? PriController::LibpriDebug::Anomalies : PriController::LibpriDebug::Off);
}

// `debug isdn q931`: every Q.931 message each way, decoded.
void PriPort::onFrame(bool tx, const std::uint8_t* frame, std::size_t n) {
    if (!debug_) return;
    auto msg = decodeQ931Frame(frame, n);
    if (!msg) return;
    const std::string text = describeQ931(*msg);
    logCat(DebugCat::IsdnQ931, LogLevel::Info, "span=%d %s %s", span_, tx ? "TX ->" : "RX <-", text.c_str());
}

void PriPort::onReadable() {
    if (!pri_) {
        std::uint8_t drop[512];
        while (line_.readDchannel(drop, sizeof drop) > 0) {
        }
        return;
    }
    pri_->readFrames();
    if (pri_->takeLineGone()) {
        // The far end hung up its half; the span puts the line down and a
        // line event follows. Until then the fd would only report EOF.
        loop_.unwatchFd(fd_);
        dWatched_ = false;
    }
    reschedule();
}

// Keeps one loop timer on libpri's next deadline. Most events leave that
// deadline where it was, so the timer is only moved when it changes.
void PriPort::reschedule() {
    const struct timeval* next = pri_ ? pri_->nextDeadline() : nullptr;
    if (timer_ && next && next->tv_sec == timerDue_.tv_sec && next->tv_usec == timerDue_.tv_usec) return;
    if (timer_) loop_.cancelTimer(timer_);
    timer_ = 0;
    if (!next) return;
    timerDue_ = *next;
    timer_ = loop_.startTimer(pri_->untilNextTimer().value_or(std::chrono::milliseconds(0)), [this] {
        timer_ = 0;
        pri_->runTimers();
        reschedule();
    });
}

IsdnCallId PriPort::idFor(PriCall call) const {
    for (const auto& [id, rec] : calls_)
        if (rec.call == call) return id;
    return 0;
}

PriPort::CallRec* PriPort::rec(IsdnCallId id) {
    auto it = calls_.find(id);
    return it == calls_.end() ? nullptr : &it->second;
}

int PriPort::callRef(IsdnCallId id) const {
    auto it = calls_.find(id);
    return it == calls_.end() ? 0 : it->second.callRef;
}

void PriPort::dispatch(const PriEvent& e) {
    using K = PriEvent::Kind;
    switch (e.kind) {
    case K::DchanUp:
        up_ = true;
        if (restartOnUp_) {
            startRestarts();
        } else {
            sendServiceStates();
            listener_.onDchannel(span_, true);
        }
        break;
    case K::DchanDown:
        toRestart_.clear();
        restarting_ = 0;
        if (restartGuard_) loop_.cancelTimer(restartGuard_);
        restartGuard_ = 0;
        if (!up_) break;   // already reported with the loss of layer 1
        up_ = false;
        listener_.onDchannel(span_, false);
        break;
    case K::Ring: onRing(e); break;
    case K::Proceeding:
        noteChannel(e.call, e.channel);
        if (IsdnCallId id = idFor(e.call)) listener_.onProceeding(id, e.channel);
        break;
    case K::SetupAck:
        noteChannel(e.call, e.channel);
        if (IsdnCallId id = idFor(e.call)) listener_.onSetupAck(id, e.channel);
        break;
    case K::Service:
        // libpri has acknowledged it (SERVICE ACKNOWLEDGE).
        GW_WARN("span=%d SERVICE from the far end: B-channel %d %s", span_, e.channel,
                e.serviceState == 0 ? "in service" : e.serviceState == 1 ? "in maintenance" : "out of service");
        if (e.serviceState == 0) service_.erase(e.channel);
        else service_[e.channel] = e.serviceState;
        listener_.onChannelService(span_, e.channel, e.serviceState);
        break;
    case K::ServiceAck:
        GW_INFO("span=%d SERVICE ACKNOWLEDGE: B-channel %d state %d", span_, e.channel, e.serviceState);
        break;
    case K::InfoReceived:
        if (IsdnCallId id = idFor(e.call)) listener_.onInformation(id, e.setup.called, e.setup.complete);
        break;
    case K::Ringing:
        noteChannel(e.call, e.channel);
        if (IsdnCallId id = idFor(e.call)) listener_.onAlerting(id, e.channel, e.inband);
        break;
    case K::Progress:
        noteChannel(e.call, e.channel);
        if (IsdnCallId id = idFor(e.call)) listener_.onProgress(id, e.channel, e.inband);
        break;
    case K::Answer:
        noteChannel(e.call, e.channel);
        // Q.931 §5.1.8: the user side acknowledges CONNECT (manual mode is on
        // so that a received CONNECT ACKNOWLEDGE is reported to us).
        pri_->connectAck(e.call, e.channel);
        if (IsdnCallId id = idFor(e.call)) listener_.onConnect(id, e.channel);
        break;
    case K::ConnectAck:
        if (IsdnCallId id = idFor(e.call)) listener_.onConnectAck(id);
        break;
    case K::HangupReq:
        if (IsdnCallId id = idFor(e.call)) listener_.onDisconnect(id, causeOf(e.cause));
        else pri_->hangup(e.call, e.cause);
        break;
    case K::Hangup: onHangup(e, false); break;
    case K::HangupAck: onHangup(e, true); break;
    case K::Restart: onRestart(e.channel); break;
    case K::RestartAck:
        if (restarting_ && e.channel == restarting_) restartNext();
        break;
    default:
        GW_DEBUG("span=%d libpri event %s ignored", span_, e.name);
        break;
    }
}

void PriPort::onRing(const PriEvent& e) {
    // Q.931 §5.8.3.2: the global call reference names no call, but libpri
    // takes a SETUP on it for one. Refused before anything is reserved
    // (RELEASE COMPLETE, cause 81).
    if ((e.setup.callRef & 0x7FFF) == 0) {
        GW_WARN("span=%d SETUP on the global call reference refused: cause 81 (invalid call reference value)", span_);
        pri_->hangup(e.call, q850::value(q850::Cause::InvalidCallReference));
        return;
    }
    IsdnCallId id = gNextId++;
    calls_[id] = CallRec{e.call, e.setup.callRef, e.channel};
    // The far end chose this channel, so it is idle at both ends: no
    // RESTART for it, nor another try of one still unacknowledged (that
    // would clear this call).
    std::erase(toRestart_, e.channel);
    if (restarting_ && restarting_ == e.channel) restartNext();
    listener_.onSetup(span_, id, e.setup);
}

// libpri: after PRI_EVENT_HANGUP the upper layer calls pri_hangup() so the
// call is freed; after PRI_EVENT_HANGUP_ACK libpri has already freed it.
void PriPort::onHangup(const PriEvent& e, bool ack) {
    IsdnCallId id = idFor(e.call);
    if (!ack) pri_->hangup(e.call, e.cause);
    if (!id) return;
    calls_.erase(id);
    listener_.onReleased(id, causeOf(e.cause));
}

IsdnCallId PriPort::setup(const SetupInfo& s) {
    if (!pri_ || !up_) return 0;
    PriCall call = pri_->newCall();
    if (!call) return 0;
    auto callRef = pri_->setup(call, s, law_);
    if (!callRef) {
        pri_->destroy(call);
        return 0;
    }
    IsdnCallId id = gNextId++;
    calls_[id] = CallRec{call, *callRef, s.channel};
    reschedule();
    return id;
}

void PriPort::noteChannel(PriCall call, int channel) {
    if (CallRec* r = rec(idFor(call)); r && channel > 0) r->channel = channel;
}

std::map<int, IsdnPort::ChannelView> PriPort::channelViews() const {
    std::map<int, ChannelView> out;
    for (const auto& [id, r] : calls_)
        if (r.channel > 0) out[r.channel] = ChannelView{id, r.callRef, false};
    if (restarting_) out[restarting_].restarting = true;
    for (const auto& [ch, state] : service_) out[ch].service = state;
    return out;
}

bool PriPort::setChannelService(int channel, int state) {
    if (state == 0) service_.erase(channel);
    else service_[channel] = state;
    const bool sent = pri_ && up_ && pri_->service(channel, state);
    if (sent) GW_INFO("span=%d SERVICE sent: B-channel %d to state %d", span_, channel, state);
    listener_.onChannelService(span_, channel, state);
    reschedule();
    return sent;
}

// A channel found out of step (the self-check): its calls end locally, as
// for a RESTART received, and the far end is asked to idle it too. One
// RESTART at a time: during the start-up round it joins the queue.
void PriPort::restartChannel(int channel) {
    if (!pri_ || !up_) return;
    const std::vector<IsdnCallId> gone = dropCalls(channel);
    if (restarting_ || !toRestart_.empty()) {
        if (restarting_ != channel && std::find(toRestart_.begin(), toRestart_.end(), channel) == toRestart_.end())
            toRestart_.push_back(channel);
    } else {
        pri_->restart(channel);
    }
    reschedule();
    for (IsdnCallId id : gone) listener_.onReleased(id, q850::Cause::TemporaryFailure);
}

// Ends the calls on B-channel `channel` (0: every call) here, without a
// message on the D-channel: libpri forgets them. Returns their ids, for the
// caller to report once its own state is settled.
std::vector<IsdnCallId> PriPort::dropCalls(int channel) {
    std::vector<IsdnCallId> gone;
    for (auto it = calls_.begin(); it != calls_.end();) {
        if (channel != 0 && it->second.channel != channel) {
            ++it;
            continue;
        }
        if (it->second.call && pri_) pri_->destroy(it->second.call);
        gone.push_back(it->first);
        it = calls_.erase(it);
    }
    return gone;
}

// Q.931 §5.5.2: a RESTART from the far end returns the channel (or every
// channel) to the idle condition; libpri has acknowledged it. The calls on
// it end here without any message on the D-channel, as the far end has
// cleared them too, and the call layer hears cause 41.
void PriPort::onRestart(int channel) {
    const std::vector<IsdnCallId> gone = dropCalls(channel);
    if (channel) GW_WARN("span=%d RESTART received for B-channel %d: %zu call(s) cleared", span_, channel, gone.size());
    else GW_WARN("span=%d RESTART received for the whole interface: %zu call(s) cleared", span_, gone.size());
    for (IsdnCallId id : gone) listener_.onReleased(id, q850::Cause::TemporaryFailure);
}

// Q.931 §5.5.1: after a (re)start the gateway cannot know what the far end
// believes about each B-channel, so each idle one is restarted in turn
// (libpri keeps one RESTART outstanding at a time) and the span is reported
// up when the last is acknowledged. A far end that leaves the first RESTART
// unanswered is taken not to support it.
void PriPort::startRestarts() {
    toRestart_.clear();
    for (int ch : line_.shape().bearers) {
        bool busy = false;
        for (const auto& [id, r] : calls_) busy = busy || r.channel == ch;
        if (!busy) toRestart_.push_back(ch);
    }
    GW_INFO("span=%d layer 2 up: restarting %zu idle B-channels before taking calls", span_, toRestart_.size());
    restarting_ = 0;
    restartsAcked_ = 0;
    restartNext();
}

void PriPort::restartNext() {
    if (restartGuard_) loop_.cancelTimer(restartGuard_);
    restartGuard_ = 0;
    if (restarting_) ++restartsAcked_;
    restarting_ = 0;
    while (!toRestart_.empty() && !restarting_) {
        int ch = toRestart_.front();
        toRestart_.erase(toRestart_.begin());
        if (pri_->restart(ch)) restarting_ = ch;
        else GW_WARN("span=%d libpri could not send RESTART for B-channel %d", span_, ch);
    }
    if (!restarting_) return finishRestarts();
    restartTry_ = 1;
    armRestartGuard();
    reschedule();
}

void PriPort::armRestartGuard() {
    restartGuard_ = loop_.startTimer(kRestartAckWait, [this] {
        restartGuard_ = 0;
        if (restartTry_ < kRestartTries) {
            ++restartTry_;
            pri_->restart(restarting_);
            armRestartGuard();
            reschedule();
            return;
        }
        if (restartsAcked_ == 0) {
            // Not one acknowledged: the far end does not do RESTART.
            GW_WARN("span=%d no RESTART ACKNOWLEDGE for B-channel %d after %d tries: the far end does not "
                    "answer RESTART, the other channels are not restarted",
                    span_, restarting_, kRestartTries);
            toRestart_.clear();
            restarting_ = 0;
            return finishRestarts();
        }
        GW_WARN("span=%d no RESTART ACKNOWLEDGE for B-channel %d after %d tries", span_, restarting_,
                kRestartTries);
        restarting_ = 0;
        restartNext();
    });
}

void PriPort::finishRestarts() {
    GW_INFO("span=%d %d B-channel(s) restarted", span_, restartsAcked_);
    sendServiceStates();
    if (up_) listener_.onDchannel(span_, true);
}

// The channels kept out of service are announced each time the link comes up.
void PriPort::sendServiceStates() {
    for (const auto& [ch, state] : service_)
        if (pri_->service(ch, state)) GW_INFO("span=%d SERVICE sent: B-channel %d to state %d", span_, ch, state);
}

void PriPort::proceeding(IsdnCallId id, int channel) {
    if (CallRec* r = rec(id)) {
        if (channel > 0) r->channel = channel;
        pri_->proceeding(r->call, channel);
    }
    reschedule();
}

void PriPort::setupAck(IsdnCallId id, int channel) {
    if (CallRec* r = rec(id)) {
        if (channel > 0) r->channel = channel;
        pri_->setupAck(r->call, channel);
    }
    reschedule();
}

void PriPort::alerting(IsdnCallId id, int channel, bool inband) {
    if (CallRec* r = rec(id)) {
        if (channel > 0) r->channel = channel;
        pri_->alerting(r->call, channel, inband);
    }
    reschedule();
}

void PriPort::progress(IsdnCallId id, int channel, bool inband) {
    if (CallRec* r = rec(id)) {
        if (channel > 0) r->channel = channel;
        pri_->progress(r->call, channel, inband);
    }
    reschedule();
}

void PriPort::connect(IsdnCallId id, int channel) {
    if (CallRec* r = rec(id)) {
        if (channel > 0) r->channel = channel;
        pri_->answer(r->call, channel);
    }
    reschedule();
}

// Q.931 §5.3.2 a): before any answer to the SETUP, some causes clear with
// RELEASE COMPLETE and libpri frees the call at once, with no event to
// follow; the release is then reported from the loop, not from inside this
// call.
void PriPort::disconnect(IsdnCallId id, q850::Cause cause) {
    CallRec* r = rec(id);
    if (!r) return;
    if (pri_->hangup(r->call, q850::value(cause)) != PriController::Hangup::Pending) {
        calls_.erase(id);
        loop_.startTimer(std::chrono::milliseconds(0), [this, id, cause] { listener_.onReleased(id, cause); });
    }
    reschedule();
}

} // namespace gw::isdn
