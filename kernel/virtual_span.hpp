// VirtualSpan: a T1/E1 PRI over one SOCK_SEQPACKET unix connection between a
// Device end (listens) and a Peer end (connects). A relay thread per span
// clocks open B-channels at 20 ms over that link. The D-channel is a socket
// pair of its own, one end handed to the far end when it attaches, so Q.921
// frames (real CRC-16 FCS, checked and filled by readDchannel/writeDchannel)
// go straight between the two processes' signalling threads.
#pragma once

#include "kernel/span.hpp"
#include "kernel/unique_fd.hpp"

#include <sys/types.h>

#include <array>
#include <chrono>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace gw::kernel {

// Wire protocol, after one hello message from each side ("VSPAN1 e1"):
// every message is [1 byte channel][payload]. Channel 0: sent once by the
// Device after the Peer's hello, one byte of payload and, as SCM_RIGHTS, the
// Peer's end of the D-channel socket pair (SOCK_SEQPACKET; each message one
// frame including its 2 FCS bytes); the line is up from then on. Channel N:
// one kFrameBytes G.711 frame of B-channel N.
constexpr std::uint8_t kDchannelTag = 0;
constexpr std::size_t kMaxQueuedFrames = 6;      // per direction and channel
constexpr std::size_t kMaxWireMessage = 1024;    // larger than any Q.921 frame
constexpr std::size_t kMaxBearers = 31;          // an E1's timeslots 1-31
constexpr int kReattachEveryMs = 250;            // Peer end, see setReattach()

std::string spanHello(SpanType type);
// Parses a hello; false if it is not one.
bool parseSpanHello(const std::uint8_t* data, std::size_t n, SpanType& type);

// HDLC frame check sequence, CRC-16/X.25 (ISO/IEC 13239 §4.2.2, Q.921 §2.7):
// computed over `n` bytes.
std::uint16_t hdlcFcs(const std::uint8_t* data, std::size_t n);
// Fills the last kFcsBytes of a frame of `n` bytes (FCS included), low octet
// first as transmitted.
void fillFcs(std::uint8_t* frame, std::size_t n);
// True if the last kFcsBytes of a frame of `n` bytes match its contents.
bool checkFcs(const std::uint8_t* frame, std::size_t n);

// Socket set-up, used by openVirtualSpan. Both return an invalid fd and set
// `error` on failure.
UniqueFd listenSpanSocket(const std::string& path, std::string& error);
UniqueFd connectSpanSocket(const std::string& path, std::string& error);

class VirtualSpan final : public Span {
public:
    // `sock` is the listening socket (Device) or the connected one (Peer).
    VirtualSpan(std::string path, SpanType type, SpanEnd end, UniqueFd sock);
    ~VirtualSpan() override;
    VirtualSpan(const VirtualSpan&) = delete;
    VirtualSpan& operator=(const VirtualSpan&) = delete;

    // Creates the internal fds and starts the relay thread.
    bool start(std::string& error);
    // Peer end: after the Device goes away, connect to the path again every
    // kReattachEvery until it is back (as a line comes back when the far end's
    // card does), instead of staying in alarm. Call before start().
    void setReattach(bool on) { reattach_ = on; }

    const SpanShape& shape() const override { return shape_; }
    int dchannelFd() const override { return dPoll_.get(); }
    long readDchannel(std::uint8_t* buf, std::size_t cap) override;
    bool writeDchannel(std::uint8_t* frame, std::size_t n) override;
    int lineEventFd() const override { return lineEvent_.get(); }
    UniqueFd openBearer(int channel) override;
    void closeBearer(int channel) override;
    bool inAlarm() const override { return alarm_.load(); }
    std::string describe() const override;
    // Times a far end was dropped or refused (for tests and show commands).
    unsigned detachCount() const { return detaches_.load(); }
    // D-channel frames dropped for a bad FCS.
    unsigned badFcsCount() const { return badFcs_.load(); }

private:
    using Frame = std::array<std::uint8_t, kFrameBytes>;
    struct Bearer {
        UniqueFd fd;                 // relay end of the caller's socketpair
        std::deque<Frame> fromFar;   // to play to the caller
        std::deque<Frame> toFar;     // written by the caller
    };
    struct Command {
        bool open;
        int channel;
        UniqueFd fd;
    };

    void run();
    void applyCommands();
    void tick();
    void clockBearer(int channel, Bearer& bearer);
    void acceptPeer();
    bool waitingToReattach() const;
    void tryReattach();
    void attach(UniqueFd link);
    void detach(const char* why);
    void readLink();
    void onLinkMessage(const std::uint8_t* data, std::size_t n, UniqueFd passed);
    void drainIdleD();
    bool handOverDchannel();
    void lineUp(UniqueFd dchannel);
    void lineDown();
    bool watchUpper();
    long lineGone();
    void queueLink(std::uint8_t tag, const std::array<std::uint8_t, kFrameBytes>& frame);
    void flushLink();
    void armTimer(bool on);
    void log(const std::string& what) const;

    SpanShape shape_;
    std::string path_;
    SpanEnd end_;
    dev_t socketDev_ = 0;            // identity of the socket file we created
    ino_t socketIno_ = 0;
    UniqueFd listen_;                // Device end only
    UniqueFd link_;                  // connection to the far end, if any
    bool helloSeen_ = false;
    bool reattach_ = false;          // Peer end only, see setReattach()
    std::chrono::steady_clock::time_point nextReattach_{};
    bool timerArmed_ = false;
    // dUpper_ is the fd number the layer above reads; the relay thread dup2()s
    // onto it the near end of a pair whose far end is either the far-end
    // process's (line up) or dIdle_ (line down: the relay drains and drops).
    // dPoll_, an epoll set holding dUpper_ (re-added after each swap), is the
    // fd the layer above waits on: its registrations never go stale.
    UniqueFd dUpper_;
    UniqueFd dPoll_;
    UniqueFd dIdle_;                 // relay thread only
    UniqueFd lineEvent_;             // eventfd: alarm or D line changed
    UniqueFd wake_;                  // eventfd: commands or shutdown
    UniqueFd timer_;                 // timerfd, 20 ms while bearers are open
    std::atomic<bool> alarm_{true};
    std::atomic<bool> stop_{false};
    std::atomic<bool> dGone_{false};  // set by readDchannel: the far end closed it
    std::atomic<unsigned> detaches_{0};
    std::atomic<unsigned> badFcs_{0};

    std::mutex mutex_;               // guards commands_ and open_
    std::vector<Command> commands_;
    std::set<int> open_;

    std::map<int, Bearer> bearers_;  // relay thread only
    struct OutFrame {
        std::array<std::uint8_t, kFrameBytes + 1> bytes;   // tag + frame
    };
    std::vector<OutFrame> outgoing_; // this tick's frames to the far end
    std::thread thread_;
};

} // namespace gw::kernel
