// MediaEngine: moves audio between B-channels and RTP on its own thread.
// The signalling thread calls the methods below; each is queued to the media
// thread (queue + eventfd) and never blocks on media. One MediaChannel per
// call, clocked by its B-channel fd (one 20 ms frame in, one frame out).
#pragma once

#include "kernel/span.hpp"
#include "kernel/unique_fd.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace gw::dsp {

using MediaId = std::uint64_t;

// The negotiated RTP side of a call.
struct RtpSpec {
    std::string remoteAddr;       // IPv4/IPv6 literal
    int remotePort = 0;
    int payloadType = 0;          // 0 PCMU, 8 PCMA
    kernel::Law codecLaw = kernel::Law::Ulaw;
    int telephoneEventPt = -1;    // -1: none negotiated
    // The negotiated direction (RFC 3264 §6.1): hold (sendonly/inactive from
    // the far end) stops what we send; our sendonly/inactive drops what comes.
    bool send = true;
    bool receive = true;
};

struct MediaStats {
    std::uint64_t rtpSent = 0, rtpReceived = 0, framesIn = 0, framesOut = 0;
    // rtpReceived counts packets of the negotiated PT. Discarded: malformed,
    // another PT, or arriving before setRemote().
    std::uint64_t rtpDiscarded = 0;
    std::uint64_t telephoneEvents = 0;   // RFC 4733 packets, not decoded yet
    std::uint64_t rtcpReceived = 0;      // read and discarded
    std::uint64_t silenceFrames = 0;     // frames played as idle code (no RTP)
    std::uint64_t sendErrors = 0;        // RTP the kernel refused, bad remote
    std::uint64_t bearerErrors = 0;      // bad-sized or unwritable B frames
    std::uint64_t bearerHangups = 0;     // B-channels the span closed first
    std::uint64_t jitterLate = 0, jitterLost = 0, jitterUnderruns = 0, jitterOverflow = 0;
    int localPort = 0;
};

class MediaEngine {
public:
    // Local RTP ports are taken from [portMin, portMax], even numbers (RTCP +1).
    MediaEngine(std::string bindAddr, int portMin, int portMax);
    ~MediaEngine();   // stops the thread, closes every channel
    MediaEngine(const MediaEngine&) = delete;
    MediaEngine& operator=(const MediaEngine&) = delete;

    // Creates a channel with a bound RTP socket and returns its local port
    // (to put in SDP), or nullopt when no port is free or bindAddr is not an
    // IPv4/IPv6 literal. Runs on the caller's thread; no media flows yet.
    // Ports are handed out round robin through the range.
    std::optional<int> allocate(MediaId id);
    // Attaches the B-channel (fd ownership moves to the engine) and its law.
    // From now on each B-channel frame is sent as RTP once rtp is set, and
    // received RTP is played to the B-channel (silence until then).
    void attachBearer(MediaId id, kernel::UniqueFd bearer, kernel::Law spanLaw);
    // Sets or changes the far end (after an SDP answer or re-offer). Only RTP
    // of rtp.payloadType is played; 0.0.0.0, port 0 or !send (hold) stops
    // sending, !receive plays idle code whatever arrives.
    void setRemote(MediaId id, const RtpSpec& rtp);
    // Stops the channel and closes its sockets and B-channel fd (on the media
    // thread, shortly after). Unknown ids and repeated calls are harmless.
    void release(MediaId id);
    // Snapshot (may lag by one frame). nullopt if the id is unknown or released.
    std::optional<MediaStats> stats(MediaId id) const;
    const std::string& bindAddr() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace gw::dsp
