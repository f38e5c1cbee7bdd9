// Tone generator and analyser. The analyser scans 100-3900 Hz with Goertzel
// filters on Hann-windowed 1024-sample blocks, interpolates the peak, then
// refines it from the phase advance between successive 256-sample blocks.
#include "dsp/tone.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

namespace gw::dsp {
namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kMinHz = 100.0, kMaxHz = 3900.0, kScanStepHz = 10.0;
constexpr std::size_t kScanBlock = 1024;    // coarse scan block (7.8 Hz bins)
constexpr std::size_t kScanBlocks = 8;      // blocks averaged by the scan
constexpr std::size_t kPhaseBlock = 256;    // refinement: unambiguous +-15.6 Hz
constexpr std::size_t kMinSamples = 2 * kPhaseBlock;

double hann(std::size_t i, std::size_t n) {
    return 0.5 - 0.5 * std::cos(kTwoPi * (static_cast<double>(i) + 0.5) / static_cast<double>(n));
}

// Squared magnitude of the Hann-windowed DFT of x[0..n) at hz (Goertzel).
double goertzelPower(const std::int16_t* x, const std::vector<double>& window, double hz) {
    const double coeff = 2.0 * std::cos(kTwoPi * hz / kSampleRate);
    double s1 = 0.0, s2 = 0.0;
    for (std::size_t i = 0; i < window.size(); ++i) {
        const double s0 = window[i] * x[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

// Coarse estimate: the scan-grid frequency with the most energy (summed over
// up to kScanBlocks blocks), refined by a parabola through its neighbours.
double coarseScan(const std::vector<std::int16_t>& x) {
    const std::size_t n = std::min(kScanBlock, x.size());
    const std::size_t blocks = std::clamp<std::size_t>(x.size() / n, 1, kScanBlocks);
    std::vector<double> window(n);
    for (std::size_t i = 0; i < n; ++i) window[i] = hann(i, n);
    const auto steps = static_cast<std::size_t>((kMaxHz - kMinHz) / kScanStepHz) + 1;
    std::vector<double> power(steps, 0.0);
    for (std::size_t k = 0; k < steps; ++k)
        for (std::size_t b = 0; b < blocks; ++b)
            power[k] += goertzelPower(x.data() + b * n, window, kMinHz + kScanStepHz * k);
    const auto best = static_cast<std::size_t>(
        std::max_element(power.begin(), power.end()) - power.begin());
    double hz = kMinHz + kScanStepHz * best;
    if (best > 0 && best + 1 < steps) {
        const double a = std::log(power[best - 1] + 1e-30), b = std::log(power[best] + 1e-30),
                     c = std::log(power[best + 1] + 1e-30);
        const double denom = a - 2.0 * b + c;
        if (denom < 0.0) hz += kScanStepHz * std::clamp(0.5 * (a - c) / denom, -0.5, 0.5);
    }
    return hz;
}

// Fine estimate: Hann-windowed DFT at `hz` of successive blocks against an
// absolute-time reference; a residual offset d makes each block's value turn
// by 2*pi*d*L/fs, so the mean turn gives d (valid while |d| < fs/(2L)).
double refine(const std::vector<std::int16_t>& x, double hz) {
    std::vector<double> window(kPhaseBlock);
    for (std::size_t i = 0; i < kPhaseBlock; ++i) window[i] = hann(i, kPhaseBlock);
    const double w = kTwoPi * hz / kSampleRate;
    const std::complex<double> step = std::polar(1.0, -w);
    std::complex<double> prev{}, turn{};
    for (std::size_t start = 0; start + kPhaseBlock <= x.size(); start += kPhaseBlock) {
        const double startPhase = std::fmod(w * static_cast<double>(start), kTwoPi);
        std::complex<double> ref = std::polar(1.0, -startPhase), z{};
        for (std::size_t i = 0; i < kPhaseBlock; ++i) {
            z += window[i] * x[start + i] * ref;
            ref *= step;
        }
        if (start > 0) turn += z * std::conj(prev);
        prev = z;
    }
    if (std::abs(turn) == 0.0) return hz;
    return hz + std::arg(turn) * kSampleRate / (kTwoPi * kPhaseBlock);
}

} // namespace

double sineAmplitude(double dbm0) {
    return 32768.0 * std::pow(10.0, (dbm0 - kFullScaleSineDbm0) / 20.0);
}

ToneGenerator::ToneGenerator(double hz, double dbm0)
    : step_(kTwoPi * hz / kSampleRate), amplitude_(sineAmplitude(dbm0)) {}

void ToneGenerator::generate(std::int16_t* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const double v = std::round(amplitude_ * std::sin(phase_));
        out[i] = static_cast<std::int16_t>(std::clamp(v, -32768.0, 32767.0));
        phase_ += step_;
        if (phase_ >= kTwoPi) phase_ -= kTwoPi;
    }
}

void ToneAnalyzer::feed(const std::int16_t* pcm, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) sumSquares_ += static_cast<double>(pcm[i]) * pcm[i];
    samples_ += n;
    const std::size_t room = kMaxAnalysedSamples - kept_.size();
    kept_.insert(kept_.end(), pcm, pcm + std::min(n, room));
}

ToneAnalyzer::Result ToneAnalyzer::result() const {
    Result r{0.0, kSilenceDbm0, samples_};
    if (samples_ == 0 || sumSquares_ <= 0.0) return r;
    const double meanSquare = sumSquares_ / static_cast<double>(samples_);
    r.levelDbm0 = 10.0 * std::log10(meanSquare / (32768.0 * 32768.0)) + 3.0103 +
                  kFullScaleSineDbm0;
    if (r.levelDbm0 < kMinToneDbm0 || kept_.size() < kMinSamples) return r;
    double hz = coarseScan(kept_);
    hz = refine(kept_, hz);
    r.freqHz = refine(kept_, hz);
    return r;
}

void ToneAnalyzer::reset() {
    kept_.clear();
    sumSquares_ = 0.0;
    samples_ = 0;
}

} // namespace gw::dsp
