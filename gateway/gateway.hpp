// Gateway: the running daemon as one object — the running configuration and
// the path of its startup file, the spans and their PriPorts, the media
// engine, the dial-peer router, the call manager and the SIP port — so the
// CLI can inspect and change it while the signalling loop runs.
#pragma once

#include "conf/config.hpp"
#include "gateway/call/call_manager.hpp"
#include "gateway/cli/cli_runtime.hpp"
#include "gateway/daemon.hpp"
#include "gateway/route/peer_router.hpp"
#include "kernel/event_loop.hpp"
#include "kernel/log.hpp"

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
class CliServer;

class Gateway final : public CliRuntime {
public:
    Gateway(conf::Config config, DaemonOptions options);
    ~Gateway() override;
    Gateway(const Gateway&) = delete;
    Gateway& operator=(const Gateway&) = delete;

    // Opens the spans, the SIP port, the CLI socket. Returns 0, or the exit
    // status after printing the reason on stderr.
    int start();
    // Runs the signalling loop until SIGINT/SIGTERM, then clears the calls.
    int run();

    kernel::EventLoop& loop() { return *loop_; }
    CallManager& callManager() { return *calls_; }

    // CliRuntime (gateway_status.cpp and gateway_apply.cpp)
    conf::Config& running() override { return running_; }
    std::string startupPath() const override { return options_.configPath; }
    // Rebuilds the dial-peer table and applies controller shutdown; returns
    // notes on what needs a restart.
    std::vector<std::string> applyConfig(const conf::Config& before) override;
    const route::DialPeerTable& dialPeers() const override { return router_->table(); }
    int activeOnPeer(int tag) const override { return calls_->activeOnPeer(tag); }
    std::vector<CallSummary> calls() const override { return calls_->activeCalls(); }
    bool clearCall(CallId id, q850::Cause cause) override { return calls_->clearCall(id, cause); }
    std::vector<SpanStatus> spans() const override;
    SipStatus sip() const override;
    // `busyout controller`: new calls on the span refused (not saved).
    bool setBusyout(int controller, bool on) override;
    void setDebug(DebugCat cat, bool on) override;
    const route::TrustList& trustList() const override { return *trust_; }
    std::vector<UntrustedSource> untrustedSources() const override { return calls_->admission().untrustedSources(); }

private:
    struct SpanRuntime {
        std::map<int, int> service;   // B-channel service states applied (absent: in service)
        std::unique_ptr<kernel::Span> span;
        std::unique_ptr<isdn::PriPort> port;
    };
    bool openSpans();
    bool openSip();
    void attachSpans();
    // The controller's settings that apply at once (RESTART on D-channel up,
    // T309, overlap receiving).
    void applyController(int number, SpanRuntime& rt, const conf::Controller& ctl);
    bool openCli();
    // voice service voip (trusted list, calling-number default, call
    // threshold): at start and after each configuration change.
    void applyVoip();
    // sip-ua settings the call layer uses: the cause/status exceptions and
    // the no-answer timer. At start and on every change.
    void applySipUa();
    void applySipAccount();
    void updateBlocked();
    void refreshActiveCount();

    conf::Config running_;
    const conf::Config booted_;        // what the spans and SIP were started with
    DaemonOptions options_;
    std::set<int> busyout_;
    // Declaration order is destruction order in reverse: the CLI goes first,
    // then SIP (its shutdown runs the loop and may still call the manager),
    // the call manager, media, spans, and the loop last.
    std::unique_ptr<kernel::EventLoop> loop_;
    std::map<int, SpanRuntime> spans_;
    std::unique_ptr<dsp::MediaEngine> engine_;
    std::unique_ptr<EngineMediaPort> media_;
    std::unique_ptr<PeerRouter> router_;
    std::shared_ptr<const route::TrustList> trust_;
    std::unique_ptr<CallManager> calls_;
    std::unique_ptr<sip::SipPort> sipPort_;
    std::unique_ptr<CliServer> cli_;
};

} // namespace gw
