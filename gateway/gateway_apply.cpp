// Gateway: live configuration changes, busyout and debug switches, on the
// signalling thread. A new dial-peer table replaces the old one whole; calls
// in progress keep the routes they copied when they started.
#include "gateway/gateway.hpp"

#include "gateway/cli/cli_server.hpp"
#include "gateway/route/dial_peer.hpp"
#include "gateway/route/trust_list.hpp"
#include "gateway/live_config.hpp"
#include "isdn/pri_port.hpp"
#include "sip/sip_port.hpp"
#include "sip/sip_stack.hpp"

#include <algorithm>

namespace gw {

std::vector<std::string> Gateway::applyConfig(const conf::Config& before) {
    if (before == running_) return {};
    if (before.dialPeers != running_.dialPeers || before.translationRules != running_.translationRules ||
        before.translationProfiles != running_.translationProfiles || before.controllers != running_.controllers) {
        router_->setTable(route::DialPeerTable::build(running_));
        GW_INFO("dial-peer table rebuilt: %zu dial-peer(s)", running_.dialPeers.size());
    }
    if (before.voip != running_.voip || before.dialPeers != running_.dialPeers ||
        before.sipUa.sipServer != running_.sipUa.sipServer || before.sipUa.registrar != running_.sipUa.registrar)
        applyVoip();
    if (before.sipUa != running_.sipUa || before.dialPeers != running_.dialPeers) applySipUa();
    if (before.sipUa.userAgent != running_.sipUa.userAgent && sipPort_)
        sipPort_->setUserAgent(running_.sipUa.userAgent.value_or(sip::SipPortSettings{}.userAgent));
    updateBlocked();
    for (auto& [n, rt] : spans_) {
        auto ctl = running_.controllers.find(n);
        if (!rt.port || ctl == running_.controllers.end()) continue;
        applyController(n, rt, ctl->second);
    }
    std::set<int> open;
    for (const auto& [n, rt] : spans_) open.insert(n);
    // Notes on what this command changed and what now differs from what runs
    // (setting a value back to the one running needs no restart).
    std::vector<std::string> notes;
    std::vector<std::string> pending = restartNotes(booted_, running_, open);
    for (auto& n : restartNotes(before, running_, open))
        if (std::find(pending.begin(), pending.end(), n) != pending.end()) notes.push_back(std::move(n));
    return notes;
}

void Gateway::updateBlocked() {
    for (const auto& [n, rt] : spans_)
        calls_->setSpanBlocked(n, busyout_.count(n) || controllerBlocked(running_, n));
}

bool Gateway::setBusyout(int controller, bool on) {
    if (!running_.controllers.count(controller) && !spans_.count(controller)) return false;
    if (on) busyout_.insert(controller);
    else busyout_.erase(controller);
    GW_INFO("controller %d: busyout %s", controller, on ? "on" : "off");
    updateBlocked();
    return true;
}

void Gateway::setDebug(DebugCat cat, bool on) {
    logSetDebug(cat, on);
    if (cat == DebugCat::IsdnQ931)
        for (auto& [n, rt] : spans_)
            if (rt.port) rt.port->setDebug(on);
    if (cat == DebugCat::SipMessages && sipPort_) sipPort_->setTrace(on);
    if (!on && cli_) cli_->dropTraces(cat);
}

} // namespace gw
