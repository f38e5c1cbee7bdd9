// PriSim over libpri: pri_new_cb() with our read/write callbacks on the D fd,
// events translated into PriEvent and handed to the owner one at a time,
// timers driven by pri_schedule_next()/pri_schedule_run().
#include "isdn/pbxsim/pri_sim.hpp"

#include "isdn/pri_clock.hpp"

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

std::atomic<bool> gVerbose{false};
std::atomic<bool> gAtLineStart{true};
constexpr int kMaxEventsPerRun = 64;   // stay fair to the other fds
constexpr int kDebugFlags = PRI_DEBUG_Q921_STATE | PRI_DEBUG_Q931_DUMP | PRI_DEBUG_Q931_STATE |
                            PRI_DEBUG_Q931_ANOMALY;

void writeStderr(const char* text) noexcept {
    if (gAtLineStart.load()) std::fputs("libpri: ", stderr);
    std::fputs(text, stderr);
    const std::size_t n = std::strlen(text);
    gAtLineStart = n > 0 && text[n - 1] == '\n';
}

void onPriMessage(struct pri*, char* text) noexcept {
    if (gVerbose.load()) writeStderr(text);
}

void onPriError(struct pri*, char* text) noexcept {
    writeStderr(text);
}

void installMessageHandlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        pri_set_message(onPriMessage);
        pri_set_error(onPriError);
    });
}

int toPriSwitch(PriSwitch s) {
    switch (s) {
    case PriSwitch::Ni2: return PRI_SWITCH_NI2;
    case PriSwitch::Lucent5e: return PRI_SWITCH_LUCENT5E;
    case PriSwitch::Dms100: return PRI_SWITCH_DMS100;
    case PriSwitch::Att4ess: return PRI_SWITCH_ATT4ESS;
    case PriSwitch::EuroIsdn: return PRI_SWITCH_EUROISDN_E1;
    case PriSwitch::Qsig: return PRI_SWITCH_QSIG;
    }
    return PRI_SWITCH_EUROISDN_E1;
}

