// BearerMedia: pbxsim's side of one open B-channel. Clocked by the span:
// every 20 ms frame read is analysed (after the first 200 ms of the talk
// period) and answered with one frame: the echo of it, or the next tone frame.
#pragma once

#include "dsp/tone.hpp"
#include "isdn/pbxsim/pbxsim_report.hpp"
#include "kernel/span.hpp"
#include "kernel/unique_fd.hpp"

#include <chrono>
#include <cstddef>
#include <optional>

namespace gw::isdn {

struct MediaPlan {
    kernel::Law law = kernel::Law::Alaw;
    std::optional<double> toneHz;   // play a tone during the talk period
    double levelDbm0 = -10.0;
    bool echo = false;              // loop every received frame back
    std::optional<double> talkSeconds;   // none: talk until cleared
};

class BearerMedia {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t kSettleFrames = 10;   // first 200 ms not analysed

    BearerMedia(kernel::UniqueFd fd, const MediaPlan& plan, Clock::time_point start);
    int fd() const { return fd_.get(); }
    // Reads every frame waiting on the fd and answers each.
    void onReadable(Clock::time_point now);
    // What was heard so far; nullopt if nothing was analysed.
    std::optional<HeardAudio> heard() const;

private:
    bool talking(Clock::time_point now) const;

    kernel::UniqueFd fd_;
    MediaPlan plan_;
    Clock::time_point start_;
    std::optional<dsp::ToneGenerator> tone_;
    dsp::ToneAnalyzer analyzer_;
    std::size_t received_ = 0;
    std::size_t analysed_ = 0;
};

} // namespace gw::isdn
