// Span shapes and names shared by every backend (G.704 / T1.408 channel
// layouts); the virtual backend lives in virtual_span*.cpp.
#include "kernel/span.hpp"

namespace gw::kernel {

SpanShape spanShape(SpanType type) {
    SpanShape shape{type, Law::Alaw, 16, {}};
    if (type == SpanType::T1) {
        // T1 PRI: 23 B-channels, D-channel in timeslot 24, mu-law (G.711 §2).
        shape.law = Law::Ulaw;
        shape.dchannel = 24;
        for (int ch = 1; ch <= 23; ++ch) shape.bearers.push_back(ch);
        return shape;
    }
    // E1 PRI: timeslot 0 is framing, 16 is the D-channel (G.704 §5.1), A-law.
    for (int ch = 1; ch <= 31; ++ch) {
        if (ch != 16) shape.bearers.push_back(ch);
    }
    return shape;
}

const char* toString(SpanType type) {
    return type == SpanType::T1 ? "t1" : "e1";
}

const char* toString(Law law) {
    return law == Law::Ulaw ? "ulaw" : "alaw";
}

std::uint8_t idleCode(Law law) {
    // Positive zero: 0xFF for mu-law, 0xD5 (0x80 with even bits inverted) for A-law.
    return law == Law::Ulaw ? 0xFF : 0xD5;
}

} // namespace gw::kernel
