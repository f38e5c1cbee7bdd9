// Command rows of the global mode, the controller sub-mode and the sip-ua
// sub-mode, plus exit/end which exist in every mode.
#include "conf/commands.hpp"

#include "conf/values.hpp"

namespace gw::conf {
namespace {

using R = std::optional<Fault>;

Controller& ctrl(Context& c) { return c.config->controllers[c.controller]; }

std::string validateHostname(std::string_view t) {
    if (t.size() > 63) return "hostname longer than 63 characters";
    if (!isHostName(t) || t.find('.') != std::string_view::npos) return "hostname must be letters, digits and '-'";
    return "";
}
std::string validateTimeslotSyntax(std::string_view t) {
    return checkTimeslots(t, 1000).empty() ? "" : "expected a timeslot list such as 1-31 or 1-15,17-31";
}
std::string validateServer(std::string_view t) {
    SessionTarget st;
    return parseTarget(t, st);
}
std::string validateIpv4(std::string_view t) { return isIpv4(t) ? "" : "expected an IPv4 address A.B.C.D"; }
std::string validatePath(std::string_view t) { return t.empty() ? "empty path" : ""; }

std::vector<Choice> switchChoices() {
    return {{"primary-4ess", "Lucent 4ESS switch type for the U.S."},
            {"primary-5ess", "Lucent 5ESS switch type for the U.S."},
            {"primary-dms100", "Northern Telecom DMS-100 switch type for the U.S."},
            {"primary-net5", "NET5 switch type for UK, Europe, Asia and Australia"},
            {"primary-ni", "National ISDN Switch type for the U.S."},
            {"primary-qsig", "QSIG switch type"}};
}

R setSwitchType(Context& c, const Args& a) {
    auto t = parseSwitchType(a[0]);
    if (c.mode == Mode::Controller) ctrl(c).switchType = t;
    else c.config->switchType = t;
    return ok();
}
R clearSwitchType(Context& c, const Args&) {
    if (c.mode == Mode::Controller) ctrl(c).switchType.reset();
    else c.config->switchType.reset();
    return ok();
}

R enterController(Context& c, const Args& a) {
    ControllerType type = a[0] == "t1" ? ControllerType::T1 : ControllerType::E1;
    int n = a.number(1);
    auto it = c.config->controllers.find(n);
    if (it != c.config->controllers.end() && it->second.type != type)
        return fault(0, "controller " + std::to_string(n) + " is " + std::string(controllerTypeName(it->second.type)));
    Controller& k = c.config->controllers[n];
    k.type = type;
    k.number = n;
    c.mode = Mode::Controller;
    c.controller = n;
    return ok();
}

R setFraming(Context& c, const Args& a) {
    bool t1 = ctrl(c).type == ControllerType::T1;
    if (t1 != (a[0] == "esf" || a[0] == "sf")) return fault(0, "framing " + a[0] + " is not valid on this controller");
    ctrl(c).framing = a[0];
    return ok();
}
R setLinecode(Context& c, const Args& a) {
    bool t1 = ctrl(c).type == ControllerType::T1;
    if ((t1 && a[0] == "hdb3") || (!t1 && a[0] == "b8zs")) return fault(0, "linecode " + a[0] + " is not valid on this controller");
    ctrl(c).linecode = a[0];
    return ok();
}
R setTimeslots(Context& c, const Args& a) {
    if (auto err = checkTimeslots(a[0], maxTimeslot(ctrl(c).type)); !err.empty()) return fault(0, err);
    ctrl(c).timeslots = a[0];
    return ok();
}

R setCredentials(Context& c, const Args& a) {
    auto& list = c.config->sipUa.credentials;
    for (auto& cr : list)
        if (cr.username == a[0] && cr.realm == a[2]) { cr.password = a[1]; return ok(); }
    list.push_back({a[0], a[1], a[2]});
    return ok();
}
R clearCredentials(Context& c, const Args& a) {
    auto& list = c.config->sipUa.credentials;
    if (a.size() == 0) { list.clear(); return ok(); }
    std::erase_if(list, [&](const auto& cr) { return cr.username == a[0] && (a.size() < 3 || cr.realm == a[2]); });
    return ok();
}

R setRegistrar(Context& c, const std::string& target, int expiresS) {
    SipUa::Registrar r;
    parseTarget(target, r.target);
    r.expiresS = expiresS;
    c.config->sipUa.registrar = r;
    return ok();
}

R exitMode(Context& c, const Args&) {
    if (c.mode == Mode::Global) c.leftConfig = true;
    c.mode = parentMode(c.mode);
    return ok();
}
R endMode(Context& c, const Args&) {
    c.mode = Mode::Global;
    c.leftConfig = true;
    return ok();
}

constexpr unsigned kG = kModeBit(Mode::Global);
constexpr unsigned kC = kModeBit(Mode::Controller);
constexpr unsigned kS = kModeBit(Mode::SipUa);
constexpr unsigned kAll = kG | kSubModes;
constexpr int kNever = 99;   // no `no` form

std::vector<CommandSpec> controllerCommands() {
    return {
        {kC, {kw("framing", "Specify the type of Framing on a controller"),
              choice({{"crc4", "E1 CRC4 framing"}, {"esf", "T1 Extended Super Frame framing"},
                      {"no-crc4", "E1 framing without CRC4"}, {"sf", "T1 Super Frame framing"}})},
         setFraming, +[](Context& c, const Args&) -> R { ctrl(c).framing.clear(); return ok(); }, -1},
        {kC, {kw("linecode", "Specify the line encoding method"),
              choice({{"ami", "AMI encoding"}, {"b8zs", "B8ZS encoding (T1)"}, {"hdb3", "HDB3 encoding (E1)"}})},
         setLinecode, +[](Context& c, const Args&) -> R { ctrl(c).linecode.clear(); return ok(); }, -1},
        {kC, {kw("clock", "Specify the clock source"), kw("source", "Specify the clock source"),
              choice({{"internal", "Internal clock"}, {"line", "Recover clock from the line"}})},
         +[](Context& c, const Args& a) -> R { ctrl(c).clockSource = a[0] == "line" ? "" : a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).clockSource.clear(); return ok(); }, 1},
        {kC, {kw("pri-group", "Configure the specified timeslots for PRI"),
              kw("timeslots", "List of timeslots in the pri-group"),
              word("RANGE", "List of timeslots, e.g. 1-31 or 1-15,17-31", validateTimeslotSyntax)},
         setTimeslots, +[](Context& c, const Args&) -> R { ctrl(c).timeslots.clear(); return ok(); }, 1},
        {kC, {kw("source", "Where the span's TDM signal comes from"), kw("virtual", "Virtual span (unix socket)"),
              word("PATH", "Socket path of the virtual span", validatePath)},
         +[](Context& c, const Args& a) -> R { ctrl(c).source = SourceKind::Virtual; ctrl(c).sourcePath = a[0]; ctrl(c).dahdiSpan = 0; return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).source = SourceKind::None; ctrl(c).sourcePath.clear(); ctrl(c).dahdiSpan = 0; return ok(); }, 1},
        {kC, {kw("source", "Where the span's TDM signal comes from"), kw("dahdi", "DAHDI span (T1/E1 card)"),
              number(1, 255, "DAHDI span number")},
         +[](Context& c, const Args& a) -> R { ctrl(c).source = SourceKind::Dahdi; ctrl(c).dahdiSpan = a.number(0); ctrl(c).sourcePath.clear(); return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).source = SourceKind::None; ctrl(c).sourcePath.clear(); ctrl(c).dahdiSpan = 0; return ok(); }, 1},
        {kC, {kw("isdn", "ISDN commands"), kw("protocol-emulate", "Protocol side of this interface"),
              choice({{"network", "ISDN network side"}, {"user", "ISDN user side"}})},
         +[](Context& c, const Args& a) -> R { ctrl(c).side = a[0] == "network" ? IsdnSide::Network : IsdnSide::User; return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).side.reset(); return ok(); }, 2},
        {kC, {kw("isdn", "ISDN commands"),
              kw("skipsend-restart", "Do not restart the B-channels when the D-channel comes up")},
         +[](Context& c, const Args&) -> R { ctrl(c).skipsendRestart = true; return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).skipsendRestart = false; return ok(); }, 2},
        {kC, {kw("isdn", "ISDN commands"),
              kw("t309", "How long active calls survive a loss of layer 2 (Q.931 T309)"),
              number(1000, 600000, "Milliseconds (default 90000)")},
         +[](Context& c, const Args& a) -> R { ctrl(c).t309Ms = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).t309Ms.reset(); return ok(); }, 2},
        {kC, {kw("isdn", "ISDN commands"),
              kw("sending-complete", "Send Sending Complete in every SETUP (no overlap sending for T dial-peers)")},
         +[](Context& c, const Args&) -> R { ctrl(c).sendingComplete = true; return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).sendingComplete = false; return ok(); }, 2},
        {kC, {kw("isdn", "ISDN commands"),
              kw("overlap-receiving", "Collect the called number of a SETUP without Sending Complete (Q.931 5.2.4)")},
         +[](Context& c, const Args&) -> R { ctrl(c).overlapReceiving = true; ctrl(c).t302Ms.reset(); return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).overlapReceiving = false; ctrl(c).t302Ms.reset(); return ok(); }, 2},
        {kC, {kw("isdn", "ISDN commands"),
              kw("overlap-receiving", "Collect the called number of a SETUP without Sending Complete (Q.931 5.2.4)"),
              kw("T302", "Interdigit timeout (Q.931 T302)"), number(1000, 60000, "Milliseconds (default 10000)")},
         +[](Context& c, const Args& a) -> R { ctrl(c).overlapReceiving = true; ctrl(c).t302Ms = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).overlapReceiving = false; ctrl(c).t302Ms.reset(); return ok(); }, 2},
        {kC, {kw("isdn", "ISDN commands"), kw("service", "Take a B-channel in or out of service (SERVICE message)"),
              kw("dsl", "The ISDN interface: this controller's number"), number(0, 255, "Controller number"),
              kw("b_channel", "B-channel"), number(1, 31, "B-channel number"),
              kw("state", "Service state"), number(0, 2, "0 in service, 1 maintenance, 2 out of service")},
         +[](Context& c, const Args& a) -> R {
             if (a.number(0) != ctrl(c).number)
                 return fault(0, "dsl " + std::to_string(a.number(0)) + " is not this controller (" +
                                     std::to_string(ctrl(c).number) + ")");
             if (a.number(2) == 0) ctrl(c).serviceStates.erase(a.number(1));
             else ctrl(c).serviceStates[a.number(1)] = a.number(2);
             return ok();
         },
         +[](Context& c, const Args& a) -> R { ctrl(c).serviceStates.erase(a.number(1)); return ok(); }, 6},
        {kC, {kw("shutdown", "Shut down the controller")},
         +[](Context& c, const Args&) -> R { ctrl(c).shutdown = true; return ok(); },
         +[](Context& c, const Args&) -> R { ctrl(c).shutdown = false; return ok(); }, -1},
    };
}

