// Gateway: the running daemon as one object — the running configuration and
// the path of its startup file, the spans and their PriPorts, the media
// engine, the dial-peer router, the call manager and the SIP port — so the
// CLI can inspect and change it while the signalling loop runs.
#pragma once

#include "conf/config.hpp"
#include "gateway/call_manager.hpp"
#include "gateway/daemon.hpp"
#include "gateway/log.hpp"
#include "gateway/peer_router.hpp"
#include "kernel/event_loop.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace gw::dsp {
class MediaEngine;
}
namespace gw::isdn {
class PriPort;
}
namespace gw::kernel {
class Span;
}
namespace gw::sip {
class SipPort;
}

namespace gw {

class EngineMediaPort;

class Gateway {
public:
    Gateway(conf::Config config, DaemonOptions options);
    ~Gateway();
    Gateway(const Gateway&) = delete;
    Gateway& operator=(const Gateway&) = delete;

    // Opens the spans, the SIP port, the CLI socket. Returns 0, or the exit
    // status after printing the reason on stderr.
    int start();
    // Runs the signalling loop until SIGINT/SIGTERM, then clears the calls.
    int run();

    kernel::EventLoop& loop() { return *loop_; }
    conf::Config& running() { return running_; }
    const std::string& startupPath() const { return options_.configPath; }
    CallManager& calls() { return *calls_; }
    const CallManager& calls() const { return *calls_; }
    PeerRouter& router() { return *router_; }

    // The spans opened at start-up (by controller number).
    struct SpanRuntime {
        std::unique_ptr<kernel::Span> span;
        std::unique_ptr<isdn::PriPort> port;
    };
    const std::map<int, SpanRuntime>& spans() const { return spans_; }

    // After a configuration command: rebuild the dial-peer table, apply
    // controller shutdown; returns notes on what needs a restart.
    std::vector<std::string> applyConfig(const conf::Config& before);
    // `busyout controller`: new calls on the span refused (runtime only).
    bool setBusyout(int controller, bool on);
    bool busyout(int controller) const { return busyout_.count(controller) != 0; }
    void setDebug(DebugCat cat, bool on);
    // The SIP port's bind as it runs (the configuration may say otherwise).
    const conf::SipUa& sipRunning() const { return sipRunning_; }

private:
    bool openSpans();
    bool openSip();
    void attachSpans();
    void updateBlocked();
    void refreshActiveCount();

    conf::Config running_;
    DaemonOptions options_;
    conf::SipUa sipRunning_;
    std::set<int> busyout_;
    // Declaration order is destruction order in reverse: SIP goes first (its
    // shutdown runs the loop and may still call the manager), then the call
    // manager, media, spans, and the loop last.
    std::unique_ptr<kernel::EventLoop> loop_;
    std::map<int, SpanRuntime> spans_;
    std::unique_ptr<dsp::MediaEngine> engine_;
    std::unique_ptr<EngineMediaPort> media_;
    std::unique_ptr<PeerRouter> router_;
    std::unique_ptr<CallManager> calls_;
    std::unique_ptr<sip::SipPort> sipPort_;
};

} // namespace gw
