// Exec commands on calls: show call active voice [brief], show sip-ua
// status|calls, clear call voice causecode N id ID.
#include "isdn/q850.hpp"
#include "gateway/cli/cli_exec.hpp"

#include <cstdio>

namespace gw {
namespace {

std::string hms(double seconds) {
    long s = seconds < 0 ? 0 : static_cast<long>(seconds);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    return buf;
}

std::string col(std::string s, std::size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s + " ";
}

std::string channelOf(const CallSummary& s) {
    if (s.span < 0) return "-";
    return std::to_string(s.span) + ":" + (s.channel ? std::to_string(s.channel) : std::string("-"));
}

std::string rtpOf(const CallSummary& s) {
    std::string local = s.localRtpPort ? std::to_string(s.localRtpPort) : "-";
    std::string remote = s.remote.port ? s.remote.addr + ":" + std::to_string(s.remote.port) : "-";
    return local + " <-> " + remote;
}

std::string codecOf(const CallSummary& s) {
    if (!s.remote.port) return "-";
    return s.remote.codecLaw == kernel::Law::Alaw ? "g711alaw" : "g711ulaw";
}

} // namespace

void execShowCallsBrief(ExecCall& c) {
    auto calls = c.rt.calls();
    c.reply.add("Total calls: " + std::to_string(calls.size()));
    c.reply.add(col("ID", 6) + col("ORIGIN", 6) + col("CALLED", 16) + col("CALLING", 16) + col("PEER", 6) +
                col("SPAN:CH", 7) + col("STATE", 10) + col("ISDN-STATE", 22) + col("SIP-STATE", 12) + "DURATION");
    for (const auto& s : calls)
        c.reply.add(col(std::to_string(s.id), 6) + col(s.origin, 6) + col(s.called, 16) + col(s.calling, 16) +
                    col(s.peerTag ? std::to_string(s.peerTag) : "-", 6) + col(channelOf(s), 7) +
                    col(s.callState, 10) + col(s.isdnState, 22) + col(s.sipState, 12) + hms(s.seconds));
}

void execShowCalls(ExecCall& c) {
    auto calls = c.rt.calls();
    c.reply.add("Total calls: " + std::to_string(calls.size()));
    for (const auto& s : calls) {
        c.reply.add("");
        c.reply.add("Call id " + std::to_string(s.id) + ", from " + (s.origin == "isdn" ? "ISDN (PBX)" : "SIP"));
        c.reply.add("  Called " + s.called + ", calling " + (s.calling.empty() ? "(none)" : s.calling) + " (" +
                    isdn::typeOfNumberName(s.callingTon) + ", presentation " + isdn::toString(s.callingPresentation) +
                    (s.callingName.empty() ? "" : ", name \"" + s.callingName + "\"") + ")");
        c.reply.add("  State " + s.callState);
        c.reply.add("  Dial-peer " + (s.peerTag ? std::to_string(s.peerTag) : std::string("none")) +
                    ", target " + (s.target.empty() ? "-" : s.target));
        char cr[16];
        std::snprintf(cr, sizeof cr, "0x%04x", s.callRef);
        c.reply.add("  ISDN: span:channel " + channelOf(s) + ", call reference " + (s.callRef ? cr : "-") +
                    ", state " + s.isdnState);
        c.reply.add("  SIP: dialog " + (s.sipDialog ? std::to_string(s.sipDialog) : std::string("-")) + ", state " +
                    s.sipState);
        c.reply.add("  Media: RTP " + rtpOf(s) + ", codec " + codecOf(s));
        c.reply.add("  Duration " + hms(s.seconds) + (s.connectedSeconds >= 0 ? ", connected " + hms(s.connectedSeconds)
                                                                              : ", not connected"));
    }
}

void execShowSipUaStatus(ExecCall& c) {
    SipStatus st = c.rt.sip();
    int dialogs = 0;
    for (const auto& s : c.rt.calls())
        if (s.sipDialog) ++dialogs;
    c.reply.add("SIP User Agent Status");
    c.reply.add("SIP User Agent for UDP : " + std::string(st.udp ? "ENABLED" : "DISABLED"));
    c.reply.add("SIP User Agent for TCP : " + std::string(st.tcp ? "ENABLED" : "DISABLED"));
    c.reply.add("SIP User Agent bind status(signaling): " + st.bindAddr + " " + std::to_string(st.port));
    c.reply.add("SIP User Agent bind status(media): " + st.bindAddr);
    c.reply.add("SIP proxy (sip-server): " + (st.sipServer.empty() ? std::string("none") : st.sipServer));
    c.reply.add("Active SIP dialogs: " + std::to_string(dialogs));
}

// IOS's table: one line per number, then the last answer of the registrar.
void execShowSipUaRegister(ExecCall& c) {
    SipStatus st = c.rt.sip();
    if (st.registrar.empty()) {
        c.reply.add("No registrar configured (sip-ua registrar)");
        return;
    }
    c.reply.add("Registrar " + st.registrar);
    c.reply.add("Line                             peer       expires(sec) registered  last answer");
    auto pad = [](std::string s, std::size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); };
    for (const auto& r : st.registrations) {
        std::string peer = "-";
        for (const auto& [tag, p] : c.rt.running().dialPeers)
            if (p.kind == conf::PeerKind::Pots && p.destinationPattern == r.number) peer = std::to_string(tag);
        std::string last = r.lastStatus ? std::to_string(r.lastStatus) + " " + r.lastPhrase : "none yet";
        c.reply.add(pad(r.number, 33) + pad(peer, 11) + pad(std::to_string(r.expiresS), 13) +
                    pad(r.registered ? "yes" : "no", 12) + last);
    }
}

void execShowSipUaCalls(ExecCall& c) {
    auto calls = c.rt.calls();
    int uac = 0, uas = 0;
    for (const auto& s : calls) {
        if (!s.sipDialog) continue;
        (s.origin == "isdn" ? uac : uas)++;
    }
    c.reply.add("Total SIP call legs:" + std::to_string(uac + uas) + ", User Agent Client:" + std::to_string(uac) +
                ", User Agent Server:" + std::to_string(uas));
    for (const auto& s : calls) {
        if (!s.sipDialog) continue;
        c.reply.add("");
        c.reply.add(std::string(s.origin == "isdn" ? "SIP UAC" : "SIP UAS") + " CALL INFO");
        c.reply.add("Call " + std::to_string(s.id) + ", dialog " + std::to_string(s.sipDialog));
        c.reply.add("   State of the call       : " + s.sipState);
        c.reply.add("   Calling Number          : " + s.calling);
        c.reply.add("   Called Number           : " + s.called);
        if (s.origin == "isdn") c.reply.add("   Remote target           : " + s.target);
        c.reply.add("   Media: RTP " + rtpOf(s) + ", codec " + codecOf(s));
        c.reply.add("   Duration                : " + hms(s.seconds));
    }
}

void execClearCall(ExecCall& c) {
    // The command tree bounds the cause to 1-127.
    q850::Cause cause = q850::fromValueOr(c.args.number(0), q850::Cause::NormalClearing);
    auto id = static_cast<CallId>(c.args.number(1));
    if (!c.rt.clearCall(id, cause)) return c.reply.fail("% No active call with id " + std::to_string(id));
    const std::string_view text = q850::text(cause);
    GW_INFO("call=%llu cleared by the operator with cause %d (%.*s)", static_cast<unsigned long long>(id),
            q850::value(cause), static_cast<int>(text.size()), text.data());
}

} // namespace gw
