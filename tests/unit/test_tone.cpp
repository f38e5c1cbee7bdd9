// Unit tests for dsp/tone: generator level/frequency through G.711 and the
// analyser's accuracy, silence handling and phase continuity.
#include "dsp/g711.hpp"
#include "dsp/tone.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

using gw::kernel::Law;
namespace dsp = gw::dsp;

namespace {

std::vector<std::int16_t> makeTone(double hz, double dbm0, std::size_t n) {
    std::vector<std::int16_t> pcm(n);
    dsp::ToneGenerator gen(hz, dbm0);
    gen.generate(pcm.data(), n);
    return pcm;
}

dsp::ToneAnalyzer::Result analyse(const std::vector<std::int16_t>& pcm) {
    dsp::ToneAnalyzer a;
    a.feed(pcm.data(), pcm.size());
    return a.result();
}

} // namespace

BOOST_AUTO_TEST_SUITE(tone)

BOOST_AUTO_TEST_CASE(zero_dbm0_amplitude_follows_g711) {
    BOOST_TEST(dsp::sineAmplitude(0.0) == 22827.06, boost::test_tools::tolerance(1e-5));
    BOOST_TEST(dsp::sineAmplitude(3.14) == 32768.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(through_both_laws) {
    for (double hz : {404.0, 1004.0, 2804.0})
        for (double dbm0 : {0.0, -10.0, -20.0})
            for (Law law : {Law::Alaw, Law::Ulaw}) {
                auto pcm = makeTone(hz, dbm0, 4000);   // 0.5 s
                for (auto& s : pcm) s = dsp::decodeSample(law, dsp::encodeSample(law, s));
                const auto r = analyse(pcm);
                BOOST_TEST_INFO(hz << " Hz " << dbm0 << " dBm0 " << gw::kernel::toString(law));
                BOOST_TEST(std::abs(r.freqHz - hz) < 2.0);
                BOOST_TEST(std::abs(r.levelDbm0 - dbm0) < 0.3);
                BOOST_TEST(r.samples == 4000u);
            }
}

BOOST_AUTO_TEST_CASE(band_edges_and_off_grid) {
    for (double hz : {100.0, 123.4, 697.0, 1633.0, 3456.7, 3900.0}) {
        const auto r = analyse(makeTone(hz, -6.0, 4000));
        BOOST_TEST_INFO(hz << " Hz");
        BOOST_TEST(std::abs(r.freqHz - hz) < 2.0);
        BOOST_TEST(std::abs(r.levelDbm0 + 6.0) < 0.3);
    }
}

BOOST_AUTO_TEST_CASE(silence_reads_very_low_and_no_frequency) {
    std::vector<std::int16_t> zeros(8000, 0);
    auto r = analyse(zeros);
    BOOST_TEST(r.freqHz == 0.0);
    BOOST_TEST(r.levelDbm0 < -100.0);
    dsp::ToneAnalyzer empty;
    BOOST_TEST(empty.result().freqHz == 0.0);
    BOOST_TEST(empty.result().samples == 0u);
    // A-law idle code decodes to +8: DC only, still no tone.
    std::vector<std::int16_t> idle(8000, dsp::decodeSample(Law::Alaw, 0xD5));
    r = analyse(idle);
    BOOST_TEST(r.freqHz == 0.0);
    BOOST_TEST(r.levelDbm0 < -60.0);
}

BOOST_AUTO_TEST_CASE(phase_continues_across_calls) {
    const auto whole = makeTone(1004.0, 0.0, 1600);
    dsp::ToneGenerator gen(1004.0, 0.0);
    std::vector<std::int16_t> parts(1600);
    for (std::size_t i = 0; i < parts.size(); i += 160) gen.generate(parts.data() + i, 160);
    BOOST_TEST(whole == parts);
}

BOOST_AUTO_TEST_CASE(feed_in_frames_and_reset) {
    const auto pcm = makeTone(1004.0, -10.0, 8000 * 10);   // 10 s, as a test call records
    dsp::ToneAnalyzer a;
    for (std::size_t i = 0; i < pcm.size(); i += 160) a.feed(pcm.data() + i, 160);
    auto r = a.result();
    BOOST_TEST(std::abs(r.freqHz - 1004.0) < 0.5);
    BOOST_TEST(std::abs(r.levelDbm0 + 10.0) < 0.1);
    BOOST_TEST(r.samples == pcm.size());
    a.reset();
    BOOST_TEST(a.result().samples == 0u);
    const auto other = makeTone(2804.0, -20.0, 4000);
    a.feed(other.data(), other.size());
    r = a.result();
    BOOST_TEST(std::abs(r.freqHz - 2804.0) < 2.0);
    BOOST_TEST(std::abs(r.levelDbm0 + 20.0) < 0.3);
}

BOOST_AUTO_TEST_CASE(tone_in_noise) {
    auto pcm = makeTone(1004.0, -10.0, 8000);
    unsigned seed = 12345;
    for (auto& s : pcm) {   // white noise ~ -40 dBm0
        seed = seed * 1103515245u + 12345u;
        s = static_cast<std::int16_t>(s + static_cast<int>((seed >> 16) % 400) - 200);
    }
    const auto r = analyse(pcm);
    BOOST_TEST(std::abs(r.freqHz - 1004.0) < 2.0);
    BOOST_TEST(std::abs(r.levelDbm0 + 10.0) < 0.3);
}

BOOST_AUTO_TEST_SUITE_END()
