// Gateway start-up and shutdown. Threads: the caller runs the Sofia su_root
// loop (SIP, the D-channels, the CLI socket, timers); the MediaEngine runs
// the media thread; each virtual span runs its line-clock thread.
#include "gateway/gateway.hpp"

#include "dsp/media_engine.hpp"
#include "gateway/route/dial_peer.hpp"
#include "gateway/route/trust_list.hpp"
#include "gateway/cli/cli_paths.hpp"
#include "gateway/cli/cli_server.hpp"
#include "gateway/call/engine_media_port.hpp"
#include "isdn/pri_port.hpp"
#include "kernel/log.hpp"
#include "kernel/span.hpp"
#include "sip/sip_stack.hpp"

#include <cstdio>

namespace gw {
namespace {

Clock::time_point steadyNow() { return Clock::now(); }

conf::SwitchType switchTypeOf(const conf::Config& config, const conf::Controller& ctl) {
    if (ctl.switchType) return *ctl.switchType;
    if (config.switchType) return *config.switchType;
    return ctl.type == conf::ControllerType::E1 ? conf::SwitchType::PrimaryNet5 : conf::SwitchType::PrimaryNi;
}

} // namespace

Gateway::Gateway(conf::Config config, DaemonOptions options)
    : running_(std::move(config)), booted_(running_), options_(std::move(options)) {}

Gateway::~Gateway() { logBatchThisThread({}); }   // pending lines out, timer hook gone

bool Gateway::openSpans() {
    for (const auto& [number, ctl] : running_.controllers) {
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
        spans_[number].span = std::move(span);
    }
    return true;
}

bool Gateway::openSip() {
    sip::SipPortSettings sipCfg;
    sipCfg.bindAddr = booted_.sipUa.bindAddr;
    sipCfg.port = booted_.sipUa.bindPort;
    if (running_.sipUa.userAgent) sipCfg.userAgent = *running_.sipUa.userAgent;
    std::string error;
    sipPort_ = sip::openSipPort(*loop_, *calls_, sipCfg, error);
    if (!sipPort_) {
        std::fprintf(stderr, "gatewayd: %s\n", error.c_str());
        return false;
    }
    calls_->setSipPort(*sipPort_);
    calls_->setSipIdentity(booted_.sipUa.bindAddr, booted_.sipUa.bindPort);
    applySipAccount();
    return true;
}

void Gateway::attachSpans() {
    for (auto& [number, rt] : spans_) {
        const conf::Controller& ctl = running_.controllers.at(number);
        conf::IsdnSide side = ctl.side.value_or(conf::IsdnSide::User);
        conf::SwitchType sw = switchTypeOf(running_, ctl);
        kernel::Span* span = rt.span.get();
        rt.port = std::make_unique<isdn::PriPort>(*loop_, *calls_, number, *span, side, sw);
        media_->addSpan(number, *rt.span);
        calls_->attachSpan(number, *rt.port, rt.span->shape().law, side == conf::IsdnSide::Network,
                           rt.span->shape().bearers);
        applyController(number, rt, ctl);
        GW_INFO("controller %d: switch-type %s, %s side", number, isdn::PriPort::switchTypeName(sw),
                side == conf::IsdnSide::Network ? "network" : "user");
    }
}

void Gateway::applyController(int number, SpanRuntime& rt, const conf::Controller& ctl) {
    rt.port->setRestartOnUp(!ctl.skipsendRestart);
    rt.port->setT309(ctl.t309Ms ? std::chrono::milliseconds(*ctl.t309Ms) : isdn::PriPort::kDefaultT309);
    calls_->setOverlapReceiving(number, ctl.overlapReceiving, std::chrono::milliseconds(ctl.t302Ms.value_or(kDefaultT302Ms)));
    const auto port = running_.voicePorts.find(number);
    const bool interdigitSet = port != running_.voicePorts.end() && port->second.interdigitS;
    calls_->setInterdigit(number, interdigitSet ? std::chrono::milliseconds(*port->second.interdigitS * 1000)
                                                : std::chrono::milliseconds(kDefaultInterdigitMs));
    calls_->setOverlapSending(
        number, isdn::PriController::overlapSwitch(switchTypeOf(running_, ctl)) && !ctl.sendingComplete);
    // `isdn service`: only the channels whose state changed.
    std::set<int> channels;
    for (const auto& [ch, st] : ctl.serviceStates) channels.insert(ch);
    for (const auto& [ch, st] : rt.service) channels.insert(ch);
    for (int ch : channels) {
        const auto want = ctl.serviceStates.find(ch);
        const int state = want == ctl.serviceStates.end() ? 0 : want->second;
        const auto had = rt.service.find(ch);
        if ((had == rt.service.end() ? 0 : had->second) == state) continue;
        if (!rt.port->setChannelService(ch, state) && !rt.port->dchannelUp())
            GW_INFO("controller %d: B-channel %d service state %d applies locally; SERVICE goes out when the "
                    "D-channel is up", number, ch, state);
        if (state == 0) rt.service.erase(ch);
        else rt.service[ch] = state;
    }
}

int Gateway::start() {
    loop_ = sip::makeSignallingLoop(true);
    // The signalling thread's log lines are written in batches (kLogBatchMs).
    logBatchThisThread([this] {
        loop_->startTimer(std::chrono::milliseconds(kLogBatchMs), [] { logFlush(); });
    });
    if (!openSpans()) return 1;
    engine_ = std::make_unique<dsp::MediaEngine>(booted_.sipUa.bindAddr, options_.rtpPortMin, options_.rtpPortMax);
    media_ = std::make_unique<EngineMediaPort>(*engine_);
    router_ = std::make_unique<PeerRouter>(route::DialPeerTable::build(running_));
    calls_ = std::make_unique<CallManager>(*media_, *router_, &steadyNow);
    calls_->setLoop(*loop_);
    applyVoip();
    applySipUa();
    calls_->admission().setTrusted([this](const std::string& address) { return trust_->allows(address); });
    calls_->startChannelAudit(kChannelAuditEvery);
    refreshActiveCount();
    if (!openSip()) return 1;
    attachSpans();
    if (!openCli()) return 1;
    GW_INFO("%s: SIP on %s:%d, %zu span(s); ready", running_.hostname.c_str(), booted_.sipUa.bindAddr.c_str(),
            booted_.sipUa.bindPort, spans_.size());
    return 0;
}

int Gateway::run() {
    loop_->run();
    GW_INFO("stopping: clearing %zu call(s)", calls_->callCount());
    cli_.reset();
    calls_->clearAll(q850::Cause::NormalClearing);
    if (calls_->callCount() > 0) {
        // Give the far ends a moment to answer DISCONNECT/BYE.
        loop_->startTimer(std::chrono::milliseconds(1000), [this] { loop_->stop(); });
        loop_->run();
    }
    GW_INFO("stopped");
    logBatchThisThread({});
    return 0;
}

void Gateway::applyVoip() {
    const bool wasEnforced = !trust_ || trust_->enforced();
    trust_ = route::TrustList::build(running_);
    if (wasEnforced && !trust_->enforced())
        GW_WARN("ip address trusted authenticate is off: calls are taken from any address (toll-fraud risk)");
    calls_->setCallingDefault(running_.voip.callingDefault);
    calls_->admission().setRate(running_.voip.sourceCallsPerSecond.value_or(0));
}

void Gateway::applySipUa() {
    calls_->causeMap().setOverrides(running_.sipUa.pstnCauseToSip, running_.sipUa.sipStatusToPstn);
    calls_->setNoAnswerTimeout(std::chrono::milliseconds(running_.sipUa.timersExpiresMs.value_or(kDefaultNoAnswerMs)));
    applySipAccount();
}

// The credentials answered to challenges, and the numbers registered: those
// of the POTS dial-peers in service whose destination-pattern is a complete
// number (IOS registers the same ones).
void Gateway::applySipAccount() {
    if (!sipPort_) return;
    std::vector<sip::Credential> credentials;
    for (const auto& c : running_.sipUa.credentials) credentials.push_back({c.username, c.password, c.realm});
    sipPort_->setCredentials(credentials);
    sip::RegistrarSettings reg;
    if (const auto& r = running_.sipUa.registrar) {
        reg.registrarUri = "sip:" + r->target.host + (r->target.port ? ":" + std::to_string(r->target.port) : "");
        reg.expiresS = r->expiresS;
        for (const auto& [tag, peer] : running_.dialPeers) {
            const std::string& p = peer.destinationPattern;
            if (peer.kind != conf::PeerKind::Pots || peer.shutdown || p.empty()) continue;
            const std::size_t digits = p[0] == '+' ? 1 : 0;
            if (p.size() > digits && p.find_first_not_of("0123456789", digits) == std::string::npos)
                reg.numbers.push_back(p);
        }
    }
    sipPort_->setRegistrar(reg);
}

// max-conn counts the calls each outbound peer carries now.
void Gateway::refreshActiveCount() {
    router_->setActiveCount([this](int tag) { return calls_->activeOnPeer(tag); });
}

// Without --cli-socket a CLI that cannot be served (another gatewayd holds
// the default socket) is a warning; with it, the daemon does not start.
bool Gateway::openCli() {
    if (options_.cliSocket == "none") return true;
    std::string path = options_.cliSocket.empty() ? cli::defaultSocketPath() : options_.cliSocket;
    std::string error;
    cli_ = CliServer::open(*loop_, *this, path, error);
    if (cli_) {
        GW_INFO("CLI on %s", path.c_str());
        return true;
    }
    if (options_.cliSocketGiven) {
        std::fprintf(stderr, "gatewayd: cannot serve the CLI on %s: %s\n", path.c_str(), error.c_str());
        return false;
    }
    GW_WARN("no CLI: %s (use --cli-socket PATH)", error.c_str());
    return true;
}

} // namespace gw
