// Exec commands on the spans: show isdn status, show isdn service, show controllers e1|t1 [N],
// show voice port summary, busyout controller.
#include "conf/values.hpp"
#include "gateway/cli/cli_exec.hpp"

#include <cstdio>
#include <functional>

namespace gw {
namespace {

std::string typeName(conf::ControllerType t) { return t == conf::ControllerType::E1 ? "E1" : "T1"; }

std::string name(const SpanStatus& s) { return typeName(s.type) + " " + std::to_string(s.number); }

int countUse(const SpanStatus& s, ChannelStatus::Use use) {
    int n = 0;
    for (const auto& ch : s.channels)
        if (ch.use == use) ++n;
    return n;
}

std::string lineState(const SpanStatus& s) {
    if (s.shutdown) return "administratively down";
    if (!s.running) return "down (not started; takes effect after restart)";
    return s.alarm ? "down" : "up";
}

void controllerDetail(const SpanStatus& s, const conf::Controller* cfg, CliReply& r) {
    bool e1 = s.type == conf::ControllerType::E1;
    r.add(name(s) + " is " + lineState(s) + "." + (s.busyout ? " (busyout: new calls refused)" : ""));
    r.add("  Source: " + (s.source.empty() ? std::string("none") : s.source));
    if (cfg) {
        std::string framing = cfg->framing.empty() ? (e1 ? "crc4" : "esf") : cfg->framing;
        std::string linecode = cfg->linecode.empty() ? (e1 ? "hdb3" : "b8zs") : cfg->linecode;
        std::string clock = cfg->clockSource.empty() ? "line" : cfg->clockSource;
        r.add("  Framing is " + framing + ", Line Code is " + linecode + ", Clock Source is " + clock + ".");
        r.add("  PRI group timeslots " + (cfg->timeslots.empty() ? std::string("none") : cfg->timeslots) +
              ", switch-type " + s.switchType + ", " + (s.network ? "network" : "user") + " side.");
    }
    if (s.running) {
        r.add(s.alarm ? "  Receiver has loss of signal (no far end attached)." : "  No alarms detected.");
        r.add("  D-channel is " + std::string(s.dchannelUp ? "up" : "down") + ".");
        r.add("  B-channels: " + std::to_string(s.channels.size()) + " (" +
              std::to_string(countUse(s, ChannelStatus::Use::Idle)) + " idle, " +
              std::to_string(countUse(s, ChannelStatus::Use::InUse)) + " in use, " +
              std::to_string(countUse(s, ChannelStatus::Use::Reserved)) + " reserved), " +
              std::to_string(s.activeCalls) + " active call(s).");
    }
    r.add("");
}

} // namespace

// IOS's layout: a row of channel numbers over a row of states, 16 a row.
void stateRows(const SpanStatus& s, const std::function<int(const ChannelStatus&)>& state, CliReply& r) {
    for (std::size_t i = 0; i < s.channels.size(); i += 16) {
        std::string chans = "    Channel :", states = "    State   :";
        for (std::size_t k = i; k < s.channels.size() && k < i + 16; ++k) {
            char cell[8];
            std::snprintf(cell, sizeof cell, "%3d", s.channels[k].channel);
            chans += cell;
            std::snprintf(cell, sizeof cell, "%3d", state(s.channels[k]));
            states += cell;
        }
        r.add(chans);
        r.add(states);
    }
}

void execShowIsdnService(ExecCall& c) {
    c.reply.add("PRI Channel Statistics:");
    for (const auto& s : c.rt.spans()) {
        c.reply.add("ISDN controller " + name(s) + (s.running ? "" : " (not started)"));
        c.reply.add("  Configured Isdn Interface (dsl) " + std::to_string(s.number));
        if (!s.running) continue;
        c.reply.add("   Channel State as Q.931 sees it (0=Idle, 2=Busy, 4=Restart)");
        stateRows(s, [](const ChannelStatus& ch) {
            return ch.q931 == ChannelStatus::Q931::Busy ? 2 : ch.q931 == ChannelStatus::Q931::Restarting ? 4 : 0;
        }, c.reply);
        c.reply.add("   Channel State as the gateway sees it (0=Idle, 2=Busy, 3=Reserved)");
        stateRows(s, [](const ChannelStatus& ch) {
            return ch.use == ChannelStatus::Use::InUse ? 2 : ch.use == ChannelStatus::Use::Reserved ? 3 : 0;
        }, c.reply);
        c.reply.add("   Service State (0=Inservice 1=Maint 2=Outofservice)");
        stateRows(s, [](const ChannelStatus& ch) { return ch.service; }, c.reply);
        std::string outOfStep;
        for (const auto& ch : s.channels) {
            const bool q931 = ch.q931 == ChannelStatus::Q931::Busy;
            const bool ours = ch.use != ChannelStatus::Use::Idle;
            if (q931 != ours && ch.q931 != ChannelStatus::Q931::Restarting)
                outOfStep += (outOfStep.empty() ? " B" : ", B") + std::to_string(ch.channel);
        }
        c.reply.add("   Out of step:" + (outOfStep.empty() ? std::string(" none") : outOfStep +
                    " (restarted if still out of step at the next self-check)"));
    }
}

void execShowIsdnStatus(ExecCall& c) {
    const conf::Config& cfg = c.rt.running();
    c.reply.add("Global ISDN Switchtype = " +
                (cfg.switchType ? std::string(conf::switchTypeName(*cfg.switchType)) : std::string("(none)")));
    int total = 0;
    for (const auto& s : c.rt.spans()) {
        c.reply.add("ISDN controller " + name(s) + " interface");
        c.reply.add("        dsl " + std::to_string(s.number) + ", interface ISDN Switchtype = " + s.switchType +
                    (s.network ? ", network side" : ", user side") + (s.busyout ? ", busyout" : "") +
                    (s.shutdown ? ", shutdown" : ""));
        c.reply.add("    Layer 1 Status:");
        c.reply.add(std::string("        ") + (s.running && !s.alarm ? "ACTIVE" : "DEACTIVATED"));
        c.reply.add("    Layer 2 Status:");
        c.reply.add(std::string("        TEI = 0, Ces = 1, SAPI = 0, State = ") +
                    (s.dchannelUp ? "MULTIPLE_FRAME_ESTABLISHED" : "TEI_ASSIGNED"));
        c.reply.add("    Layer 3 Status:");
        c.reply.add("        " + std::to_string(s.activeCalls) + " Active Layer 3 Call(s)");
        total += s.activeCalls;
    }
    c.reply.add("Total Active ISDN Calls = " + std::to_string(total));
}

void execShowControllers(ExecCall& c) {
    std::optional<conf::ControllerType> type;
    if (c.args.size() > 0) type = c.args[0] == "t1" ? conf::ControllerType::T1 : conf::ControllerType::E1;
    std::optional<int> number;
    if (c.args.size() > 1) number = c.args.number(1);
    const auto& ctls = c.rt.running().controllers;
    int shown = 0;
    for (const auto& s : c.rt.spans()) {
        if ((type && s.type != *type) || (number && s.number != *number)) continue;
        auto it = ctls.find(s.number);
        controllerDetail(s, it == ctls.end() ? nullptr : &it->second, c.reply);
        ++shown;
    }
    if (shown == 0 && number)
        c.reply.fail("% No controller " + c.args[0] + " " + std::to_string(*number));
}

void execShowVoicePorts(ExecCall& c) {
    c.reply.add("PORT      CH  SIG-TYPE    ADMIN OPER STATUS");
    c.reply.add("========= === =========== ===== ==== ========");
    for (const auto& s : c.rt.spans()) {
        bool adminUp = !s.shutdown && !s.busyout;
        for (const auto& ch : s.channels) {
            const char* status = ch.use == ChannelStatus::Use::InUse ? "in use"
                                 : ch.use == ChannelStatus::Use::Reserved ? "seized" : "idle";
            char line[96];
            std::snprintf(line, sizeof line, "%-9s %-3d %-11s %-5s %-4s %s",
                          (std::to_string(s.number) + ":D").c_str(), ch.channel, "isdn-voice", adminUp ? "up" : "down",
                          s.dchannelUp ? (ch.use == ChannelStatus::Use::Idle ? "dorm" : "up") : "down", status);
            c.reply.add(line);
        }
    }
}

void execBusyout(ExecCall& c) {
    int n = c.args.number(1);
    const auto& ctls = c.rt.running().controllers;
    auto it = ctls.find(n);
    std::string want = c.args[0];
    if (it != ctls.end() && conf::controllerTypeName(it->second.type) != want)
        return c.reply.fail("% controller " + std::to_string(n) + " is " +
                            std::string(conf::controllerTypeName(it->second.type)));
    if (!c.rt.setBusyout(n, !c.negated)) return c.reply.fail("% No controller " + want + " " + std::to_string(n));
    c.reply.add("controller " + want + " " + std::to_string(n) + ": " +
                (c.negated ? "busyout removed, accepting new calls" : "busyout: new calls refused, active calls continue"));
}

} // namespace gw
