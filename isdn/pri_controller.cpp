// PriController over libpri 1.6: pri_new_cb() with our read/write callbacks
// on the D-channel, events translated into PriEvent and handed to the owner
// one at a time, timers driven by pri_schedule_next()/pri_schedule_run().
#include "isdn/pri_controller.hpp"

#include "isdn/pri_clock.hpp"
#include "isdn/q931_decode.hpp"

extern "C" {
#include <libpri.h>
}

#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace gw::isdn {

namespace {

constexpr int kMaxEventsPerRun = 64;   // stay fair to the other fds
constexpr int kQ931ReleaseComplete = 0x5a;   // Q.931 Table 4-2

std::atomic<bool> gAtLineStart{true};
std::atomic<bool> gShowMessages{false};

void defaultSink(bool error, const char* text) {
    if (!error && !gShowMessages.load()) return;
    if (gAtLineStart.load()) std::fputs("libpri: ", stderr);
    std::fputs(text, stderr);
    const std::size_t n = std::strlen(text);
    gAtLineStart = n > 0 && text[n - 1] == '\n';
}

std::atomic<PriController::TextSink> gSink{defaultSink};

void onPriMessage(struct pri*, char* text) noexcept { gSink.load()(false, text); }
void onPriError(struct pri*, char* text) noexcept { gSink.load()(true, text); }

void installMessageHandlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        pri_set_message(onPriMessage);
        pri_set_error(onPriError);
    });
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

// libpri encodes channels as channel | ds1 << 8 | flags << 16 (q931.c), with
// channel 0xFF for "any" and -1 for none: both are 0 here.
int decodeChannel(int encoded) {
    if (encoded < 0) return 0;
    const int channel = encoded & 0xFF;
    return channel == 0xFF ? 0 : channel;
}

// Q.931 §4.5.23 progress descriptions that mean in-band tones or
// announcements may follow: 1 (call is not end-to-end ISDN) and 8 (in-band
// information now available).
bool inbandProgress(int progressMask) {
    return (progressMask & (PRI_PROG_CALL_NOT_E2E_ISDN | PRI_PROG_INBAND_AVAILABLE)) != 0;
}

PriEvent::Kind kindOf(int e) {
    using K = PriEvent::Kind;
    switch (e) {
    case PRI_EVENT_DCHAN_UP: return K::DchanUp;
    case PRI_EVENT_DCHAN_DOWN: return K::DchanDown;
    case PRI_EVENT_RESTART: return K::Restart;
    case PRI_EVENT_RESTART_ACK: return K::RestartAck;
    case PRI_EVENT_RING: return K::Ring;
    case PRI_EVENT_PROCEEDING: return K::Proceeding;
    case PRI_EVENT_SETUP_ACK: return K::SetupAck;
    case PRI_EVENT_RINGING: return K::Ringing;
    case PRI_EVENT_PROGRESS: return K::Progress;
    case PRI_EVENT_ANSWER: return K::Answer;
    case PRI_EVENT_CONNECT_ACK: return K::ConnectAck;
    case PRI_EVENT_HANGUP_REQ: return K::HangupReq;
    case PRI_EVENT_HANGUP: return K::Hangup;
    case PRI_EVENT_HANGUP_ACK: return K::HangupAck;
    case PRI_EVENT_INFO_RECEIVED: return K::InfoReceived;
    case PRI_EVENT_SERVICE: return K::Service;
    case PRI_EVENT_SERVICE_ACK: return K::ServiceAck;
    default: return K::Other;
    }
}

