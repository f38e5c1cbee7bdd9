// PriPort over libpri 1.6. libpri runs Q.921 and the Q.931 message-level
// state machine; this adapter turns its events into IsdnPortListener calls
// and the core's requests into pri_* calls.
#include "isdn/pri_port.hpp"

#include "isdn/pri_clock.hpp"
#include "isdn/q931_decode.hpp"
#include "kernel/log.hpp"

extern "C" {
#include <libpri.h>
}

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
// re-establishes the link (Q.921 §5.7.1 discards the I queue).
constexpr std::chrono::milliseconds kRestartAckWait{1500};
constexpr int kRestartTries = 3;

int priChannel(int encoded) { return encoded < 0 ? 0 : (encoded & 0xff); }
// A RESTART's channel: 0 for the whole interface (no channel identified).
int restartChannel(int encoded) {
    int ch = priChannel(encoded);
    return ch == 0xff ? 0 : ch;
}

// Q.931 §4.5.23 progress descriptions that mean in-band tones or
// announcements may follow: 1 (call is not end-to-end ISDN) and 8 (in-band
// information now available).
bool inbandProgress(int progressMask) {
    return (progressMask & (PRI_PROG_CALL_NOT_E2E_ISDN | PRI_PROG_INBAND_AVAILABLE)) != 0;
}

// A cause as libpri reports it (-1 or garbage when the message had none).
q850::Cause causeOf(int priCause) { return q850::fromValueOr(priCause, q850::Cause::NormalUnspecified); }

void priMessage(struct pri*, char* text) noexcept {
    std::size_t n = std::strlen(text);
    while (n && text[n - 1] == '\n') --n;
    logCat(DebugCat::IsdnQ931, LogLevel::Info, "q931: %.*s", static_cast<int>(n), text);
}

void priError(struct pri*, char* text) noexcept {
    std::size_t n = std::strlen(text);
    while (n && text[n - 1] == '\n') --n;
    GW_WARN("libpri: %.*s", static_cast<int>(n), text);
}

int toPriSwitch(conf::SwitchType t) {
    switch (t) {
    case conf::SwitchType::PrimaryNi: return PRI_SWITCH_NI2;
    case conf::SwitchType::Primary5ess: return PRI_SWITCH_LUCENT5E;
    case conf::SwitchType::PrimaryDms100: return PRI_SWITCH_DMS100;
    case conf::SwitchType::Primary4ess: return PRI_SWITCH_ATT4ESS;
    case conf::SwitchType::PrimaryNet5: return PRI_SWITCH_EUROISDN_E1;
    case conf::SwitchType::PrimaryQsig: return PRI_SWITCH_QSIG;
    }
    return PRI_SWITCH_EUROISDN_E1;
}

} // namespace

const char* PriPort::switchTypeName(conf::SwitchType t) { return pri_switch2str(toPriSwitch(t)); }

PriPort::PriPort(kernel::EventLoop& loop, IsdnPortListener& listener, int spanNo, kernel::Span& span,
                 conf::IsdnSide side, conf::SwitchType switchType)
    : loop_(loop), listener_(listener), span_(spanNo), line_(span), fd_(span.dchannelFd()),
      law_(span.shape().law), node_(side == conf::IsdnSide::Network ? PRI_NETWORK : PRI_CPE),
      switchType_(toPriSwitch(switchType)) {
    static bool hooked = [] {
        pri_set_message(priMessage);
        pri_set_error(priError);
        return true;
    }();
    (void)hooked;
    loop_.watchFd(line_.lineEventFd(), [this] { onLineEvent(); });
    onLineEvent();
}

// Layer 2 starts with layer 1. A Q.921 link left retrying SABME through a
// long alarm re-establishes itself just after the far end comes up, and
// that re-establishment discards the first SETUP (Q.921 §5.5.3). So each
// time the line comes back, libpri starts afresh. libpri 1.6 cannot free a
// control block; the previous one (a few KB) is left behind unused.
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
        std::vector<IsdnCallId> gone;
        for (auto& [id, rec] : calls_) {
            if (rec.call && pri_) pri_destroycall(pri_, rec.call);
            gone.push_back(id);
        }
        calls_.clear();
        for (IsdnCallId id : gone) listener_.onReleased(id, q850::Cause::NetworkOutOfOrder);
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
    pri_ = pri_new_cb(fd_, node_, switchType_, &PriPort::ioRead, &PriPort::ioWrite, this);
    if (!pri_) {
        GW_ERROR("span=%d libpri could not start on the D-channel", span_);
        return;
    }
    pri_connect_ack_enable(pri_, 1);
    pri_hangup_fix_enable(pri_, 1);   // Q.931 §5.3.2 a) clearing, not the legacy one
    pri_set_timer(pri_, PRI_TIMER_T309, static_cast<int>(t309_.count()));
    // The calling party's name travels in the Display IE of SETUP and
    // CONNECT, both ways (libpri's legacy default drops it on some switch
    // types, EuroISDN among them).
    pri_display_options_send(pri_, PRI_DISPLAY_OPTION_NAME_INITIAL);
    pri_display_options_receive(pri_, PRI_DISPLAY_OPTION_NAME_INITIAL);
    setDebug(debug_);
    reschedule();
}

