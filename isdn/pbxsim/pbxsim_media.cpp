// BearerMedia: G.711 frames in, linear PCM to the analyser, one frame out
// per frame in (echo or tone), so the span's clock paces both directions.
#include "isdn/pbxsim/pbxsim_media.hpp"

#include "dsp/g711.hpp"

#include <sys/socket.h>

#include <array>
#include <cstdint>

namespace gw::isdn {

BearerMedia::BearerMedia(kernel::UniqueFd fd, const MediaPlan& plan, Clock::time_point start)
    : fd_(std::move(fd)), plan_(plan), start_(start) {
    if (plan_.toneHz) tone_.emplace(*plan_.toneHz, plan_.levelDbm0);
}

bool BearerMedia::talking(Clock::time_point now) const {
    if (!plan_.talkSeconds) return true;
    return now - start_ < std::chrono::duration<double>(*plan_.talkSeconds);
}

void BearerMedia::onReadable(Clock::time_point now) {
    std::array<std::uint8_t, kernel::kFrameBytes> frame;
    std::array<std::int16_t, kernel::kFrameBytes> pcm;
    for (;;) {
        const ssize_t n = ::recv(fd_.get(), frame.data(), frame.size(), MSG_DONTWAIT);
        if (n != static_cast<ssize_t>(frame.size())) return;   // empty, closed or short
        const bool inTalk = talking(now);
        if (received_++ >= kSettleFrames && inTalk) {
            for (std::size_t i = 0; i < frame.size(); ++i) pcm[i] = dsp::decodeSample(plan_.law, frame[i]);
            analyzer_.feed(pcm.data(), pcm.size());
            ++analysed_;
        }
        if (plan_.echo) {
            ::send(fd_.get(), frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        } else if (tone_ && inTalk) {
            tone_->generate(pcm.data(), pcm.size());
            for (std::size_t i = 0; i < pcm.size(); ++i) frame[i] = dsp::encodeSample(plan_.law, pcm[i]);
            ::send(fd_.get(), frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        }
    }
}

std::optional<HeardAudio> BearerMedia::heard() const {
    if (analysed_ == 0) return std::nullopt;
    const dsp::ToneAnalyzer::Result r = analyzer_.result();
    return HeardAudio{r.freqHz, r.levelDbm0, analysed_};
}

} // namespace gw::isdn