PriEvent translate(const pri_event& e) {
    PriEvent out;
    out.kind = kindOf(e.e);
    out.name = pri_event2str(e.e);
    switch (e.e) {
    case PRI_EVENT_RESTART:
        out.channel = decodeChannel(e.restart.channel);
        break;
    case PRI_EVENT_RESTART_ACK:
        out.channel = decodeChannel(e.restartack.channel);
        break;
    case PRI_EVENT_RING: {
        out.call = e.ring.call;
        out.channel = decodeChannel(e.ring.channel);
        SetupInfo& info = out.setup;
        info.called = e.ring.callednum;
        info.calling = e.ring.callingnum;
        info.callingName = e.ring.callingname;
        // libpri keeps octet 3 (type of number << 4 | numbering plan) and
        // octet 3a (presentation << 5 | screening) of Q.931 §4.5.10 as coded.
        info.callingTon = typeOfNumberOf(e.ring.callingplan);
        info.callingPlan = numberingPlanOf(e.ring.callingplan);
        info.callingPresentation = presentationOf(e.ring.callingpres);
        info.callingScreening = e.ring.callingpres & 0x03;
        info.redirecting = e.ring.redirectingnum;
        info.redirectingReason = e.ring.redirectingreason > 0 ? e.ring.redirectingreason & 0x0F : 0;
        info.calledTon = typeOfNumberOf(e.ring.calledplan);
        info.calledPlan = numberingPlanOf(e.ring.calledplan);
        info.channel = out.channel;
        info.exclusive = !e.ring.flexible;
        info.complete = e.ring.complete;
        info.callRef = e.ring.cref;
        break;
    }
    case PRI_EVENT_PROCEEDING:
    case PRI_EVENT_PROGRESS:
        out.call = e.proceeding.call;
        out.channel = decodeChannel(e.proceeding.channel);
        out.cause = e.proceeding.cause;
        out.inband = inbandProgress(e.proceeding.progressmask);
        break;
    case PRI_EVENT_INFO_RECEIVED:
        out.call = e.ring.call;
        out.channel = decodeChannel(e.ring.channel);
        out.setup.called = e.ring.callednum;
        out.setup.complete = e.ring.complete;
        break;
    case PRI_EVENT_SERVICE:
        out.channel = decodeChannel(e.service.channel);
        out.serviceState = e.service.changestatus;
        break;
    case PRI_EVENT_SERVICE_ACK:
        out.channel = decodeChannel(e.service_ack.channel);
        out.serviceState = e.service_ack.changestatus;
        break;
    case PRI_EVENT_SETUP_ACK:
        out.call = e.setup_ack.call;
        out.channel = decodeChannel(e.setup_ack.channel);
        break;
    case PRI_EVENT_RINGING:
        out.call = e.ringing.call;
        out.channel = decodeChannel(e.ringing.channel);
        out.inband = inbandProgress(e.ringing.progressmask);
        break;
    case PRI_EVENT_ANSWER:
        out.call = e.answer.call;
        out.channel = decodeChannel(e.answer.channel);
        break;
    case PRI_EVENT_CONNECT_ACK:
        out.call = e.connect_ack.call;
        out.channel = decodeChannel(e.connect_ack.channel);
        break;
    case PRI_EVENT_HANGUP_REQ:
    case PRI_EVENT_HANGUP:
    case PRI_EVENT_HANGUP_ACK:
        out.call = e.hangup.call;
        out.channel = decodeChannel(e.hangup.channel);
        out.cause = e.hangup.cause;
        break;
    default:
        break;
    }
    return out;
}

} // namespace

void PriController::setTextSink(TextSink sink) { gSink = sink ? sink : defaultSink; }

const char* PriController::switchName(conf::SwitchType s) { return pri_switch2str(toPriSwitch(s)); }

// On a span, the span is known before libpri starts: libpri sends its first
// SABME from inside pri_new_cb(), and that frame must go through the span.
PriController::PriController(kernel::Span& span, conf::IsdnSide side, conf::SwitchType switchType,
                             EventHandler onEvent, FrameTap tap)
    : fd_(span.dchannelFd()), line_(&span), onEvent_(std::move(onEvent)), tap_(std::move(tap)) {
    start(side, switchType);
}

PriController::PriController(int fd, conf::IsdnSide side, conf::SwitchType switchType, EventHandler onEvent,
                             FrameTap tap)
    : fd_(fd), onEvent_(std::move(onEvent)), tap_(std::move(tap)) {
    start(side, switchType);
}

void PriController::start(conf::IsdnSide side, conf::SwitchType switchType) {
    installMessageHandlers();
    const int node = side == conf::IsdnSide::Network ? PRI_NETWORK : PRI_CPE;
    ctrl_ = pri_new_cb(fd_, node, toPriSwitch(switchType), &PriController::ioRead, &PriController::ioWrite, this);
    if (ctrl_ == nullptr) {
        std::fputs("libpri could not create a D-channel controller (out of memory)\n", stderr);
        std::abort();   // nothing sensible left to do
    }
    pri_connect_ack_enable(ctrl_, 1);   // report CONNECT ACKNOWLEDGE, send ours explicitly
    pri_hangup_fix_enable(ctrl_, 1);    // Q.931 §5.3.2 a) clearing, not libpri's legacy one
    // The calling party's name travels in the Display IE of SETUP and
    // CONNECT, both ways (libpri's legacy default drops it on some switch
    // types, EuroISDN among them).
    pri_display_options_send(ctrl_, PRI_DISPLAY_OPTION_NAME_INITIAL);
    pri_display_options_receive(ctrl_, PRI_DISPLAY_OPTION_NAME_INITIAL);
    // The North American switch types take B-channels in and out of service
    // with SERVICE / SERVICE ACKNOWLEDGE.
    serviceMessages_ = switchType == conf::SwitchType::PrimaryNi || switchType == conf::SwitchType::Primary5ess ||
                       switchType == conf::SwitchType::Primary4ess || switchType == conf::SwitchType::PrimaryDms100;
    if (serviceMessages_) pri_set_service_message_support(ctrl_, 1);
    if (overlapSwitch(switchType)) pri_set_overlapdial(ctrl_, 1);
}

