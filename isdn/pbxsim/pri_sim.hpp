// PriSim: a small C++ face of one libpri D-channel controller for pbxsim and
// the libpri benchmark. libpri reads and writes the D fd through our I/O
// callbacks (so every frame can be traced) and its events come out as PriEvent.
#pragma once

#include "kernel/span.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

struct pri;
struct q931_call;

namespace gw::isdn {

enum class PriSide { Network, Cpe };
enum class PriSwitch { Ni2, Lucent5e, Dms100, Att4ess, EuroIsdn, Qsig };

// A call as libpri knows it. libpri owns and frees it: a handle is dead after
// hangup() on a call in the Null state, and after a HangupAck event.
using PriCall = q931_call*;

struct PriEvent {
    enum class Kind {
        DchanUp, DchanDown, Restart, RestartAck, Ring, Proceeding, SetupAck, Ringing, Progress, Answer,
        ConnectAck, HangupReq, Hangup, HangupAck, Other
    };
    Kind kind = Kind::Other;
    PriCall call = nullptr;
    int channel = -1;          // B-channel number; -1 when none or "any"
    bool exclusive = false;    // Ring: the channel is not negotiable
    int cause = 0;             // Hangup*: Q.850 cause
    std::string called;        // Ring
    std::string calling;       // Ring
    std::string callingName;   // Ring
    int callingPlan = 0;       // Ring: Q.931 §4.5.10 octet 3 (type of number << 4 | plan)
    int callingPres = 0;       // Ring: octet 3a (presentation << 5 | screening)
    const char* name = "";     // libpri's name for the event, for logs
};

// Outgoing call parameters (Q.931 §3.1.14 SETUP).
struct PriSetup {
    std::string called;
    std::string calling;
    std::string callingName;
    int callingTon = 0;        // Q.931 §4.5.10 type of number
    bool restricted = false;   // presentation restricted
    int channel = -1;          // -1: any channel
    bool exclusive = true;
    kernel::Law law = kernel::Law::Alaw;   // bearer capability layer 1
};

class PriSim {
public:
    using EventHandler = std::function<void(const PriEvent&)>;
    // `tx` is true for frames libpri sends; `frame` excludes the FCS.
    using FrameTap = std::function<void(bool tx, const std::uint8_t* frame, std::size_t n)>;

    // `fd` is a non-blocking packet D-channel fd (frames + 2 FCS bytes).
    PriSim(int fd, PriSide side, PriSwitch switchType, EventHandler onEvent, FrameTap tap = {});
    // On a span's D-channel: frames go through Span::readDchannel and
    // writeDchannel (FCS checked and filled).
    PriSim(kernel::Span& span, PriSide side, PriSwitch switchType, EventHandler onEvent, FrameTap tap = {});
    // libpri 1.6 has no public way to free a controller: it stays allocated
    // (inert, detached from this object) until the process exits.
    ~PriSim();
    PriSim(const PriSim&) = delete;
    PriSim& operator=(const PriSim&) = delete;

    // Library-wide: route libpri's messages to stderr (errors always, debug
    // output only when verbose) and set the Q.921/Q.931 debug level.
    static void setVerbose(bool on);
    static const char* switchName(PriSwitch s);

    int fd() const { return fd_; }
    // Processes every frame waiting on the fd, delivering events as they come.
    void readFrames();
    // Time until libpri's next timer, nullopt when none is scheduled.
    std::optional<std::chrono::milliseconds> untilNextTimer() const;
    // Runs expired timers, delivering their events.
    void runTimers();

    // Call control (Q.931 §5). Each returns false when libpri refuses.
    PriCall newCall();
    bool setup(PriCall call, const PriSetup& setup);
    bool proceeding(PriCall call, int channel);
    bool alerting(PriCall call, int channel);
    // PROGRESS with progress description 8 (in-band information available).
    bool progressInband(PriCall call, int channel);
    bool answer(PriCall call, int channel);
    bool connectAck(PriCall call, int channel);
    bool hangup(PriCall call, int cause);
    void destroy(PriCall call);
    // Q.931 §5.5: sends RESTART for B-channel `channel`, or for the whole
    // interface when `channel` is 0. libpri only sends RESTART for indicated
    // channels, so for the whole interface the RESTART it writes is rewritten
    // on its way out: no Channel identification, Restart indicator "all
    // interfaces" (and no retransmission, as libpri would not recognise the
    // acknowledgement).
    bool restart(int channel);
    // A D-channel outage with the line up: while silent every frame either
    // way is lost, so both ends' layer 2 times out (Q.921 T200 x N200).
    void setSilent(bool on) { silent_ = on; }
    // Call records libpri still holds (from pri_dump_info_str), -1 if unknown.
    int activeCalls() const;
    // Q.921 T200 (retransmission timer) as configured.
    std::chrono::milliseconds t200() const;

private:
    void start(PriSide side, PriSwitch switchType);
    static int ioRead(struct pri* ctrl, void* buf, int len) noexcept;
    static int ioWrite(struct pri* ctrl, void* buf, int len) noexcept;
    int onRead(void* buf, int len) noexcept;
    int onWrite(void* buf, int len) noexcept;
    void deliver(const void* event);

    int fd_;
    kernel::Span* line_ = nullptr;
    struct pri* ctrl_ = nullptr;
    EventHandler onEvent_;
    FrameTap tap_;
    bool readEmpty_ = false;
    bool restartAll_ = false;   // rewrite the next RESTART for the whole interface
    bool silent_ = false;
};

} // namespace gw::isdn
