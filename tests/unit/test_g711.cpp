// Unit tests for dsp/g711: sample conversion and law-to-law transcoding.
#include "dsp/g711.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <vector>

using gw::kernel::Law;
namespace dsp = gw::dsp;

BOOST_AUTO_TEST_SUITE(g711)

BOOST_AUTO_TEST_CASE(idle_codes_are_silence) {
    BOOST_TEST(dsp::decodeSample(Law::Ulaw, 0xFF) == 0);
    BOOST_TEST(dsp::encodeSample(Law::Ulaw, 0) == 0xFF);
    BOOST_TEST(dsp::encodeSample(Law::Alaw, 0) == 0xD5);
    BOOST_TEST(std::abs(dsp::decodeSample(Law::Alaw, 0xD5)) <= 8);
    BOOST_TEST(dsp::encodeSample(Law::Ulaw, 0) == gw::kernel::idleCode(Law::Ulaw));
    BOOST_TEST(dsp::encodeSample(Law::Alaw, 0) == gw::kernel::idleCode(Law::Alaw));
}

BOOST_AUTO_TEST_CASE(extremes_and_sign) {
    BOOST_TEST(dsp::decodeSample(Law::Ulaw, dsp::encodeSample(Law::Ulaw, 32767)) > 30000);
    BOOST_TEST(dsp::decodeSample(Law::Ulaw, dsp::encodeSample(Law::Ulaw, -32768)) < -30000);
    BOOST_TEST(dsp::decodeSample(Law::Alaw, dsp::encodeSample(Law::Alaw, 32767)) > 30000);
    BOOST_TEST(dsp::decodeSample(Law::Alaw, dsp::encodeSample(Law::Alaw, -32768)) < -30000);
}

BOOST_AUTO_TEST_CASE(every_code_round_trips) {
    for (int c = 0; c < 256; ++c) {
        const auto code = static_cast<std::uint8_t>(c);
        BOOST_TEST(dsp::encodeSample(Law::Alaw, dsp::decodeSample(Law::Alaw, code)) == code);
        if (code != 0x7F)   // mu-law "negative zero" re-encodes as 0xFF
            BOOST_TEST(dsp::encodeSample(Law::Ulaw, dsp::decodeSample(Law::Ulaw, code)) == code);
    }
}

BOOST_AUTO_TEST_CASE(quantisation_error_is_small) {
    for (int v = -32000; v <= 32000; v += 37) {
        const auto s = static_cast<std::int16_t>(v);
        for (Law law : {Law::Alaw, Law::Ulaw}) {
            const int back = dsp::decodeSample(law, dsp::encodeSample(law, s));
            // G.711 segments: step is at most 1/16 of the segment start (~6%).
            BOOST_TEST(std::abs(back - v) <= std::max(16, std::abs(v) / 16));
        }
    }
}

BOOST_AUTO_TEST_CASE(transcode_same_law_copies) {
    std::vector<std::uint8_t> in(160), out(160, 0);
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::uint8_t>(i * 7);
    dsp::transcode(Law::Alaw, Law::Alaw, in.data(), out.data(), in.size());
    BOOST_TEST(in == out);
}

BOOST_AUTO_TEST_CASE(transcode_keeps_the_signal) {
    for (int c = 0; c < 256; ++c) {
        const auto a = static_cast<std::uint8_t>(c);
        std::uint8_t u = 0;
        dsp::transcode(Law::Alaw, Law::Ulaw, &a, &u, 1);
        const int la = dsp::decodeSample(Law::Alaw, a), lu = dsp::decodeSample(Law::Ulaw, u);
        BOOST_TEST(std::abs(la - lu) <= std::max(16, std::abs(la) / 8), "A code " << c);
        std::uint8_t back = 0;
        dsp::transcode(Law::Ulaw, Law::Alaw, &u, &back, 1);
        BOOST_TEST(std::abs(dsp::decodeSample(Law::Alaw, back) - la) <= std::max(16, std::abs(la) / 8));
    }
    std::uint8_t idle = gw::kernel::idleCode(Law::Ulaw);
    dsp::transcode(Law::Ulaw, Law::Alaw, &idle, &idle, 1);   // in place
    BOOST_TEST(idle == gw::kernel::idleCode(Law::Alaw));
}

BOOST_AUTO_TEST_SUITE_END()
