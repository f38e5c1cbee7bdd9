// RTP header codec and sender state. Fields are read and written octet by
// octet in network order, so there is no alignment or endianness concern.
#include "dsp/rtp.hpp"

namespace gw::dsp {
namespace {

std::uint16_t get16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t get32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
           (std::uint32_t{p[2]} << 8) | p[3];
}
void put16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

} // namespace

std::optional<RtpPacket> parseRtp(std::span<const std::uint8_t> d) {
    if (d.size() < kRtpHeaderBytes) return std::nullopt;
    const std::uint8_t* p = d.data();
    if ((p[0] >> 6) != kRtpVersion) return std::nullopt;          // RFC 3550 §A.1
    if (p[1] >= 192 && p[1] <= 223) return std::nullopt;          // RTCP, RFC 5761 §4
    RtpPacket pkt;
    RtpHeader& h = pkt.header;
    h.padding = (p[0] & 0x20) != 0;
    h.hasExtension = (p[0] & 0x10) != 0;
    h.csrcCount = p[0] & 0x0F;
    h.marker = (p[1] & 0x80) != 0;
    h.payloadType = p[1] & 0x7F;
    h.seq = get16(p + 2);
    h.timestamp = get32(p + 4);
    h.ssrc = get32(p + 8);
    std::size_t off = kRtpHeaderBytes;
    if (d.size() < off + 4u * h.csrcCount) return std::nullopt;
    for (std::size_t i = 0; i < h.csrcCount; ++i, off += 4) h.csrc[i] = get32(p + off);
    if (h.hasExtension) {                                          // RFC 3550 §5.3.1
        if (d.size() < off + 4) return std::nullopt;
        h.extensionProfile = get16(p + off);
        const std::size_t bytes = 4u * get16(p + off + 2);
        off += 4;
        if (d.size() < off + bytes) return std::nullopt;
        h.extension = d.subspan(off, bytes);
        off += bytes;
    }
    std::size_t end = d.size();
    if (h.padding) {   // last octet counts the padding, itself included
        const std::uint8_t pad = p[end - 1];
        if (pad == 0 || pad > end - off) return std::nullopt;
        end -= pad;
    }
    pkt.payload = d.subspan(off, end - off);
    return pkt;
}

std::size_t rtpHeaderSize(const RtpHeader& h) {
    return kRtpHeaderBytes + 4u * h.csrcCount + (h.hasExtension ? 4 + h.extension.size() : 0);
}

std::size_t packRtp(const RtpHeader& h, std::span<const std::uint8_t> payload,
                    std::span<std::uint8_t> out) {
    if (h.payloadType > 127 || h.csrcCount > kRtpMaxCsrc) return 0;
    if (h.hasExtension && (h.extension.size() % 4 != 0 || h.extension.size() / 4 > 0xFFFF))
        return 0;
    const std::size_t headerSize = rtpHeaderSize(h);
    if (out.size() < headerSize + payload.size()) return 0;
    std::uint8_t* p = out.data();
    p[0] = static_cast<std::uint8_t>((kRtpVersion << 6) | (h.hasExtension ? 0x10 : 0) |
                                     h.csrcCount);
    p[1] = static_cast<std::uint8_t>((h.marker ? 0x80 : 0) | h.payloadType);
    put16(p + 2, h.seq);
    put32(p + 4, h.timestamp);
    put32(p + 8, h.ssrc);
    std::size_t off = kRtpHeaderBytes;
    for (std::size_t i = 0; i < h.csrcCount; ++i, off += 4) put32(p + off, h.csrc[i]);
    if (h.hasExtension) {
        put16(p + off, h.extensionProfile);
        put16(p + off + 2, static_cast<std::uint16_t>(h.extension.size() / 4));
        off += 4;
        for (std::uint8_t b : h.extension) p[off++] = b;
    }
    for (std::uint8_t b : payload) p[off++] = b;
    return off;
}

RtpSender::RtpSender(std::uint32_t ssrc, std::uint16_t initialSeq,
                     std::uint32_t initialTimestamp, std::uint8_t payloadType)
    : ssrc_(ssrc), seq_(initialSeq), timestamp_(initialTimestamp), payloadType_(payloadType) {}

RtpHeader RtpSender::next(std::uint32_t samples) {
    RtpHeader h;
    h.marker = first_;
    h.payloadType = payloadType_;
    h.seq = seq_++;
    h.timestamp = timestamp_;
    h.ssrc = ssrc_;
    timestamp_ += samples;
    first_ = false;
    return h;
}

} // namespace gw::dsp
