// MediaChannel: the media of one call, owned and driven by the media thread.
// Each B-channel frame read sends one RTP packet and plays one jitter-buffer
// frame back to the B-channel; RTP read is filtered by PT and buffered.
#pragma once

#include "dsp/jitter_buffer.hpp"
#include "dsp/media_engine.hpp"
#include "dsp/rtp.hpp"
#include "dsp/udp_socket.hpp"

#include <atomic>
#include <cstdint>
#include <optional>

namespace gw::dsp {

// Counters of one channel, written by the media thread (relaxed atomics) and
// read by stats() on any thread.
struct ChannelCounters {
    std::atomic<std::uint64_t> rtpSent{0}, rtpReceived{0}, framesIn{0}, framesOut{0},
        rtpDiscarded{0}, telephoneEvents{0}, rtcpReceived{0}, silenceFrames{0}, sendErrors{0},
        bearerErrors{0}, bearerHangups{0}, jitterLate{0}, jitterLost{0}, jitterUnderruns{0}, jitterOverflow{0};
    int localPort = 0;
    MediaStats snapshot() const;
};

class MediaChannel {
public:
    MediaChannel(RtpSockets sockets, RtpSender sender, std::shared_ptr<ChannelCounters> counters);

    int rtpFd() const { return sockets_.rtp.get(); }
    int rtcpFd() const { return sockets_.rtcp.get(); }
    int bearerFd() const { return bearer_.get(); }
    int localFamily() const { return family_; }

    // Takes the B-channel; returns the previous one (if any) for the caller
    // to unregister before it closes.
    kernel::UniqueFd attachBearer(kernel::UniqueFd fd, kernel::Law spanLaw);
    kernel::UniqueFd detachBearer();
    // The span closed the B-channel first (counted once per bearer).
    void countBearerHangup();
    void setRemote(const RtpSpec& spec);

    // Drains the B-channel. False when it has hung up (the caller detaches it).
    bool onBearerReadable();
    // Drains the RTP socket into the jitter buffer.
    void onRtpReadable();
    // Drains and discards RTCP (reports are not interpreted yet).
    void onRtcpReadable();

private:
    void onBearerFrame(const std::uint8_t* frame);
    void sendRtp(const std::uint8_t* frame);
    void playFrame();
    void onRtpPacket(const std::uint8_t* data, std::size_t n);
    void publishJitterStats();

    RtpSockets sockets_;
    int family_;
    kernel::UniqueFd bearer_;
    kernel::Law spanLaw_ = kernel::Law::Alaw;
    RtpSender sender_;
    std::optional<RtpSpec> spec_;
    std::optional<SocketAddress> remote_;   // nullopt: do not send
    JitterBuffer jitter_;
    std::shared_ptr<ChannelCounters> counters_;
};

} // namespace gw::dsp
