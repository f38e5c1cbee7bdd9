// Test-tone generation and analysis on 8 kHz linear PCM (pure, no I/O).
// ToneGenerator is a phase-continuous sine; ToneAnalyzer finds the dominant
// frequency (Goertzel scan, then block phase-difference refinement) and level.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gw::dsp {

constexpr double kSampleRate = 8000.0;
// G.711 level convention: the theoretical load capacity (a full-scale sine)
// is +3.14 dBm0 for A-law and +3.17 dBm0 for mu-law (ITU-T G.711); the A-law
// figure is used for both, so a 0 dBm0 sine has amplitude
// 32768 * 10^(-3.14/20) ~= 22827.
constexpr double kFullScaleSineDbm0 = 3.14;
// Level reported for digital silence (all-zero input).
constexpr double kSilenceDbm0 = -150.0;

// Amplitude (peak, in 16-bit units) of a sine at `dbm0`.
double sineAmplitude(double dbm0);

class ToneGenerator {
public:
    ToneGenerator(double hz, double dbm0);
    // Writes n samples; the phase continues across calls.
    void generate(std::int16_t* out, std::size_t n);

private:
    double phase_ = 0.0;   // radians, kept in [0, 2*pi)
    double step_;          // radians per sample
    double amplitude_;
};

class ToneAnalyzer {
public:
    struct Result {
        double freqHz;       // dominant frequency in 100-3900 Hz; 0 for silence
        double levelDbm0;    // RMS level of everything fed (DC included)
        std::size_t samples; // samples fed so far
    };

    void feed(const std::int16_t* pcm, std::size_t n);
    // Level: 10*log10(meanSquare / 32768^2) + 3.01 + 3.14, i.e. the RMS of a
    // full-scale sine (-3.01 dB) reads +3.14 dBm0. Frequency is estimated on
    // the first kMaxAnalysedSamples samples (accurate to well under 1 Hz for
    // a steady tone of 0.5 s). Cost is linear in the samples analysed.
    Result result() const;
    void reset();

    static constexpr std::size_t kMaxAnalysedSamples = 8000 * 12;
    // Below this level no frequency is reported.
    static constexpr double kMinToneDbm0 = -60.0;

private:
    std::vector<std::int16_t> kept_;   // first kMaxAnalysedSamples samples
    double sumSquares_ = 0.0;
    std::size_t samples_ = 0;
};

} // namespace gw::dsp
