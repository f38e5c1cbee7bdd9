// G.711 conversions over SpanDSP (the only file of the G.711 module that sees
// <spandsp.h>). Law-to-law transcoding goes through two 256-entry tables
// filled once from SpanDSP's alaw_to_ulaw/ulaw_to_alaw.
#include "dsp/g711.hpp"

#include <spandsp.h>

#include <array>
#include <cstring>

namespace gw::dsp {
namespace {

using Table = std::array<std::uint8_t, 256>;

const Table& alawToUlawTable() {
    static const Table table = [] {
        Table t{};
        for (int i = 0; i < 256; ++i) t[i] = alaw_to_ulaw(static_cast<std::uint8_t>(i));
        return t;
    }();
    return table;
}

const Table& ulawToAlawTable() {
    static const Table table = [] {
        Table t{};
        for (int i = 0; i < 256; ++i) t[i] = ulaw_to_alaw(static_cast<std::uint8_t>(i));
        return t;
    }();
    return table;
}

} // namespace

std::int16_t decodeSample(kernel::Law law, std::uint8_t code) {
    return law == kernel::Law::Alaw ? alaw_to_linear(code) : ulaw_to_linear(code);
}

std::uint8_t encodeSample(kernel::Law law, std::int16_t linear) {
    return law == kernel::Law::Alaw ? linear_to_alaw(linear) : linear_to_ulaw(linear);
}

void transcode(kernel::Law from, kernel::Law to, const std::uint8_t* in, std::uint8_t* out,
               std::size_t n) {
    if (from == to) {
        if (in != out && n > 0) std::memmove(out, in, n);
        return;
    }
    const Table& t = from == kernel::Law::Alaw ? alawToUlawTable() : ulawToAlawTable();
    for (std::size_t i = 0; i < n; ++i) out[i] = t[in[i]];
}

} // namespace gw::dsp