bool PriController::overlapSwitch(conf::SwitchType s) {
    return s == conf::SwitchType::PrimaryNet5 || s == conf::SwitchType::PrimaryQsig;
}

bool PriController::service(int channel, int state) {
    return serviceMessages_ && pri_maintenance_service(ctrl_, 0, channel, state) == 0;
}

void PriController::setLibpriDebug(LibpriDebug level) {
    constexpr int kFull = PRI_DEBUG_Q921_STATE | PRI_DEBUG_Q931_DUMP | PRI_DEBUG_Q931_STATE | PRI_DEBUG_Q931_ANOMALY;
    if (level != LibpriDebug::Off) gShowMessages = true;
    pri_set_debug(ctrl_, level == LibpriDebug::Full        ? kFull
                         : level == LibpriDebug::Anomalies ? PRI_DEBUG_Q931_ANOMALY
                                                           : 0);
}

void PriController::setT309(std::chrono::milliseconds t) {
    pri_set_timer(ctrl_, PRI_TIMER_T309, static_cast<int>(t.count()));
}

bool PriController::takeLineGone() {
    const bool gone = lineGone_;
    lineGone_ = false;
    return gone;
}

PriController::~PriController() {
    pri_set_userdata(ctrl_, nullptr);   // callbacks become no-ops
}

int PriController::ioRead(struct pri* ctrl, void* buf, int len) noexcept {
    auto* self = static_cast<PriController*>(pri_get_userdata(ctrl));
    return self ? self->onRead(buf, len) : 0;
}

int PriController::ioWrite(struct pri* ctrl, void* buf, int len) noexcept {
    auto* self = static_cast<PriController*>(pri_get_userdata(ctrl));
    return self ? self->onWrite(buf, len) : 0;
}

namespace {

// Q.931 §5.8.3.1: a message whose call reference has spare bits set in its
// first octet, or is longer than a primary rate interface uses (2 octets),
// shall be ignored. libpri answers some of them (RELEASE COMPLETE on the
// dummy call reference); dropping the I frame would break Q.921's sequence,
// so its protocol discriminator is blanked instead and Q.931 ignores it.
void ignoreBadCallReference(std::uint8_t* f, int len) {
    const int end = len - static_cast<int>(kernel::kFcsBytes);
    if (end < 6 || (f[2] & 0x01) != 0 || f[4] != 0x08) return;   // not an I frame with Q.931
    if ((f[5] & 0xF0) != 0 || (f[5] & 0x0F) > 2) f[4] = 0x00;
}

} // namespace

int PriController::onRead(void* buf, int len) noexcept {
    const ssize_t n = line_ ? line_->readDchannel(static_cast<std::uint8_t*>(buf), static_cast<std::size_t>(len))
                            : ::read(fd_, buf, static_cast<std::size_t>(len));
    if (n <= 0) {
        if (line_ && n < 0) lineGone_ = true;   // the far end hung up its half
        readEmpty_ = true;
        return 0;
    }
    if (silent_) return 0;   // lost on the way in
    if (tap_ && n > static_cast<ssize_t>(kernel::kFcsBytes)) {   // the trace shows the message as received
        try {
            tap_(false, static_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(n) - kernel::kFcsBytes);
        } catch (...) {
        }
    }
    ignoreBadCallReference(static_cast<std::uint8_t*>(buf), static_cast<int>(n));
    return static_cast<int>(n);
}

