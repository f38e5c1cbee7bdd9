// MediaChannel: per-frame work of one call on the media thread. The
// B-channel is the clock: one frame in -> at most one RTP packet out and
// exactly one frame (jitter buffer or idle code) written back.
#include "dsp/media_channel.hpp"

#include "dsp/g711.hpp"
#include "kernel/recv_batch.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace gw::dsp {
namespace {

constexpr int kMaxFramesPerWake = 8;      // let other channels run between bursts
constexpr int kMaxPacketsPerWake = 16;
constexpr std::size_t kMaxDatagram = 2048;

int socketFamily(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return AF_INET;
    return ss.ss_family;
}

void add(std::atomic<std::uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

} // namespace

MediaStats ChannelCounters::snapshot() const {
    auto get = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
    MediaStats s;
    s.rtpSent = get(rtpSent);
    s.rtpReceived = get(rtpReceived);
    s.framesIn = get(framesIn);
    s.framesOut = get(framesOut);
    s.rtpDiscarded = get(rtpDiscarded);
    s.telephoneEvents = get(telephoneEvents);
    s.rtcpReceived = get(rtcpReceived);
    s.silenceFrames = get(silenceFrames);
    s.sendErrors = get(sendErrors);
    s.bearerErrors = get(bearerErrors);
    s.bearerHangups = get(bearerHangups);
    s.jitterLate = get(jitterLate);
    s.jitterLost = get(jitterLost);
    s.jitterUnderruns = get(jitterUnderruns);
    s.jitterOverflow = get(jitterOverflow);
    s.localPort = localPort;
    return s;
}

MediaChannel::MediaChannel(RtpSockets sockets, RtpSender sender,
                           std::shared_ptr<ChannelCounters> counters)
    : sockets_(std::move(sockets)), family_(socketFamily(sockets_.rtp.get())),
      sender_(sender), counters_(std::move(counters)) {}

kernel::UniqueFd MediaChannel::attachBearer(kernel::UniqueFd fd, kernel::Law spanLaw) {
    const int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags >= 0 && (flags & O_NONBLOCK) == 0)
        ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);   // never block the thread
    spanLaw_ = spanLaw;
    std::swap(fd, bearer_);
    return fd;
}

kernel::UniqueFd MediaChannel::detachBearer() {
    return std::move(bearer_);
}

void MediaChannel::countBearerHangup() {
    add(counters_->bearerHangups);
}

void MediaChannel::setRemote(const RtpSpec& spec) {
    if (!spec_ || spec_->remoteAddr != spec.remoteAddr || spec_->remotePort != spec.remotePort)
        sender_.restart();   // new far end: mark the first packet (RFC 3551 §4.1)
    if (!spec_ || spec_->payloadType != spec.payloadType || spec_->codecLaw != spec.codecLaw)
        jitter_.reset();     // buffered frames are of the old codec
    sender_.setPayloadType(static_cast<std::uint8_t>(spec.payloadType & 0x7F));
    spec_ = spec;
    remote_ = parseAddress(spec.remoteAddr, spec.remotePort, family_);
    if (!remote_) add(counters_->sendErrors);   // not a literal of a usable family
    else if (isNullAddress(*remote_) || !spec.send) remote_.reset();   // on hold: send nothing
}

// One recvmmsg() per wake-up takes every frame waiting (epoll is level
// triggered, so frames beyond the batch wake us again). The RTP that came
// since the last frame is taken first, on the B-channel's clock: the media
// thread is not woken once per RTP packet.
bool MediaChannel::onBearerReadable() {
    thread_local kernel::RecvBatch<kMaxFramesPerWake, kMaxDatagram> batch;
    onRtpReadable();
    const int n = batch.receive(bearer_.get());
    if (n < 0) {
        add(counters_->bearerErrors);
        return false;
    }
    for (int i = 0; i < n; ++i) {
        if (batch.size(i) == 0) return false;   // far end of the B-channel closed
        if (batch.size(i) != kernel::kFrameBytes) {
            add(counters_->bearerErrors);
            continue;
        }
        onBearerFrame(batch.data(i));
    }
    return true;
}

