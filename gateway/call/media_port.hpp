// MediaPort: what the call core asks of the media plane. The daemon's
// implementation (EngineMediaPort) joins the span's B-channels to the
// MediaEngine's RTP; scenario tests use a fake that records the calls.
#pragma once

#include "kernel/span.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace gw {

struct RtpPeer {
    std::string addr;
    int port = 0;
    int payloadType = 0;
    kernel::Law codecLaw = kernel::Law::Ulaw;
    int telephoneEventPt = -1;
    bool send = true;       // false: the far end holds (sendonly / inactive to us)
    bool receive = true;    // false: what the far end sends is not played
};

class MediaPort {
public:
    virtual ~MediaPort() = default;
    // Reserves an RTP port for call `id`; nullopt when none is free.
    virtual std::optional<int> allocate(std::uint64_t id) = 0;
    // Joins B-channel `channel` of `span` to the call's media.
    virtual bool connectBearer(std::uint64_t id, int span, int channel) = 0;
    virtual void setRemote(std::uint64_t id, const RtpPeer& peer) = 0;
    // Frees everything of call `id` (safe to call more than once).
    virtual void release(std::uint64_t id) = 0;
    virtual std::string localAddress() const = 0;
};

} // namespace gw