PriPort::~PriPort() {
    if (timer_) loop_.cancelTimer(timer_);
    if (restartGuard_) loop_.cancelTimer(restartGuard_);
    loop_.unwatchFd(fd_);
    loop_.unwatchFd(line_.lineEventFd());
    if (pri_) {
        for (auto& [id, rec] : calls_)
            if (rec.call) pri_destroycall(pri_, rec.call);
        // libpri 1.6 has no public destructor for a control block; it lives
        // as long as the span, which is the life of the process. Its I/O
        // callbacks find no port from now on.
        pri_set_userdata(pri_, nullptr);
    }
}

// libpri's D-channel I/O goes through the span, which checks and fills the
// FCS as an HDLC controller does.
int PriPort::ioRead(struct pri* ctrl, void* buf, int len) noexcept {
    auto* self = static_cast<PriPort*>(pri_get_userdata(ctrl));
    if (!self || len <= 0) return 0;
    const long n = self->line_.readDchannel(static_cast<std::uint8_t*>(buf), static_cast<std::size_t>(len));
    if (n < 0) self->lineGone_ = true;
    return n > 0 ? static_cast<int>(n) : 0;
}

int PriPort::ioWrite(struct pri* ctrl, void* buf, int len) noexcept {
    auto* self = static_cast<PriPort*>(pri_get_userdata(ctrl));
    if (!self || len <= 0) return 0;
    if (self->settingUp_ && len > static_cast<int>(kernel::kFcsBytes)) {
        // libpri has no accessor for the call reference it gave a call (its
        // pri_get_crv() is GR-303's): take it from the SETUP on its way out.
        auto msg = decodeQ931Frame(static_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(len) - kernel::kFcsBytes);
        if (msg && msg->type == kQ931Setup) self->setupCallRef_ = msg->callRef;
    }
    return self->line_.writeDchannel(static_cast<std::uint8_t*>(buf), static_cast<std::size_t>(len)) ? len : 0;
}

void PriPort::setDebug(bool on) {
    debug_ = on;
    if (pri_) pri_set_debug(pri_, on ? (PRI_DEBUG_Q931_DUMP | PRI_DEBUG_Q931_ANOMALY) : 0);
}

void PriPort::onReadable() {
    if (!pri_) {
        std::uint8_t drop[512];
        while (line_.readDchannel(drop, sizeof drop) > 0) {
        }
        return;
    }
    if (pri_event* e = pri_check_event(pri_)) dispatch(e);
    if (lineGone_) {
        // The far end hung up its half; the span puts the line down and a
        // line event follows. Until then the fd would only report EOF.
        lineGone_ = false;
        loop_.unwatchFd(fd_);
        dWatched_ = false;
    }
    reschedule();
}

// Keeps one loop timer on libpri's next deadline. Most events leave that
// deadline where it was, so the timer is only moved when it changes.
void PriPort::reschedule() {
    struct timeval* next = pri_ ? pri_schedule_next(pri_) : nullptr;
    if (timer_ && next && next->tv_sec == timerDue_.tv_sec && next->tv_usec == timerDue_.tv_usec) return;
    if (timer_) loop_.cancelTimer(timer_);
    timer_ = 0;
    if (!next) return;
    timerDue_ = *next;
    struct timeval now;
    gettimeofday(&now, nullptr);
    timer_ = loop_.startTimer(msUntil(*next, now), [this] {
        timer_ = 0;
        if (pri_event* e = pri_schedule_run(pri_)) dispatch(e);
        reschedule();
    });
}

