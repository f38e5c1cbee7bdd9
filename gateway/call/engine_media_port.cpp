// EngineMediaPort: B-channel bookkeeping around the MediaEngine.
#include "gateway/call/engine_media_port.hpp"

#include "kernel/log.hpp"

namespace gw {

std::optional<int> EngineMediaPort::allocate(std::uint64_t id) {
    auto port = engine_.allocate(id);
    if (port) uses_[id];
    return port;
}

bool EngineMediaPort::connectBearer(std::uint64_t id, int span, int channel) {
    auto s = spans_.find(span);
    auto u = uses_.find(id);
    if (s == spans_.end() || u == uses_.end()) return false;
    if (u->second.channel) s->second->closeBearer(u->second.channel);
    kernel::UniqueFd fd = s->second->openBearer(channel);
    if (!fd) {
        GW_WARN("call=%llu cannot open B-channel %d of span %d", static_cast<unsigned long long>(id), channel, span);
        u->second = Use{};
        return false;
    }
    u->second = Use{span, channel};
    engine_.attachBearer(id, std::move(fd), s->second->shape().law);
    return true;
}

void EngineMediaPort::setRemote(std::uint64_t id, const RtpPeer& peer) {
    dsp::RtpSpec spec;
    spec.remoteAddr = peer.addr;
    spec.remotePort = peer.port;
    spec.payloadType = peer.payloadType;
    spec.codecLaw = peer.codecLaw;
    spec.telephoneEventPt = peer.telephoneEventPt;
    spec.send = peer.send;
    spec.receive = peer.receive;
    engine_.setRemote(id, spec);
}

void EngineMediaPort::release(std::uint64_t id) {
    auto u = uses_.find(id);
    if (u == uses_.end()) return;
    engine_.release(id);
    if (u->second.channel) {
        auto s = spans_.find(u->second.span);
        if (s != spans_.end()) s->second->closeBearer(u->second.channel);
    }
    uses_.erase(u);
}

} // namespace gw
