// PriController: the one C++ face of a libpri D-channel controller, used by
// the gateway's PriPort and by pbxsim (and the libpri benchmark). It owns
// the libpri control block and its I/O callbacks, maps the configured switch
// type, decodes channel ids (0 = none or any), converts libpri's timers,
// builds the SETUP (pri_sr) and hands every frame each way to a tap, so that
// traces are decoded in one place (q931_decode). libpri's events come out as
// PriEvent, one at a time.
#pragma once

#include "conf/config.hpp"
#include "isdn/isdn_port.hpp"
#include "kernel/span.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <sys/time.h>

struct pri;
struct q931_call;

namespace gw::isdn {

// A call as libpri knows it. libpri owns and frees it: a handle is dead
// after hangup() reported Freed, after a HangupAck event, and after the
// Hangup event once hangup() was called for it.
using PriCall = q931_call*;

struct PriEvent {
    enum class Kind {
        DchanUp, DchanDown, Restart, RestartAck, Ring, Proceeding, SetupAck, Ringing, Progress, Answer,
        ConnectAck, HangupReq, Hangup, HangupAck, InfoReceived, Service, ServiceAck, Other
    };
    Kind kind = Kind::Other;
    PriCall call = nullptr;
    // B-channel number; 0 when none was given or "any channel". For Restart
    // and RestartAck, 0 is the whole interface.
    int channel = 0;
    bool inband = false;       // Ringing, Progress: PI 1 or 8 (in-band information)
    int serviceState = 0;      // Service, ServiceAck: 0 in service, 1 maintenance, 2 out of service
    int cause = 0;             // Hangup*, Progress: Q.850 cause as received (-1: none)
    SetupInfo setup;           // Ring: everything the SETUP carried; InfoReceived: the
                               // digits in `called`, Sending Complete in `complete`
    const char* name = "";     // libpri's name for the event, for logs
};

class PriController {
public:
    using EventHandler = std::function<void(const PriEvent&)>;
    // `tx` is true for frames libpri sends; `frame` excludes the FCS.
    using FrameTap = std::function<void(bool tx, const std::uint8_t* frame, std::size_t n)>;
    // Where libpri's own text goes (process-wide): errors, and its debug
    // output when setLibpriDebug() asks for some. Default: standard error.
    using TextSink = void (*)(bool error, const char* text);
    enum class LibpriDebug { Off, Anomalies, Full };

    // On a span's D-channel: frames go through Span::readDchannel and
    // writeDchannel (FCS checked and filled).
    PriController(kernel::Span& span, conf::IsdnSide side, conf::SwitchType switchType, EventHandler onEvent,
                  FrameTap tap = {});
    // On a bare non-blocking packet fd carrying frames + 2 FCS bytes.
    PriController(int fd, conf::IsdnSide side, conf::SwitchType switchType, EventHandler onEvent,
                  FrameTap tap = {});
    // libpri 1.6 has no public way to free a controller: it stays allocated
    // (inert, detached from this object) until the process exits.
    ~PriController();
    PriController(const PriController&) = delete;
    PriController& operator=(const PriController&) = delete;

    static void setTextSink(TextSink sink);
    static const char* switchName(conf::SwitchType s);
    // Whether the switch type takes a called number in overlap (SETUP
    // without Sending Complete, more digits in INFORMATION): EuroISDN and
    // QSIG do; the North American switch types take it en bloc.
    static bool overlapSwitch(conf::SwitchType s);
    void setLibpriDebug(LibpriDebug level);
    void setTap(FrameTap tap) { tap_ = std::move(tap); }

    int fd() const { return fd_; }
    // Processes every frame waiting on the fd, delivering events as they come.
    void readFrames();
    // Whether a read found the far end gone (the span's peer hung up);
    // cleared by the call.
    bool takeLineGone();
    // libpri's next deadline (gettimeofday clock), nullptr when none.
    const struct timeval* nextDeadline() const;
    // Time until libpri's next timer, nullopt when none is scheduled.
    std::optional<std::chrono::milliseconds> untilNextTimer() const;
    // Runs expired timers, delivering their events.
    void runTimers();

    // Q.931 T309 (calls kept through a loss of layer 2), Q.921 T200.
    void setT309(std::chrono::milliseconds t);
    std::chrono::milliseconds t200() const;