namespace {

// Rewrites a Q.931 RESTART in an I frame (libpri's layout: 2-octet address,
// 2-octet control, PD, call reference, message type, IEs, then the FCS) into
// a RESTART of all interfaces: drops Channel identification (0x18) and sets
// the Restart indicator (0x79) to class 7. Returns the new length, or 0 when
// the frame is not a RESTART.
int rewriteRestartAll(std::uint8_t* f, int len) {
    const int fcs = static_cast<int>(kernel::kFcsBytes);
    int end = len - fcs;
    if (end < 7 || (f[2] & 0x01) != 0 || f[4] != 0x08) return 0;   // not an I frame with Q.931
    int i = 5;
    const int crLen = f[i] & 0x0F;
    i += 1 + crLen;
    if (i >= end || f[i] != 0x46) return 0;   // RESTART
    ++i;
    while (i + 1 < end) {
        const std::uint8_t id = f[i];
        if (id & 0x80) {   // single-octet IE
            ++i;
            continue;
        }
        const int ieLen = 2 + f[i + 1];
        if (i + ieLen > end) return 0;
        if (id == 0x18) {
            std::memmove(f + i, f + i + ieLen, static_cast<std::size_t>(len - i - ieLen));
            end -= ieLen;
            len -= ieLen;
            continue;
        }
        if (id == 0x79 && f[i + 1] >= 1) f[i + 2] = 0x87;
        i += ieLen;
    }
    return len;
}

} // namespace

bool PriController::restart(int channel) {
    if (channel > 0) return pri_reset(ctrl_, channel) == 0;
    restartAll_ = true;
    pri_set_timer(ctrl_, PRI_TIMER_T316, 0);
    return pri_reset(ctrl_, 1) == 0;
}

int PriController::onWrite(void* buf, int len) noexcept {
    if (watchTx_ && len > static_cast<int>(kernel::kFcsBytes)) {
        auto msg = decodeQ931Frame(static_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(len) - kernel::kFcsBytes);
        if (msg && msg->type == kQ931Setup) txSetupRef_ = msg->callRef;
        if (msg && msg->type == kQ931ReleaseComplete) txReleaseComplete_ = true;
        ++txFrames_;
    }
    if (silent_) return len;   // lost on the way out
    if (restartAll_) {
        if (int n = rewriteRestartAll(static_cast<std::uint8_t*>(buf), len)) {
            restartAll_ = false;
            const int sent = onWrite(buf, n);
            return sent == n ? len : 0;
        }
    }
    if (tap_ && len > static_cast<int>(kernel::kFcsBytes)) {
        try {
            tap_(true, static_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(len) - kernel::kFcsBytes);
        } catch (...) {
        }
    }
    if (line_) return line_->writeDchannel(static_cast<std::uint8_t*>(buf), static_cast<std::size_t>(len)) ? len : 0;
    const ssize_t n = ::write(fd_, buf, static_cast<std::size_t>(len));
    return n < 0 ? 0 : static_cast<int>(n);
}

void PriController::deliver(const void* event) {
    const PriEvent e = translate(*static_cast<const pri_event*>(event));
    if (e.kind == PriEvent::Kind::Ring) unanswered_[e.call] = e.channel;
    if (e.kind == PriEvent::Kind::Hangup || e.kind == PriEvent::Kind::HangupAck) answered(e.call);
    if (onEvent_) onEvent_(e);
}

void PriController::readFrames() {
    for (int i = 0; i < kMaxEventsPerRun; ++i) {
        readEmpty_ = false;
        if (pri_event* e = pri_check_event(ctrl_)) deliver(e);
        if (readEmpty_) return;
    }
}

const struct timeval* PriController::nextDeadline() const { return pri_schedule_next(ctrl_); }

std::optional<std::chrono::milliseconds> PriController::untilNextTimer() const {
    const timeval* next = pri_schedule_next(ctrl_);
    if (next == nullptr) return std::nullopt;
    timeval now;
    gettimeofday(&now, nullptr);
    return msUntil(*next, now);
}

void PriController::runTimers() {
    for (int i = 0; i < kMaxEventsPerRun; ++i) {
        pri_event* e = pri_schedule_run(ctrl_);
        if (e == nullptr) return;
        deliver(e);
    }
}

PriCall PriController::newCall() {
    return pri_new_call(ctrl_);
}

