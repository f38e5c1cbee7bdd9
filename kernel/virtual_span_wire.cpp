// Virtual span wire format: the hello message and the HDLC frame check
// sequence (CRC-16/X.25, bit-reflected polynomial 0x8408, as Q.921 §2.7).
#include "kernel/virtual_span.hpp"

#include <cstring>

namespace gw::kernel {

namespace {
constexpr const char* kHelloPrefix = "VSPAN1 ";
}

std::string spanHello(SpanType type) {
    return std::string(kHelloPrefix) + toString(type);
}

bool parseSpanHello(const std::uint8_t* data, std::size_t n, SpanType& type) {
    const std::string text(reinterpret_cast<const char*>(data), n);
    if (text == spanHello(SpanType::E1)) {
        type = SpanType::E1;
        return true;
    }
    if (text == spanHello(SpanType::T1)) {
        type = SpanType::T1;
        return true;
    }
    return false;
}

std::uint16_t hdlcFcs(const std::uint8_t* data, std::size_t n) {
    std::uint16_t crc = 0xFFFF;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0x8408)
                            : static_cast<std::uint16_t>(crc >> 1);
        }
    }
    return static_cast<std::uint16_t>(crc ^ 0xFFFF);
}

void fillFcs(std::uint8_t* frame, std::size_t n) {
    if (n < kFcsBytes) return;
    const std::uint16_t fcs = hdlcFcs(frame, n - kFcsBytes);
    frame[n - 2] = static_cast<std::uint8_t>(fcs & 0xFF);
    frame[n - 1] = static_cast<std::uint8_t>(fcs >> 8);
}

bool checkFcs(const std::uint8_t* frame, std::size_t n) {
    if (n <= kFcsBytes) return false;
    const std::uint16_t fcs = hdlcFcs(frame, n - kFcsBytes);
    return frame[n - 2] == (fcs & 0xFF) && frame[n - 1] == (fcs >> 8);
}

} // namespace gw::kernel