    // Call control (Q.931 §5). Each returns false when libpri refuses.
    PriCall newCall();
    // SETUP with everything of `s` (channel 0 = any). Returns the call
    // reference the SETUP carried (libpri has no accessor for it), or
    // nullopt when libpri refused.
    std::optional<int> setup(PriCall call, const SetupInfo& s, kernel::Law law);
    bool proceeding(PriCall call, int channel);
    // SETUP ACKNOWLEDGE (overlap receiving, Q.931 §5.2.4).
    bool setupAck(PriCall call, int channel);
    // Overlap sending: one INFORMATION per digit of `digits` (Q.931 §5.1.3).
    bool information(PriCall call, const std::string& digits);
    // Whether a SETUP this side sends may leave its called number incomplete
    // (no Sending Complete, digits to follow); libpri adds Sending Complete
    // on EuroISDN otherwise. On from the start on an overlapSwitch(): each
    // SETUP carries Sending Complete when its SetupInfo says complete.
    void setOverlapDial(bool on);
    bool alerting(PriCall call, int channel, bool inband);
    bool progress(PriCall call, int channel, bool inband);
    bool answer(PriCall call, int channel);
    bool connectAck(PriCall call, int channel);
    // Clears the call as Q.931 §5.3 requires for its state. Freed when libpri
    // answered with RELEASE COMPLETE and freed the call at once (Q.931
    // §5.3.2 a): no event will follow for it); Pending when DISCONNECT or
    // RELEASE went out (or is not due yet) and the end comes as an event.
    // A SETUP received and not yet answered is cleared whatever the cause:
    // libpri would send nothing for causes other than those of §5.3.2 a)
    // and keep the call, so CALL PROCEEDING goes first, then DISCONNECT.
    enum class Hangup { Pending, Freed, Refused };
    Hangup hangup(PriCall call, int cause);
    void destroy(PriCall call);
    // Q.931 §5.5: sends RESTART for B-channel `channel`, or for the whole
    // interface when `channel` is 0. libpri only sends RESTART for indicated
    // channels, so for the whole interface the RESTART it writes is rewritten
    // on its way out: no Channel identification, Restart indicator "all
    // interfaces" (and no retransmission, as libpri would not recognise the
    // acknowledgement).
    bool restart(int channel);
    // SERVICE (AT&T/Bellcore maintenance, the switch types that have it:
    // NI2, 4ESS, 5ESS, DMS100): B-channel `channel` to state 0 (in service),
    // 1 (maintenance) or 2 (out of service). False when the switch type has
    // no SERVICE message or libpri refuses. libpri acknowledges a received
    // SERVICE itself.
    bool service(int channel, int state);
    // A D-channel outage with the line up: while silent every frame either
    // way is lost, so both ends' layer 2 times out (Q.921 T200 x N200).
    void setSilent(bool on) { silent_ = on; }
    // Call records libpri still holds (from pri_dump_info_str), -1 if unknown.
    int activeCalls() const;

private:
    void start(conf::IsdnSide side, conf::SwitchType switchType);
    static int ioRead(struct pri* ctrl, void* buf, int len) noexcept;
    static int ioWrite(struct pri* ctrl, void* buf, int len) noexcept;
    int onRead(void* buf, int len) noexcept;
    int onWrite(void* buf, int len) noexcept;
    void deliver(const void* event);
    void answered(PriCall call) { unanswered_.erase(call); }

    int fd_;
    kernel::Span* line_ = nullptr;
    struct pri* ctrl_ = nullptr;
    EventHandler onEvent_;
    FrameTap tap_;
    bool readEmpty_ = false;
    bool lineGone_ = false;
    bool restartAll_ = false;    // rewrite the next RESTART for the whole interface
    bool silent_ = false;
    bool serviceMessages_ = false;
    bool watchTx_ = false;       // inside setup() or hangup(): note what goes out
    int txSetupRef_ = 0;         // call reference of a SETUP sent meanwhile
    bool txReleaseComplete_ = false;
    int txFrames_ = 0;
    std::map<PriCall, int> unanswered_;   // SETUPs received, not answered yet: their channel
};

} // namespace gw::isdn
