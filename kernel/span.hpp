// Span: one T1/E1 PRI trunk as the layers above see it, modelled on a DAHDI
// span: a D-channel fd carrying HDLC frames and one fd per B-channel carrying
// 8 kHz G.711 in 20 ms frames. Backends: virtual (unix socket), later DAHDI.
#pragma once

#include "kernel/unique_fd.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gw::kernel {

enum class SpanType { T1, E1 };
enum class Law { Ulaw, Alaw };

constexpr std::size_t kFrameBytes = 160;   // 20 ms of 8 kHz G.711
constexpr int kFrameMs = 20;
constexpr std::size_t kFcsBytes = 2;       // HDLC FCS carried after each D frame

// Shape of a span: T1 = 23B+D (channel 24), mu-law; E1 = 30B+D (timeslot 16),
// A-law. Bearer numbers are the PRI channel numbers libpri uses
// (T1: 1-23, E1: 1-15 and 17-31).
struct SpanShape {
    SpanType type;
    Law law;
    int dchannel;
    std::vector<int> bearers;
};
SpanShape spanShape(SpanType type);
const char* toString(SpanType type);
const char* toString(Law law);
std::uint8_t idleCode(Law law);            // G.711 silence: 0xFF mu-law, 0xD5 A-law

// Which end of the line this process is. The Device end is the gateway's
// card: it owns the socket path and waits for a far end. The Peer end is the
// far-end equipment (pbxsim) and connects to it.
enum class SpanEnd { Device, Peer };

class Span {
public:
    virtual ~Span() = default;
    virtual const SpanShape& shape() const = 0;
    // D-channel fd to wait on: readable when a frame is waiting (or the line
    // behind it has hung up). The same fd for the life of the Span, across
    // line changes; frames are read and written with the two calls below.
    virtual int dchannelFd() const = 0;
    // Reads one D-channel frame followed by its kFcsBytes FCS bytes into
    // `buf`. Returns its length; 0 when no frame is waiting or the frame was
    // dropped (bad FCS, as an HDLC controller does); -1 when the line behind
    // the fd is gone: stop waiting on it until the next line event (the span
    // puts the line down).
    virtual long readDchannel(std::uint8_t* buf, std::size_t cap) = 0;
    // Sends one frame of `n` bytes whose last kFcsBytes are FCS space (filled
    // here). While the line is down the frame is lost, as on a wire. False if
    // the frame could not be queued.
    virtual bool writeDchannel(std::uint8_t* frame, std::size_t n) = 0;
    // Readable (an eventfd: read 8 bytes to clear it) each time inAlarm()
    // changes, that is each time the line behind dchannelFd() is replaced.
    virtual int lineEventFd() const = 0;
    // Opens B-channel `channel`. The caller owns the returned fd (non-blocking,
    // packet semantics): a kFrameBytes frame becomes readable every 20 ms, and
    // each kFrameBytes frame written is played out at 20 ms cadence. Returns an
    // invalid fd if the channel does not exist or is already open.
    virtual UniqueFd openBearer(int channel) = 0;
    // Stops clocking `channel`; the caller closes its fd.
    virtual void closeBearer(int channel) = 0;
    // True while no far end is attached (red alarm, D-channel cannot come up).
    virtual bool inAlarm() const = 0;
    // For logs and show commands: "virtual e1 /run/gateway/span0".
    virtual std::string describe() const = 0;
};

// Opens a virtual span at `path` (a unix socket). Device end: creates the
// socket (an existing stale socket is replaced, a live one is an error).
// Peer end: connects to it, and with `reattach` connects again whenever the
// Device has gone away and comes back. On failure returns nullptr and sets
// `error` to a sentence for the administrator.
std::unique_ptr<Span> openVirtualSpan(const std::string& path, SpanType type, SpanEnd end,
                                      std::string& error, bool reattach = false);

} // namespace gw::kernel