void MediaChannel::onBearerFrame(const std::uint8_t* frame) {
    add(counters_->framesIn);
    if (remote_)
        sendRtp(frame);
    else
        sender_.skip(kSamplesPerFrame);   // keep the media clock running
    playFrame();
}

void MediaChannel::sendRtp(const std::uint8_t* frame) {
    std::array<std::uint8_t, kernel::kFrameBytes> payload;
    transcode(spanLaw_, spec_->codecLaw, frame, payload.data(), payload.size());
    std::array<std::uint8_t, kRtpHeaderBytes + kernel::kFrameBytes> packet;
    const RtpHeader h = sender_.next(kSamplesPerFrame);
    const std::size_t n = packRtp(h, payload, packet);
    if (n > 0 && sendDatagram(sockets_.rtp.get(), packet.data(), n, *remote_))
        add(counters_->rtpSent);
    else
        add(counters_->sendErrors);
}

void MediaChannel::playFrame() {
    std::array<std::uint8_t, kJitterFrameBytes> out;
    if (spec_ && jitter_.pop(out)) {
        transcode(spec_->codecLaw, spanLaw_, out.data(), out.data(), out.size());
    } else {
        out.fill(kernel::idleCode(spanLaw_));
        add(counters_->silenceFrames);
    }
    publishJitterStats();
    const ssize_t n = ::write(bearer_.get(), out.data(), out.size());
    if (n == static_cast<ssize_t>(out.size()))
        add(counters_->framesOut);
    else
        add(counters_->bearerErrors);   // span queue full: frame dropped
}

void MediaChannel::onRtpReadable() {
    thread_local kernel::RecvBatch<kMaxPacketsPerWake, kMaxDatagram> batch;
    const int n = batch.receive(sockets_.rtp.get());   // an error (ICMP) is cleared by reading it
    for (int i = 0; i < n; ++i) onRtpPacket(batch.data(i), batch.size(i));
}

void MediaChannel::onRtpPacket(const std::uint8_t* data, std::size_t n) {
    const auto pkt = parseRtp({data, n});
    if (!pkt || !spec_ || !spec_->receive) {   // !receive: we hold the far end
        add(counters_->rtpDiscarded);
        return;
    }
    const int pt = pkt->header.payloadType;
    if (pt == spec_->telephoneEventPt) {   // RFC 4733 §2.1: not decoded yet
        add(counters_->telephoneEvents);
        return;
    }
    if (pt != spec_->payloadType) {
        add(counters_->rtpDiscarded);
        return;
    }
    add(counters_->rtpReceived);
    // Without a B-channel nothing plays: buffering would only add latency.
    if (!bearer_) return;
    // Only 20 ms packets fit the buffer (ptime 10/30 is not supported yet).
    if (jitter_.push(pkt->header.ssrc, pkt->header.seq, pkt->payload) ==
        JitterBuffer::Push::BadSize)
        add(counters_->rtpDiscarded);
}

void MediaChannel::onRtcpReadable() {
    std::array<std::uint8_t, kMaxDatagram> buf;
    for (int i = 0; i < kMaxPacketsPerWake; ++i) {
        const ssize_t n = ::recv(sockets_.rtcp.get(), buf.data(), buf.size(), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        add(counters_->rtcpReceived);
    }
}

void MediaChannel::publishJitterStats() {
    const JitterStats& j = jitter_.stats();
    counters_->jitterLate.store(j.late, std::memory_order_relaxed);
    counters_->jitterLost.store(j.lost, std::memory_order_relaxed);
    counters_->jitterUnderruns.store(j.underruns, std::memory_order_relaxed);
    counters_->jitterOverflow.store(j.overflow, std::memory_order_relaxed);
}

} // namespace gw::dsp
