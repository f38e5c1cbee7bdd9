// EngineMediaPort: the daemon's MediaPort. It opens B-channels on the spans
// and hands their fds to the MediaEngine, which moves audio to and from RTP
// on the media thread.
#pragma once

#include "dsp/media_engine.hpp"
#include "gateway/call/media_port.hpp"
#include "kernel/span.hpp"

#include <map>

namespace gw {

class EngineMediaPort : public MediaPort {
public:
    explicit EngineMediaPort(dsp::MediaEngine& engine) : engine_(engine) {}
    void addSpan(int number, kernel::Span& span) { spans_[number] = &span; }

    std::optional<int> allocate(std::uint64_t id) override;
    bool connectBearer(std::uint64_t id, int span, int channel) override;
    void setRemote(std::uint64_t id, const RtpPeer& peer) override;
    void release(std::uint64_t id) override;
    std::string localAddress() const override { return engine_.bindAddr(); }

private:
    struct Use {
        int span = -1;
        int channel = 0;
    };
    dsp::MediaEngine& engine_;
    std::map<int, kernel::Span*> spans_;
    std::map<std::uint64_t, Use> uses_;
};

} // namespace gw