std::optional<int> PriController::setup(PriCall call, const SetupInfo& s, kernel::Law law) {
    std::unique_ptr<pri_sr, decltype(&pri_sr_free)> sr(pri_sr_new(), &pri_sr_free);
    if (!sr) return std::nullopt;
    std::string called = s.called, calling = s.calling, name = s.callingName;   // libpri takes char*
    std::string redirecting = s.redirecting;
    pri_sr_set_channel(sr.get(), s.channel, s.channel > 0 && s.exclusive ? 1 : 0, 0);
    pri_sr_set_bearer(sr.get(), PRI_TRANS_CAP_SPEECH, law == kernel::Law::Alaw ? PRI_LAYER_1_ALAW : PRI_LAYER_1_ULAW);
    pri_sr_set_called(sr.get(), called.data(), (s.calledTon & 0x07) << 4 | (s.calledPlan & 0x0F), s.complete ? 1 : 0);
    // Q.931 §4.5.10: no number is "not available", whatever was asked.
    const int pres = calling.empty() ? PRES_NUMBER_NOT_AVAILABLE
                                     : static_cast<int>(s.callingPresentation) << 5 | (s.callingScreening & 0x03);
    pri_sr_set_caller(sr.get(), calling.empty() ? nullptr : calling.data(), name.empty() ? nullptr : name.data(),
                      (s.callingTon & 0x07) << 4 | (s.callingPlan & 0x0F), pres);
    if (!redirecting.empty())   // unknown type of number, ISDN/E.164 plan
        pri_sr_set_redirecting(sr.get(), redirecting.data(), 0x01, PRES_ALLOWED_USER_NUMBER_NOT_SCREENED,
                               s.redirectingReason & 0x0F);
    watchTx_ = true;
    txSetupRef_ = 0;
    const int res = pri_setup(ctrl_, call, sr.get());
    watchTx_ = false;
    if (res != 0) return std::nullopt;
    return txSetupRef_;
}

bool PriController::proceeding(PriCall call, int channel) {
    answered(call);
    return pri_proceeding(ctrl_, call, channel, 0) == 0;
}

bool PriController::setupAck(PriCall call, int channel) {
    answered(call);
    return pri_need_more_info(ctrl_, call, channel, 0) == 0;
}

bool PriController::information(PriCall call, const std::string& digits) {
    for (char d : digits)
        if (pri_information(ctrl_, call, d) != 0) return false;
    return true;
}

void PriController::setOverlapDial(bool on) { pri_set_overlapdial(ctrl_, on ? 1 : 0); }

bool PriController::alerting(PriCall call, int channel, bool inband) {
    answered(call);
    return pri_acknowledge(ctrl_, call, channel, inband ? 1 : 0) == 0;
}

bool PriController::progress(PriCall call, int channel, bool inband) {
    answered(call);
    return pri_progress(ctrl_, call, channel, inband ? 1 : 0) == 0;
}

bool PriController::answer(PriCall call, int channel) {
    answered(call);
    return pri_answer(ctrl_, call, channel, 0) == 0;
}

bool PriController::connectAck(PriCall call, int channel) {
    return pri_connect_ack(ctrl_, call, channel) == 0;
}

// libpri decides from the call's state and the cause (Q.931 §5.3.2 a))
// whether to send DISCONNECT, RELEASE or RELEASE COMPLETE; only after the
// last has it freed the call without an event to follow. What went out on
// the wire says which, rather than a copy of libpri's rules.
PriController::Hangup PriController::hangup(PriCall call, int cause) {
    auto fresh = unanswered_.find(call);
    const int freshChannel = fresh == unanswered_.end() ? -1 : fresh->second;
    if (fresh != unanswered_.end()) unanswered_.erase(fresh);
    watchTx_ = true;
    txReleaseComplete_ = false;
    txFrames_ = 0;
    int res = pri_hangup(ctrl_, call, cause);
    if (res == 0 && freshChannel >= 0 && txFrames_ == 0) {
        // Nothing went out for a SETUP not answered yet: answer, then clear.
        pri_proceeding(ctrl_, call, freshChannel, 0);
        res = pri_hangup(ctrl_, call, cause);
    }
    watchTx_ = false;
    if (res != 0) return Hangup::Refused;
    return txReleaseComplete_ ? Hangup::Freed : Hangup::Pending;
}

std::chrono::milliseconds PriController::t200() const {
    const int ms = pri_get_timer(ctrl_, PRI_TIMER_T200);
    return std::chrono::milliseconds(ms > 0 ? ms : 1000);
}

void PriController::destroy(PriCall call) {
    answered(call);
    pri_destroycall(ctrl_, call);
}

int PriController::activeCalls() const {
    std::unique_ptr<char, decltype(&std::free)> info(pri_dump_info_str(ctrl_), &std::free);
    if (!info) return -1;
    const char* at = std::strstr(info.get(), "Total active-calls:");
    if (at == nullptr) return -1;
    return std::atoi(at + std::strlen("Total active-calls:"));
}

} // namespace gw::isdn
