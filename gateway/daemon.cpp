// Daemon wiring. Threads: this one runs the Sofia su_root loop (SIP, the
// D-channels, timers); the MediaEngine runs the media thread; each virtual
// span runs its line-clock thread.
#include "gateway/daemon.hpp"

#include "dsp/media_engine.hpp"
#include "gateway/call_manager.hpp"
#include "gateway/dial_peer.hpp"
#include "gateway/engine_media_port.hpp"
#include "gateway/log.hpp"
#include "gateway/peer_router.hpp"
#include "isdn/pri_port.hpp"
#include "kernel/span.hpp"
#include "sip/sip_stack.hpp"

#include <cstdio>
#include <map>
#include <memory>

namespace gw {
namespace {

Clock::time_point steadyNow() { return Clock::now(); }

struct SpanRuntime {
    std::unique_ptr<kernel::Span> span;
    std::unique_ptr<isdn::PriPort> port;
};

bool openSpans(const conf::Config& config, std::map<int, SpanRuntime>& spans) {
    for (const auto& [number, ctl] : config.controllers) {
        if (ctl.shutdown) continue;
        if (ctl.source == conf::SourceKind::Dahdi) {
            std::fprintf(stderr, "gatewayd: controller %s %d: DAHDI spans are not supported by this build\n",
                         ctl.type == conf::ControllerType::E1 ? "e1" : "t1", number);
            return false;
        }
        if (ctl.source != conf::SourceKind::Virtual) {
            std::fprintf(stderr, "gatewayd: controller %d has no `source` line; it stays down\n", number);
            continue;
        }
        auto type = ctl.type == conf::ControllerType::E1 ? kernel::SpanType::E1 : kernel::SpanType::T1;
        std::string error;
        auto span = kernel::openVirtualSpan(ctl.sourcePath, type, kernel::SpanEnd::Device, error);
        if (!span) {
            std::fprintf(stderr, "gatewayd: controller %d: %s\n", number, error.c_str());
            return false;
        }
        GW_INFO("controller %d: %s", number, span->describe().c_str());
        spans[number].span = std::move(span);
    }
    return true;
}

conf::SwitchType switchTypeOf(const conf::Config& config, const conf::Controller& ctl) {
    if (ctl.switchType) return *ctl.switchType;
    if (config.switchType) return *config.switchType;
    return ctl.type == conf::ControllerType::E1 ? conf::SwitchType::PrimaryNet5 : conf::SwitchType::PrimaryNi;
}

} // namespace

const char* embeddedDefaultConfig() {
    return "hostname gateway\n"
           "controller e1 0\n"
           " pri-group timeslots 1-31\n"
           " isdn switch-type primary-net5\n"
           " source virtual /tmp/gateway/span0\n"
           "sip-ua\n"
           " bind 127.0.0.1 5060\n"
           "dial-peer voice 1 pots\n"
           " description every SIP call goes to the PBX\n"
           " destination-pattern T\n"
           " port 0\n";
}

int runDaemon(const conf::Config& config, const DaemonOptions& options) {
    auto loopPtr = sip::makeSignallingLoop(true);
    kernel::EventLoop& loop = *loopPtr;

    std::map<int, SpanRuntime> spans;
    if (!openSpans(config, spans)) return 1;

    dsp::MediaEngine engine(config.sipUa.bindAddr, options.rtpPortMin, options.rtpPortMax);
    EngineMediaPort media(engine);
    PeerRouter router(route::DialPeerTable::build(config));
    CallManager calls(media, router, &steadyNow);

    sip::SipPortSettings sipCfg;
    sipCfg.bindAddr = config.sipUa.bindAddr;
    sipCfg.port = config.sipUa.bindPort;
    std::string error;
    auto sipPort = sip::openSipPort(loop, calls, sipCfg, error);
    if (!sipPort) {
        std::fprintf(stderr, "gatewayd: %s\n", error.c_str());
        return 1;
    }
    calls.setSipPort(*sipPort);
    calls.setSipIdentity(config.sipUa.bindAddr, config.sipUa.bindPort);

    for (auto& [number, rt] : spans) {
        const conf::Controller& ctl = config.controllers.at(number);
        conf::IsdnSide side = ctl.side.value_or(conf::IsdnSide::User);
        conf::SwitchType sw = switchTypeOf(config, ctl);
        rt.port = std::make_unique<isdn::PriPort>(loop, calls, number, rt.span->dchannelFd(), side, sw,
                                                  rt.span->shape().law);
        media.addSpan(number, *rt.span);
        calls.attachSpan(number, *rt.port, rt.span->shape().law, side == conf::IsdnSide::Network,
                         rt.span->shape().bearers);
        GW_INFO("controller %d: switch-type %s, %s side", number, isdn::PriPort::switchTypeName(sw),
                side == conf::IsdnSide::Network ? "network" : "user");
    }
    GW_INFO("%s: SIP on %s:%d, %zu span(s); ready", config.hostname.c_str(), config.sipUa.bindAddr.c_str(),
            config.sipUa.bindPort, spans.size());

    loop.run();

    GW_INFO("stopping: clearing %zu call(s)", calls.callCount());
    calls.clearAll(16);
    if (calls.callCount() > 0) {
        // Give the far ends a moment to answer DISCONNECT/BYE.
        loop.startTimer(std::chrono::milliseconds(1000), [&loop] { loop.stop(); });
        loop.run();
    }
    GW_INFO("stopped");
    return 0;
}

} // namespace gw
