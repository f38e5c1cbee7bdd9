// Exec commands on the configuration: show running-config / startup-config,
// write memory, show dial-peer voice [summary|TAG], show dial-peer match and
// test voice translation-rule.
#include "conf/loader.hpp"
#include "conf/render.hpp"
#include "conf/values.hpp"
#include "gateway/cli/cli_exec.hpp"
#include "gateway/route/translation.hpp"

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

namespace gw {
namespace {

std::string quoted(const std::string& s) { return "`" + s + "'"; }

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s + " ";
}

// Up when it could carry a call now: not shut down, a usable session
// target (voip) or a running controller that is neither shut nor busied out,
// and whose line and D-channel are up (pots).
bool peerOperational(const conf::DialPeer& p, const std::vector<SpanStatus>& spans) {
    if (p.shutdown) return false;
    if (p.kind == conf::PeerKind::Voip)
        return p.target.kind == conf::TargetKind::Ipv4 || p.target.kind == conf::TargetKind::Dns;
    for (const auto& s : spans)
        if (p.port && s.number == *p.port) return s.running && !s.shutdown && !s.busyout && !s.alarm && s.dchannelUp;
    return false;
}

std::string relayList(const conf::DialPeer& p) {
    std::string s;
    for (auto d : p.dtmfRelay) s += (s.empty() ? "" : " ") + std::string(conf::dtmfRelayName(d));
    return s.empty() ? "inband" : s;
}

void describePeer(const conf::DialPeer& p, const CliRuntime& rt, const std::vector<SpanStatus>& spans, CliReply& r) {
    bool voip = p.kind == conf::PeerKind::Voip;
    r.add((voip ? "VoiceOverIpPeer" : "VoiceEncapPeer") + std::to_string(p.tag));
    r.add("        tag = " + std::to_string(p.tag) + ", type = " + (voip ? "voip" : "pots") +
          ", description = " + quoted(p.description) + ",");
    r.add("        admin state is " + std::string(p.shutdown ? "down" : "up") + ", operation state is " +
          (peerOperational(p, spans) ? "up" : "down") + ",");
    r.add("        destination-pattern = " + quoted(p.destinationPattern) + ", incoming called-number = " +
          quoted(p.incomingCalledNumber) + ", answer-address = " + quoted(p.answerAddress) + ",");
    r.add("        preference = " + std::to_string(p.preference) + ", huntstop = " +
          (p.huntstop ? "enabled" : "disabled") + ", max-conn = " +
          (p.maxConn ? std::to_string(*p.maxConn) : std::string("unlimited")) + ", active calls = " +
          std::to_string(rt.activeOnPeer(p.tag)) + ",");
    r.add("        translation-profile incoming = " + quoted(p.translationIncoming) + ", outgoing = " +
          quoted(p.translationOutgoing) + ",");
    if (voip) {
        r.add("        session-target = " + quoted(conf::formatTarget(p.target)) + ", session-transport = " +
              (p.transport.empty() ? "udp" : p.transport) + ",");
        r.add("        codec = " + std::string(conf::codecName(p.codec.value_or(conf::Codec::G711Ulaw))) +
              (p.voiceClassCodec ? ", voice-class codec = " + std::to_string(*p.voiceClassCodec) : "") +
              ", dtmf-relay = " + relayList(p));
    } else {
        std::string fwd = !p.forwardDigits ? "default" : *p.forwardDigits < 0 ? "all" : std::to_string(*p.forwardDigits);
        r.add("        port = " + (p.port ? std::to_string(*p.port) : std::string("none")) + ", digit-strip = " +
              (p.digitStrip ? "enabled" : "disabled") + ", forward-digits = " + fwd + ", prefix = " +
              quoted(p.prefix));
    }
    r.add("");
}

std::string readFile(const std::string& path, std::string& error) {
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::generic_category().message(errno != 0 ? errno : EIO);
        return "";
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

void execShowRunning(ExecCall& c) {
    std::string text = conf::renderRunningConfig(c.rt.running());
    c.reply.add("Building configuration...");
    c.reply.add("");
    c.reply.add("Current configuration : " + std::to_string(text.size()) + " bytes");
    c.reply.addText(text);
}

void execShowStartup(ExecCall& c) {
    std::string path = c.rt.startupPath();
    if (path.empty()) return c.reply.fail("% No startup-config: gatewayd runs its embedded default (no -c FILE)");
    std::string error;
    std::string text = readFile(path, error);
    if (!error.empty()) return c.reply.fail("% Cannot read startup-config " + path + ": " + error);
    c.reply.add("Using " + std::to_string(text.size()) + " bytes of " + path);
    c.reply.addText(text);
}

void execWriteMemory(ExecCall& c) {
    std::string path = c.rt.startupPath();
    if (path.empty()) return c.reply.fail("% No startup-config file: gatewayd was started without -c FILE");
    c.reply.add("Building configuration...");
    if (std::string error = conf::saveConfigFile(path, c.rt.running()); !error.empty()) {
        GW_WARN("write memory failed: %s", error.c_str());
        c.reply.fail("% Error writing startup-config: " + error);
        c.reply.fail("% The startup-config " + path + " is unchanged");
        return;
    }
    GW_INFO("running-config written to %s", path.c_str());
    c.reply.add("[OK]");
}

void execShowDialPeers(ExecCall& c) {
    auto spans = c.rt.spans();
    for (const auto& [tag, p] : c.rt.running().dialPeers) describePeer(p, c.rt, spans, c.reply);
}

void execShowDialPeerTag(ExecCall& c) {
    int tag = c.args.number(0);
    const auto& peers = c.rt.running().dialPeers;
    auto it = peers.find(tag);
    if (it == peers.end()) return c.reply.fail("% dial-peer voice " + std::to_string(tag) + " is not configured");
    describePeer(it->second, c.rt, c.rt.spans(), c.reply);
}

void execShowDialPeerSummary(ExecCall& c) {
    auto spans = c.rt.spans();
    c.reply.add(pad("TAG", 10) + pad("TYPE", 5) + pad("ADMIN", 5) + pad("OPER", 4) + pad("PREFIX", 8) +
                pad("DEST-PATTERN", 20) + pad("PREF", 4) + pad("HUNT", 4) + pad("SESS-TARGET", 24) + pad("PORT", 4) +
                "ACTIVE/MAX");
    for (const auto& [tag, p] : c.rt.running().dialPeers) {
        bool voip = p.kind == conf::PeerKind::Voip;
        std::string max = p.maxConn ? std::to_string(*p.maxConn) : "-";
        c.reply.add(pad(std::to_string(tag), 10) + pad(voip ? "voip" : "pots", 5) + pad(p.shutdown ? "down" : "up", 5) +
                    pad(peerOperational(p, spans) ? "up" : "down", 4) + pad(p.prefix, 8) +
                    pad(p.destinationPattern, 20) + pad(std::to_string(p.preference), 4) +
                    pad(p.huntstop ? "stop" : "", 4) + pad(voip ? conf::formatTarget(p.target) : "", 24) +
                    pad(!voip && p.port ? std::to_string(*p.port) : "", 4) +
                    std::to_string(c.rt.activeOnPeer(tag)) + "/" + max);
    }
}

void execShowDialPeerMatch(ExecCall& c) {
    const std::string& called = c.args[0];
    std::string calling = c.args.size() > 1 ? c.args[1] : "";
    route::ActiveCount active = [&rt = c.rt](int tag) { return rt.activeOnPeer(tag); };
    const route::DialPeerTable& table = c.rt.dialPeers();
    for (auto [dir, name] : {std::pair{route::Direction::FromIsdn, "from ISDN (PBX) to SIP"},
                             std::pair{route::Direction::FromSip, "from SIP to ISDN (PBX)"}}) {
        c.reply.add("Call " + std::string(name) + ": called " + called + (calling.empty() ? "" : ", calling " + calling));
        c.reply.addText(route::formatExplain(table.explain(called, calling, dir, active)));
        route::Route r = table.matchOutbound(called, calling, dir, active);
        if (r.candidates.empty()) c.reply.add("  no outbound dial-peer: the call is refused (cause 1)");
        for (std::size_t i = 0; i < r.candidates.size(); ++i) {
            const auto& k = r.candidates[i];
            std::string steps;
            for (const auto& s : k.calledSteps) steps += (steps.empty() ? "" : " -> ") + s.what + " " + s.number;
            c.reply.add("  try " + std::to_string(i + 1) + ": dial-peer " + std::to_string(k.tag) + " sends called " +
                        k.called + (k.calling.empty() ? "" : ", calling " + k.calling) + " [" + steps + "]");
        }
        c.reply.add("");
    }
}

void execTestTranslation(ExecCall& c) {
    int rule = c.args.number(0);
    route::RuleResult res = route::testTranslationRule(c.rt.running(), rule, c.args[1]);
    if (!res.ruleExists) return c.reply.fail("% voice translation-rule " + std::to_string(rule) + " is not configured");
    if (!res.matched) {
        c.reply.add("Didn't match with any of rules");
        c.reply.add("Original number: " + c.args[1] + "        Translated number: " + res.number);
        return;
    }
    c.reply.add("Matched with rule " + std::to_string(res.ruleIndex) + " /" + res.match + "/ /" + res.replace + "/");
    c.reply.add("Original number: " + c.args[1] + "        Translated number: " + res.number);
}

} // namespace gw
