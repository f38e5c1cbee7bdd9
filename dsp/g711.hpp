// G.711 A-law / mu-law sample conversion and law-to-law transcoding.
// Implemented in spandsp_g711.cpp over SpanDSP's ITU-T G.711 routines, so
// pure modules can use it without including <spandsp.h>.
#pragma once

#include "kernel/span.hpp"

#include <cstddef>
#include <cstdint>

namespace gw::dsp {

// One G.711 code word -> 16-bit linear PCM.
std::int16_t decodeSample(kernel::Law law, std::uint8_t code);
// 16-bit linear PCM -> one G.711 code word.
std::uint8_t encodeSample(kernel::Law law, std::int16_t linear);
// Converts n code words from one law to the other (G.711 Tables 3 and 4);
// from == to copies. in and out may be the same buffer.
void transcode(kernel::Law from, kernel::Law to, const std::uint8_t* in, std::uint8_t* out,
               std::size_t n);

} // namespace gw::dsp