// libpri encodes channels as channel | ds1 << 8 | flags << 16 (q931.c).
int decodeChannel(int encoded) {
    if (encoded < 0) return -1;
    const int channel = encoded & 0xFF;
    return channel == 0xFF || channel == 0 ? -1 : channel;
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
    case PRI_EVENT_RING:
        out.call = e.ring.call;
        out.channel = decodeChannel(e.ring.channel);
        out.exclusive = !e.ring.flexible;
        out.called = e.ring.callednum;
        out.calling = e.ring.callingnum;
        out.callingName = e.ring.callingname;
        out.callingPlan = e.ring.callingplan;
        out.callingPres = e.ring.callingpres;
        break;
    case PRI_EVENT_PROCEEDING:
    case PRI_EVENT_PROGRESS:
        out.call = e.proceeding.call;
        out.channel = decodeChannel(e.proceeding.channel);
        out.cause = e.proceeding.cause;
        break;
    case PRI_EVENT_SETUP_ACK:
        out.call = e.setup_ack.call;
        out.channel = decodeChannel(e.setup_ack.channel);
        break;
    case PRI_EVENT_RINGING:
        out.call = e.ringing.call;
        out.channel = decodeChannel(e.ringing.channel);
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

void PriSim::setVerbose(bool on) {
    gVerbose = on;
}

const char* PriSim::switchName(PriSwitch s) {
    return pri_switch2str(toPriSwitch(s));
}

PriSim::PriSim(int fd, PriSide side, PriSwitch switchType, EventHandler onEvent, FrameTap tap)
    : fd_(fd), onEvent_(std::move(onEvent)), tap_(std::move(tap)) {
    start(side, switchType);
}

// On a span, the span is known before libpri starts: libpri sends its first
// SABME from inside pri_new_cb(), and that frame must go through the span.
PriSim::PriSim(kernel::Span& span, PriSide side, PriSwitch switchType, EventHandler onEvent, FrameTap tap)
    : fd_(span.dchannelFd()), line_(&span), onEvent_(std::move(onEvent)), tap_(std::move(tap)) {
    start(side, switchType);
}

void PriSim::start(PriSide side, PriSwitch switchType) {
    installMessageHandlers();
    const int node = side == PriSide::Network ? PRI_NETWORK : PRI_CPE;
    ctrl_ = pri_new_cb(fd_, node, toPriSwitch(switchType), &PriSim::ioRead, &PriSim::ioWrite, this);
    if (ctrl_ == nullptr) {
        std::fputs("pbxsim: libpri could not create a D-channel controller\n", stderr);
        std::abort();   // out of memory: nothing sensible left to do
    }
    pri_set_debug(ctrl_, gVerbose.load() ? kDebugFlags : 0);
    pri_connect_ack_enable(ctrl_, 1);   // report CONNECT ACKNOWLEDGE, send ours explicitly
    pri_hangup_fix_enable(ctrl_, 1);    // Q.931 §5.3.2 clearing rules
    pri_display_options_send(ctrl_, PRI_DISPLAY_OPTION_NAME_INITIAL);      // calling name in the Display IE
    pri_display_options_receive(ctrl_, PRI_DISPLAY_OPTION_NAME_INITIAL);
}

PriSim::~PriSim() {
    pri_set_userdata(ctrl_, nullptr);   // callbacks become no-ops
}

int PriSim::ioRead(struct pri* ctrl, void* buf, int len) noexcept {
    auto* self = static_cast<PriSim*>(pri_get_userdata(ctrl));
    return self ? self->onRead(buf, len) : 0;
}

int PriSim::ioWrite(struct pri* ctrl, void* buf, int len) noexcept {
    auto* self = static_cast<PriSim*>(pri_get_userdata(ctrl));
    return self ? self->onWrite(buf, len) : 0;
}

int PriSim::onRead(void* buf, int len) noexcept {
    const ssize_t n = line_ ? line_->readDchannel(static_cast<std::uint8_t*>(buf), static_cast<std::size_t>(len))
                            : ::read(fd_, buf, static_cast<std::size_t>(len));
    if (n <= 0) {
        readEmpty_ = true;
        return 0;
    }
    if (silent_) return 0;   // lost on the way in
    if (tap_ && n > static_cast<ssize_t>(kernel::kFcsBytes)) {
        try {
            tap_(false, static_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(n) - kernel::kFcsBytes);
        } catch (...) {
        }
    }
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

bool PriSim::restart(int channel) {
    if (channel > 0) return pri_reset(ctrl_, channel) == 0;
    restartAll_ = true;
    pri_set_timer(ctrl_, PRI_TIMER_T316, 0);
    return pri_reset(ctrl_, 1) == 0;
}

int PriSim::onWrite(void* buf, int len) noexcept {
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

void PriSim::deliver(const void* event) {
    const PriEvent e = translate(*static_cast<const pri_event*>(event));
    if (onEvent_) onEvent_(e);
}

void PriSim::readFrames() {
    for (int i = 0; i < kMaxEventsPerRun; ++i) {
        readEmpty_ = false;
        if (pri_event* e = pri_check_event(ctrl_)) deliver(e);
        if (readEmpty_) return;
    }
}

std::optional<std::chrono::milliseconds> PriSim::untilNextTimer() const {
    const timeval* next = pri_schedule_next(ctrl_);
    if (next == nullptr) return std::nullopt;
    timeval now;
    gettimeofday(&now, nullptr);
    return msUntil(*next, now);
}

void PriSim::runTimers() {
    for (int i = 0; i < kMaxEventsPerRun; ++i) {
        pri_event* e = pri_schedule_run(ctrl_);
        if (e == nullptr) return;
        deliver(e);
    }
}

PriCall PriSim::newCall() {
    return pri_new_call(ctrl_);
}

bool PriSim::setup(PriCall call, const PriSetup& setup) {
    std::unique_ptr<pri_sr, decltype(&pri_sr_free)> sr(pri_sr_new(), &pri_sr_free);
    if (!sr) return false;
    std::string called = setup.called;     // libpri takes char*
    std::string calling = setup.calling;
    std::string name = setup.callingName;
    const int channel = setup.channel > 0 ? setup.channel : 0;
    pri_sr_set_channel(sr.get(), channel, setup.channel > 0 && setup.exclusive ? 1 : 0, 0);
    pri_sr_set_bearer(sr.get(), PRI_TRANS_CAP_SPEECH,
                      setup.law == kernel::Law::Alaw ? PRI_LAYER_1_ALAW : PRI_LAYER_1_ULAW);
    const int plan = (PRI_TON_UNKNOWN << 4) | PRI_NPI_E163_E164;
    pri_sr_set_called(sr.get(), called.data(), plan, 1);
    if (!calling.empty()) {
        const int callingPlan = (setup.callingTon & 0x07) << 4 | PRI_NPI_E163_E164;
        const int pres = setup.restricted ? PRI_PRES_RESTRICTED | PRI_PRES_USER_NUMBER_UNSCREENED
                                          : PRES_ALLOWED_USER_NUMBER_NOT_SCREENED;
        pri_sr_set_caller(sr.get(), calling.data(), name.empty() ? nullptr : name.data(), callingPlan, pres);
    }
    return pri_setup(ctrl_, call, sr.get()) == 0;
}

bool PriSim::proceeding(PriCall call, int channel) {
    return pri_proceeding(ctrl_, call, channel, 0) == 0;
}

bool PriSim::alerting(PriCall call, int channel) {
    return pri_acknowledge(ctrl_, call, channel, 0) == 0;
}

bool PriSim::progressInband(PriCall call, int channel) {
    return pri_progress(ctrl_, call, channel, 1) == 0;
}

bool PriSim::answer(PriCall call, int channel) {
    return pri_answer(ctrl_, call, channel, 0) == 0;
}

bool PriSim::connectAck(PriCall call, int channel) {
    return pri_connect_ack(ctrl_, call, channel) == 0;
}

bool PriSim::hangup(PriCall call, int cause) {
    return pri_hangup(ctrl_, call, cause) == 0;
}

std::chrono::milliseconds PriSim::t200() const {
    const int ms = pri_get_timer(ctrl_, PRI_TIMER_T200);
    return std::chrono::milliseconds(ms > 0 ? ms : 1000);
}

void PriSim::destroy(PriCall call) {
    pri_destroycall(ctrl_, call);
}

int PriSim::activeCalls() const {
    std::unique_ptr<char, decltype(&std::free)> info(pri_dump_info_str(ctrl_), &std::free);
    if (!info) return -1;
    const char* at = std::strstr(info.get(), "Total active-calls:");
    if (at == nullptr) return -1;
    return std::atoi(at + std::strlen("Total active-calls:"));
}

} // namespace gw::isdn