std::vector<CommandSpec> sipUaCommands() {
    return {
        {kS, {kw("sip-server", "Configure a SIP Server Interface"),
              word("WORD", "ipv4:A.B.C.D[:PORT] or dns:NAME[:PORT]", validateServer)},
         +[](Context& c, const Args& a) -> R { SessionTarget t; parseTarget(a[0], t); c.config->sipUa.sipServer = t; return ok(); },
         +[](Context& c, const Args&) -> R { c.config->sipUa.sipServer.reset(); return ok(); }, -1},
        {kS, {kw("registrar", "Register the gateway's numbers with a registrar"),
              word("WORD", "ipv4:A.B.C.D[:PORT] or dns:NAME[:PORT]", validateServer)},
         +[](Context& c, const Args& a) -> R { return setRegistrar(c, a[0], SipUa::Registrar{}.expiresS); },
         +[](Context& c, const Args&) -> R { c.config->sipUa.registrar.reset(); return ok(); }, -1},
        {kS, {kw("registrar", "Register the gateway's numbers with a registrar"),
              word("WORD", "ipv4:A.B.C.D[:PORT] or dns:NAME[:PORT]", validateServer),
              kw("expires", "Registration lifetime requested"), number(60, 65535, "Seconds (default 3600)")},
         +[](Context& c, const Args& a) -> R { return setRegistrar(c, a[0], a.number(1)); },
         +[](Context& c, const Args&) -> R { c.config->sipUa.registrar.reset(); return ok(); }, -1},
        {kS, {kw("retry", "Change default retries for each SIP Method"), kw("invite", "INVITE retry value"),
              number(1, 10, "Number of retries")},
         +[](Context& c, const Args& a) -> R { c.config->sipUa.retryInvite = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { c.config->sipUa.retryInvite.reset(); return ok(); }, 2},
        {kS, {kw("timers", "SIP Signaling Timers Configuration"), kw("trying", "Time to wait for a 100 response"),
              number(100, 1000, "Time in milliseconds")},
         +[](Context& c, const Args& a) -> R { c.config->sipUa.timersTryingMs = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { c.config->sipUa.timersTryingMs.reset(); return ok(); }, 2},
        {kS, {kw("timers", "SIP Signaling Timers Configuration"),
              kw("expires", "How long an outgoing INVITE may ring unanswered (its Expires header)"),
              number(1000, 300000, "Time in milliseconds (default 180000)")},
         +[](Context& c, const Args& a) -> R { c.config->sipUa.timersExpiresMs = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { c.config->sipUa.timersExpiresMs.reset(); return ok(); }, 2},
        {kS, {kw("set", "Change the RFC 3398 cause and status mapping"),
              kw("pstn-cause", "A Q.850 cause from the PBX, sent to SIP as"), number(1, 127, "Q.850 cause value"),
              kw("sip-status", "The SIP status to send instead"), number(400, 699, "SIP final status")},
         +[](Context& c, const Args& a) -> R { c.config->sipUa.pstnCauseToSip[a.number(0)] = a.number(1); return ok(); },
         +[](Context& c, const Args& a) -> R { c.config->sipUa.pstnCauseToSip.erase(a.number(0)); return ok(); }, 3},
        {kS, {kw("set", "Change the RFC 3398 cause and status mapping"),
              kw("sip-status", "A SIP failure status, sent to the PBX as"), number(400, 699, "SIP final status"),
              kw("pstn-cause", "The Q.850 cause to send instead"), number(1, 127, "Q.850 cause value")},
         +[](Context& c, const Args& a) -> R { c.config->sipUa.sipStatusToPstn[a.number(0)] = a.number(1); return ok(); },
         +[](Context& c, const Args& a) -> R { c.config->sipUa.sipStatusToPstn.erase(a.number(0)); return ok(); }, 3},
        {kS, {kw("credentials", "Configure the credentials of the user agent"),
              kw("username", "Username for authentication"), word("WORD", "Username"),
              kw("password", "Password for authentication"), word("WORD", "Password"),
              kw("realm", "Realm of the credentials"), word("WORD", "Realm")},
         setCredentials, clearCredentials, 1},
        {kS, {kw("user-agent", "The User-Agent header the gateway sends"),
              rest("Product text, e.g. PRI-GW/1.0 (`no user-agent` sends none)")},
         +[](Context& c, const Args& a) -> R {
             if (a[0].find_first_of("\r\n") != std::string::npos) return fault(0, "one line of text");
             c.config->sipUa.userAgent = a[0];
             return ok();
         },
         +[](Context& c, const Args&) -> R { c.config->sipUa.userAgent = std::string(); return ok(); }, 1},
        {kS, {kw("bind", "Bind address and port of the SIP listener"),
              word("A.B.C.D", "Local IPv4 address", validateIpv4), number(1, 65535, "Local UDP/TCP port")},
         +[](Context& c, const Args& a) -> R { c.config->sipUa.bindAddr = a[0]; c.config->sipUa.bindPort = a.number(1); return ok(); },
         +[](Context& c, const Args&) -> R { c.config->sipUa.bindAddr = SipUa{}.bindAddr; c.config->sipUa.bindPort = SipUa{}.bindPort; return ok(); }, 1},
    };
}

} // namespace

std::vector<CommandSpec> globalCommands() {
    std::vector<CommandSpec> rows = {
        {kG, {kw("hostname", "Set system's network name"), word("WORD", "This system's network name", validateHostname)},
         +[](Context& c, const Args& a) -> R { c.config->hostname = a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { c.config->hostname = Config{}.hostname; return ok(); }, -1},
        {kG | kC, {kw("isdn", "ISDN commands"), kw("switch-type", "Select the Interface switch type"), choice(switchChoices())},
         setSwitchType, clearSwitchType, 2},
        {kG, {kw("controller", "Configure a specific controller"),
              choice({{"e1", "E1 controller"}, {"t1", "T1 controller"}}), number(0, 63, "Controller unit number")},
         enterController,
         +[](Context& c, const Args& a) -> R {
             c.config->controllers.erase(a.number(1));
             c.config->voicePorts.erase(a.number(1));   // its voice-port goes with it
             return ok();
         }, 3},
        {kG, {kw("sip-ua", "SIP User Agent (UA)")},
         +[](Context& c, const Args&) -> R { c.mode = Mode::SipUa; return ok(); },
         +[](Context& c, const Args&) -> R { c.config->sipUa = SipUa{}; return ok(); }, -1},
        {kAll, {kw("exit", "Exit from the current mode")}, exitMode, nullptr, kNever},
        {kAll, {kw("end", "Exit from configure mode")}, endMode, nullptr, kNever},
    };
    for (auto& r : controllerCommands()) rows.push_back(std::move(r));
    for (auto& r : sipUaCommands()) rows.push_back(std::move(r));
    return rows;
}

} // namespace gw::conf
