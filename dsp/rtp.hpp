// RTP fixed header (RFC 3550 §5.1) packing and parsing, plus the sender-side
// state of one stream (RFC 3550 §5.1, RFC 3551 §4.1). Pure: works on caller
// buffers, no sockets; malformed packets are rejected, never trusted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace gw::dsp {

constexpr std::size_t kRtpHeaderBytes = 12;   // RFC 3550 §5.1, without CSRCs
constexpr std::size_t kRtpMaxCsrc = 15;       // CC is 4 bits
constexpr std::uint8_t kRtpVersion = 2;
constexpr std::uint32_t kSamplesPerFrame = 160;   // 20 ms at 8 kHz (RFC 3551 §4.5.14)

struct RtpHeader {
    bool padding = false;          // P: set by parse; pack writes no padding
    bool marker = false;           // M
    std::uint8_t payloadType = 0;  // PT, 7 bits
    std::uint16_t seq = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::uint8_t csrcCount = 0;    // CC
    std::array<std::uint32_t, kRtpMaxCsrc> csrc{};
    // Header extension (RFC 3550 §5.3.1): X is set when present. `extension`
    // holds its data words (length is a multiple of 4 octets).
    bool hasExtension = false;
    std::uint16_t extensionProfile = 0;
    std::span<const std::uint8_t> extension;
};

struct RtpPacket {
    RtpHeader header;
    std::span<const std::uint8_t> payload;   // padding removed
};

// Parses one datagram. nullopt if it is not a well-formed RTP packet:
// shorter than its header/CSRC list/extension, version != 2, padding count 0
// or larger than the payload (RFC 3550 §5.1, §A.1), or an RTCP packet
// multiplexed on the port (second octet 192-223, RFC 5761 §4).
// The spans point into `datagram`.
std::optional<RtpPacket> parseRtp(std::span<const std::uint8_t> datagram);

// Octets the header takes once packed (fixed part, CSRCs, extension).
std::size_t rtpHeaderSize(const RtpHeader& h);
// Writes header + payload into `out`; returns the packet size, or 0 if it does
// not fit, the extension is not a multiple of 4 octets or a field is out of
// range (PT > 127, CC > 15).
std::size_t packRtp(const RtpHeader& h, std::span<const std::uint8_t> payload,
                    std::span<std::uint8_t> out);

// Sender state of one RTP stream. The caller supplies the random initial
// values (RFC 3550 §5.1: seq and timestamp start random; §8.1 SSRC random).
class RtpSender {
public:
    RtpSender(std::uint32_t ssrc, std::uint16_t initialSeq, std::uint32_t initialTimestamp,
              std::uint8_t payloadType);
    // Header for the next packet carrying `samples` samples: seq + 1 per
    // packet, timestamp + samples, marker on the first packet of the stream
    // and after restart() (RFC 3551 §4.1: first packet of a talkspurt).
    RtpHeader next(std::uint32_t samples = kSamplesPerFrame);
    // Advances the timestamp over samples that are not sent (no seq change).
    void skip(std::uint32_t samples) { timestamp_ += samples; }
    // The next packet carries the marker bit (new talkspurt or new far end).
    void restart() { first_ = true; }
    void setPayloadType(std::uint8_t pt) { payloadType_ = pt; }
    std::uint32_t ssrc() const { return ssrc_; }
    std::uint16_t nextSeq() const { return seq_; }
    std::uint32_t nextTimestamp() const { return timestamp_; }

private:
    std::uint32_t ssrc_;
    std::uint16_t seq_;
    std::uint32_t timestamp_;
    std::uint8_t payloadType_;
    bool first_ = true;
};

// Signed distance a - b between two 16-bit sequence numbers, modulo 2^16
// (RFC 3550 §A.1 arithmetic): +1 means a follows b.
constexpr int seqDistance(std::uint16_t a, std::uint16_t b) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(a - b));
}

} // namespace gw::dsp