IsdnCallId PriPort::idFor(q931_call* call) const {
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

void PriPort::dispatch(void* raw) {
    auto* e = static_cast<pri_event*>(raw);
    switch (e->e) {
    case PRI_EVENT_DCHAN_UP:
        up_ = true;
        if (restartOnUp_) startRestarts();
        else listener_.onDchannel(span_, true);
        break;
    case PRI_EVENT_DCHAN_DOWN:
        toRestart_.clear();
        restarting_ = 0;
        if (restartGuard_) loop_.cancelTimer(restartGuard_);
        restartGuard_ = 0;
        if (!up_) break;   // already reported with the loss of layer 1
        up_ = false;
        listener_.onDchannel(span_, false);
        break;
    case PRI_EVENT_RING: onRing(e); break;
    case PRI_EVENT_PROCEEDING:
        markProgressed(e->proceeding.call);
        noteChannel(e->proceeding.call, priChannel(e->proceeding.channel));
        if (IsdnCallId id = idFor(e->proceeding.call))
            listener_.onProceeding(id, priChannel(e->proceeding.channel));
        break;
    case PRI_EVENT_RINGING:
        markProgressed(e->ringing.call);
        noteChannel(e->ringing.call, priChannel(e->ringing.channel));
        if (IsdnCallId id = idFor(e->ringing.call))
            listener_.onAlerting(id, priChannel(e->ringing.channel), inbandProgress(e->ringing.progressmask));
        break;
    case PRI_EVENT_PROGRESS:
        markProgressed(e->proceeding.call);
        noteChannel(e->proceeding.call, priChannel(e->proceeding.channel));
        if (IsdnCallId id = idFor(e->proceeding.call))
            listener_.onProgress(id, priChannel(e->proceeding.channel), inbandProgress(e->proceeding.progressmask));
        break;
    case PRI_EVENT_ANSWER:
        markProgressed(e->answer.call);
        noteChannel(e->answer.call, priChannel(e->answer.channel));
        // Q.931 §5.1.8: the user side acknowledges CONNECT (manual mode is on
        // so that a received CONNECT ACKNOWLEDGE is reported to us).
        pri_connect_ack(pri_, e->answer.call, e->answer.channel);
        if (IsdnCallId id = idFor(e->answer.call)) listener_.onConnect(id, priChannel(e->answer.channel));
        break;
    case PRI_EVENT_CONNECT_ACK:
        if (IsdnCallId id = idFor(e->connect_ack.call)) listener_.onConnectAck(id);
        break;
    case PRI_EVENT_HANGUP_REQ:
        if (IsdnCallId id = idFor(e->hangup.call)) listener_.onDisconnect(id, causeOf(e->hangup.cause));
        else pri_hangup(pri_, e->hangup.call, e->hangup.cause);
        break;
    case PRI_EVENT_HANGUP: onHangup(e, false); break;
    case PRI_EVENT_HANGUP_ACK: onHangup(e, true); break;
    case PRI_EVENT_RESTART: onRestart(restartChannel(e->restart.channel)); break;
    case PRI_EVENT_RESTART_ACK:
        if (restarting_ && priChannel(e->restartack.channel) == restarting_) restartNext();
        break;
    default:
        GW_DEBUG("span=%d libpri event %s ignored", span_, pri_event2str(e->e));
        break;
    }
}

void PriPort::onRing(void* raw) {
    auto* e = static_cast<pri_event*>(raw);
    IsdnCallId id = gNextId++;
    calls_[id] = CallRec{e->ring.call, false, e->ring.cref, false, priChannel(e->ring.channel)};
    // The far end chose this channel, so it is idle at both ends: no
    // RESTART for it, nor another try of one still unacknowledged (that
    // would clear this call).
    std::erase(toRestart_, priChannel(e->ring.channel));
    if (restarting_ && restarting_ == priChannel(e->ring.channel)) restartNext();
    SetupInfo info;
    info.called = e->ring.callednum;
    info.calling = e->ring.callingnum;
    info.callingName = e->ring.callingname;
    // libpri keeps octet 3 (type of number << 4 | numbering plan) and octet
    // 3a (presentation << 5 | screening) of Q.931 §4.5.10 as coded.
    info.callingTon = typeOfNumberOf(e->ring.callingplan);
    info.callingPlan = numberingPlanOf(e->ring.callingplan);
    info.callingPresentation = presentationOf(e->ring.callingpres);
    info.callingScreening = e->ring.callingpres & 0x03;
    info.calledTon = typeOfNumberOf(e->ring.calledplan);
    info.calledPlan = numberingPlanOf(e->ring.calledplan);
    info.channel = priChannel(e->ring.channel);
    info.exclusive = !e->ring.flexible;
    info.complete = e->ring.complete;
    info.callRef = e->ring.cref;
    listener_.onSetup(span_, id, info);
}

// libpri: after PRI_EVENT_HANGUP the upper layer calls pri_hangup() so the
// call is freed; after PRI_EVENT_HANGUP_ACK libpri has already freed it.
void PriPort::onHangup(void* raw, bool ack) {
    auto* e = static_cast<pri_event*>(raw);
    IsdnCallId id = idFor(e->hangup.call);
    if (!ack) pri_hangup(pri_, e->hangup.call, e->hangup.cause);
    if (!id) return;
    calls_.erase(id);
    listener_.onReleased(id, causeOf(e->hangup.cause));
}

IsdnCallId PriPort::setup(const SetupInfo& s) {
    if (!pri_ || !up_) return 0;
    q931_call* call = pri_new_call(pri_);
    if (!call) return 0;
    struct pri_sr* sr = pri_sr_new();
    pri_sr_set_channel(sr, s.channel, s.exclusive ? 1 : 0, 0);
    pri_sr_set_bearer(sr, PRI_TRANS_CAP_SPEECH,
                      law_ == kernel::Law::Alaw ? PRI_LAYER_1_ALAW : PRI_LAYER_1_ULAW);
    std::string called = s.called, calling = s.calling, name = s.callingName;
    pri_sr_set_called(sr, called.data(), (s.calledTon & 0x07) << 4 | (s.calledPlan & 0x0F), 1);
    const int pres = calling.empty() ? PRES_NUMBER_NOT_AVAILABLE
                                     : static_cast<int>(s.callingPresentation) << 5 | (s.callingScreening & 0x03);
    pri_sr_set_caller(sr, calling.empty() ? nullptr : calling.data(), name.empty() ? nullptr : name.data(),
                      (s.callingTon & 0x07) << 4 | (s.callingPlan & 0x0F), pres);
    settingUp_ = true;
    setupCallRef_ = 0;
    int res = pri_setup(pri_, call, sr);
    settingUp_ = false;
    pri_sr_free(sr);
    if (res) {
        pri_destroycall(pri_, call);
        return 0;
    }
    IsdnCallId id = gNextId++;
    calls_[id] = CallRec{call, false, setupCallRef_, false, s.channel};
    reschedule();
    return id;
}

void PriPort::noteChannel(q931_call* call, int channel) {
    if (CallRec* r = rec(idFor(call)); r && channel > 0) r->channel = channel;
}

// Q.931 §5.5.2: a RESTART from the far end returns the channel (or every
// channel) to the idle condition; libpri has acknowledged it. The calls on
// it end here without any message on the D-channel, as the far end has
// cleared them too, and the call layer hears cause 41.
void PriPort::onRestart(int channel) {
    std::vector<IsdnCallId> gone;
    for (auto it = calls_.begin(); it != calls_.end();) {
        if (channel != 0 && it->second.channel != channel) {
            ++it;
            continue;
        }
        if (it->second.call) pri_destroycall(pri_, it->second.call);
        gone.push_back(it->first);
        it = calls_.erase(it);
    }
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
        if (pri_reset(pri_, ch) == 0) restarting_ = ch;
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
            pri_reset(pri_, restarting_);
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
    if (up_) listener_.onDchannel(span_, true);
}

void PriPort::markProgressed(q931_call* call) {
    if (CallRec* r = rec(idFor(call))) r->progressed = true;
}

void PriPort::proceeding(IsdnCallId id, int channel) {
    if (CallRec* r = rec(id)) {
        r->progressed = true;
        if (channel > 0) r->channel = channel;
        pri_proceeding(pri_, r->call, channel, 0);
    }
    reschedule();
}

void PriPort::alerting(IsdnCallId id, int channel, bool inband) {
    if (CallRec* r = rec(id)) {
        r->progressed = true;
        if (channel > 0) r->channel = channel;
        pri_acknowledge(pri_, r->call, channel, inband ? 1 : 0);
    }
    reschedule();
}

void PriPort::progress(IsdnCallId id, int channel, bool inband) {
    if (CallRec* r = rec(id)) {
        r->progressed = true;
        if (channel > 0) r->channel = channel;
        pri_progress(pri_, r->call, channel, inband ? 1 : 0);
    }
    reschedule();
}

void PriPort::connect(IsdnCallId id, int channel) {
    if (CallRec* r = rec(id)) {
        r->progressed = true;
        if (channel > 0) r->channel = channel;
        pri_answer(pri_, r->call, channel, 0);
    }
    reschedule();
}

void PriPort::disconnect(IsdnCallId id, q850::Cause cause) {
    CallRec* r = rec(id);
    if (!r) return;
    r->hungUp = true;
    // Q.931 §5.3.2 a): before any answer to the SETUP, these causes clear
    // with RELEASE COMPLETE and libpri frees the call at once, with no event
    // to follow; report the release from the loop, not from inside this call.
    using q850::Cause;
    bool immediate = !r->progressed &&
                     (cause == Cause::UnallocatedNumber || cause == Cause::NoCircuitAvailable ||
                      cause == Cause::RequestedChannelNotAvailable || cause == Cause::ChannelDoesNotExist ||
                      cause == Cause::IncompatibleDestination || cause == Cause::InvalidCallReference);
    pri_hangup(pri_, r->call, q850::value(cause));
    if (immediate) {
        calls_.erase(id);
        loop_.startTimer(std::chrono::milliseconds(0), [this, id, cause] { listener_.onReleased(id, cause); });
    }
    reschedule();
}

} // namespace gw::isdn
