// pbxsim argument parsing: options may come before or after the verb; verb
// options are refused for the other verb; numbers are checked for range.
#include "isdn/pbxsim/pbxsim_options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

namespace gw::isdn {

namespace {

enum class Scope { Global, Both, Call, Answer };

struct OptionSpec {
    Scope scope;
    bool takesValue;
};

const std::map<std::string, OptionSpec>& optionTable() {
    static const std::map<std::string, OptionSpec> table = {
        {"--span", {Scope::Global, true}},     {"--side", {Scope::Global, true}},
        {"--switchtype", {Scope::Global, true}}, {"--type", {Scope::Global, true}},
        {"--listen", {Scope::Global, false}},  {"--timeout", {Scope::Global, true}},
        {"--reattach", {Scope::Global, false}},
        {"-v", {Scope::Global, false}},        {"--verbose", {Scope::Global, false}},
        {"--count", {Scope::Both, true}},      {"--talk", {Scope::Both, true}},
        {"--tone", {Scope::Both, true}},       {"--level", {Scope::Both, true}},
        {"--to", {Scope::Call, true}},         {"--from", {Scope::Call, true}},
        {"--expect", {Scope::Call, true}},     {"--hangup-after-answer", {Scope::Call, true}},
        {"--from-name", {Scope::Call, true}},  {"--redirecting", {Scope::Call, true}},  {"--from-type", {Scope::Call, true}},
        {"--restricted", {Scope::Call, false}},
        {"--overlap", {Scope::Call, true}},    {"--hangup-while-ringing", {Scope::Call, true}},
        {"--channel", {Scope::Answer, true}},
        {"--ring", {Scope::Answer, true}},     {"--reject", {Scope::Answer, true}},
        {"--echo", {Scope::Answer, false}},   {"--restart", {Scope::Answer, true}},
        {"--restart-after", {Scope::Answer, true}}, {"--drop-dchannel", {Scope::Answer, true}},
        {"--progress", {Scope::Answer, false}},  {"--collect", {Scope::Answer, true}},
    };
    return table;
}

bool parseNumber(const std::string& name, const std::string& text, double lo, double hi, double& out,
                 std::string& error) {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v) || v < lo || v > hi) {
        error = name + " needs a number from " + std::to_string(static_cast<long long>(lo)) + " to " +
                std::to_string(static_cast<long long>(hi)) + ", not '" + text + "'";
        return false;
    }
    out = v;
    return true;
}

bool parseInt(const std::string& name, const std::string& text, int lo, int hi, int& out, std::string& error) {
    double v = 0;
    if (!parseNumber(name, text, lo, hi, v, error)) return false;
    if (v != std::floor(v)) {
        error = name + " needs a whole number, not '" + text + "'";
        return false;
    }
    out = static_cast<int>(v);
    return true;
}

bool parseSwitch(const std::string& name, PbxsimOptions& o, std::string& error) {
    using S = conf::SwitchType;
    static const std::map<std::string, S> names = {
        {"national", S::PrimaryNi},    {"ni2", S::PrimaryNi},          {"5ess", S::Primary5ess},
        {"dms100", S::PrimaryDms100},  {"4ess", S::Primary4ess},       {"euroisdn", S::PrimaryNet5},
        {"net5", S::PrimaryNet5},      {"qsig", S::PrimaryQsig}};
    const auto it = names.find(name);
    if (it == names.end()) {
        error = "unknown --switchtype '" + name + "' (national, ni2, 5ess, dms100, 4ess, euroisdn, net5, qsig)";
        return false;
    }
    o.switchType = it->second;
    o.switchName = name;
    return true;
}

bool parseExpect(const std::string& text, PbxsimExpect& out, std::string& error) {
    if (text == "answer") {
        out.kind = PbxsimExpect::Kind::Answer;
    } else if (text == "busy") {
        out.kind = PbxsimExpect::Kind::Busy;
    } else if (text.rfind("cause=", 0) == 0) {
        out.kind = PbxsimExpect::Kind::Cause;
        return parseInt("--expect cause=", text.substr(6), 1, 127, out.cause, error);
    } else {
        error = "--expect takes answer, busy or cause=N, not '" + text + "'";
        return false;
    }
    return true;
}

bool validNumber(const std::string& number) {
    if (number.empty() || number.size() > 31) return false;
    for (char c : number) {
        if (!(c >= '0' && c <= '9') && c != '*' && c != '#') return false;
    }
    return true;
}

bool applyGlobal(const std::string& name, const std::string& value, PbxsimOptions& o, std::string& error) {
    if (name == "--span") {
        o.span = value;
    } else if (name == "--side") {
        if (value != "net" && value != "cpe") {
            error = "--side takes net or cpe, not '" + value + "'";
            return false;
        }
        o.side = value == "net" ? conf::IsdnSide::Network : conf::IsdnSide::User;
    } else if (name == "--switchtype") {
        return parseSwitch(value, o, error);
    } else if (name == "--type") {
        if (value != "e1" && value != "t1") {
            error = "--type takes e1 or t1, not '" + value + "'";
            return false;
        }
        o.type = value == "e1" ? kernel::SpanType::E1 : kernel::SpanType::T1;
    } else if (name == "--timeout") {
        double t = 0;
        if (!parseNumber(name, value, 0.1, 86400, t, error)) return false;
        o.timeout = t;
    } else if (name == "--listen") {
        o.listen = true;
    } else if (name == "--reattach") {
        o.reattach = true;
    } else {
        o.verbose = true;
    }
    return true;
}

bool applyVerbOption(const std::string& name, const std::string& value, PbxsimOptions& o, std::string& error) {
    double d = 0;
    if (name == "--count") return parseInt(name, value, 0, 1000000, o.count, error);
    if (name == "--talk" || name == "--hangup-after-answer") {
        if (!parseNumber(name, value, 0, 86400, d, error)) return false;
        (name == "--talk" ? o.talk : o.hangupAfterAnswer) = d;
        return true;
    }
    if (name == "--tone") {
        if (!parseNumber(name, value, 50, 3950, d, error)) return false;
        o.toneHz = d;
        return true;
    }
    if (name == "--level") return parseNumber(name, value, -60, 3, o.levelDbm0, error);
    if (name == "--ring") return parseNumber(name, value, 0, 3600, o.ring, error);
    if (name == "--expect") return parseExpect(value, o.expect, error);
    if (name == "--echo") {
        o.echo = true;
        return true;
    }
    if (name == "--from-name") {
        if (value.empty() || value.size() > 50) {
            error = "--from-name takes a name of 1 to 50 characters";
            return false;
        }
        o.fromName = value;
        return true;
    }
    if (name == "--redirecting") {
        // NUMBER or NUMBER:REASON (the Q.952 code, 0..15)
        const auto colon = value.find(':');
        o.redirecting = value.substr(0, colon);
        int reason = 0;
        if (colon != std::string::npos) {
            try {
                reason = std::stoi(value.substr(colon + 1));
            } catch (const std::exception&) {
                reason = -1;
            }
        }
        if (o.redirecting.empty() || o.redirecting.find_first_not_of("0123456789*#+") != std::string::npos ||
            reason < 0 || reason > 15) {
            error = "--redirecting takes NUMBER[:REASON], REASON a Q.952 code 0..15, not '" + value + "'";
            return false;
        }
        o.redirectingReason = reason;
        return true;
    }
    if (name == "--from-type") {
        static const std::map<std::string, int> types = {
            {"unknown", 0}, {"international", 1}, {"national", 2}, {"subscriber", 4}};
        const auto it = types.find(value);
        if (it == types.end()) {
            error = "--from-type takes unknown, international, national or subscriber, not '" + value + "'";
            return false;
        }
        o.fromTon = it->second;
        return true;
    }
    if (name == "--restricted") {
        o.restricted = true;
        return true;
    }
    if (name == "--progress") {
        o.progress = true;
        return true;
    }
    if (name == "--collect") {
        if (!parseNumber(name, value, 0.1, 60, d, error)) return false;
        o.collect = d;
        return true;
    }
    if (name == "--overlap") {
        double gap = 0;
        if (!parseNumber(name, value, 0, 60, gap, error)) return false;
        o.overlap = gap;
        return true;
    }
    if (name == "--hangup-while-ringing") {
        double s = 0;
        if (!parseNumber(name, value, 0, 3600, s, error)) return false;
        o.hangupWhileRinging = s;
        return true;
    }
    if (name == "--channel") {
        int ch = 0;
        if (!parseInt(name, value, 1, 31, ch, error)) return false;
        o.channel = ch;
        return true;
    }
    if (name == "--restart") {
        int channel = 0;
        if (value != "all" && !parseInt(name, value, 1, 31, channel, error)) {
            error = "--restart takes all or a B-channel number from 1 to 31, not '" + value + "'";
            return false;
        }
        o.restart = channel;
        return true;
    }
    if (name == "--restart-after") return parseNumber(name, value, 0, 3600, o.restartAfter, error);
    if (name == "--drop-dchannel") {
        const auto comma = value.find(',');
        double at = 0;
        if (comma == std::string::npos || !parseNumber(name, value.substr(0, comma), 0, 3600, at, error) ||
            !parseNumber(name, value.substr(comma + 1), 0.1, 3600, o.dropFor, error)) {
            error = "--drop-dchannel takes AFTER,FOR in seconds (e.g. 0.5,6), not '" + value + "'";
            return false;
        }
        o.dropAfter = at;
        return true;
    }
    if (name == "--reject") {
        int cause = 0;
        if (!parseInt(name, value, 1, 127, cause, error)) return false;
        o.reject = cause;
        return true;
    }
    if (!validNumber(value)) {
        error = name + " needs a number of digits (0-9, *, #), not '" + value + "'";
        return false;
    }
    (name == "--to" ? o.to : o.from) = value;
    return true;
}

bool checkCombination(PbxsimOptions& o, bool typeSet, bool switchSet, std::string& error) {
    if (o.span.empty()) {
        error = "--span PATH is required";
    } else if (o.mode == PbxsimOptions::Mode::Call && o.to.empty()) {
        error = "call needs --to NUMBER";
    } else if (o.mode == PbxsimOptions::Mode::Call && o.count < 1) {
        error = "call --count needs at least 1";
    } else if (o.echo && o.toneHz) {
        error = "answer takes --echo or --tone, not both";
    } else if (o.reattach && o.listen) {
        error = "--reattach is for the far end; with --listen pbxsim owns the span and waits anyway";
    } else if ((o.restart || o.dropAfter) && o.count < 1) {
        error = "answer --restart and --drop-dchannel need --count N (they follow the N-th answer)";
    }
    if (!error.empty()) return false;
    if (typeSet && !switchSet && o.type == kernel::SpanType::T1) parseSwitch("national", o, error);
    return true;
}

} // namespace

ParseOutcome parsePbxsimArgs(const std::vector<std::string>& args, PbxsimOptions& o, std::string& error) {
    bool haveVerb = false, typeSet = false, switchSet = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "-h" || arg == "--help") return ParseOutcome::Help;
        if (!haveVerb && (arg == "call" || arg == "answer")) {
            haveVerb = true;
            o.mode = arg == "call" ? PbxsimOptions::Mode::Call : PbxsimOptions::Mode::Answer;
            continue;
        }
        const auto it = optionTable().find(arg);
        if (it == optionTable().end()) {
            error = "unknown argument '" + arg + "'";
            return ParseOutcome::Error;
        }
        const OptionSpec spec = it->second;
        if (spec.takesValue && i + 1 >= args.size()) {
            error = arg + " needs a value";
            return ParseOutcome::Error;
        }
        const std::string value = spec.takesValue ? args[++i] : std::string();
        const bool isCall = o.mode == PbxsimOptions::Mode::Call;
        if ((spec.scope == Scope::Call || spec.scope == Scope::Answer) &&
            (!haveVerb || isCall != (spec.scope == Scope::Call))) {
            error = arg + " is an option of '" + (spec.scope == Scope::Call ? "call" : "answer") +
                    "' and goes after that word";
            return ParseOutcome::Error;
        }
        typeSet |= arg == "--type";
        switchSet |= arg == "--switchtype";
        const bool ok = spec.scope == Scope::Global ? applyGlobal(arg, value, o, error)
                                                    : applyVerbOption(arg, value, o, error);
        if (!ok) return ParseOutcome::Error;
    }
    if (!haveVerb) {
        error = "say what to do: call or answer";
        return ParseOutcome::Error;
    }
    return checkCombination(o, typeSet, switchSet, error) ? ParseOutcome::Run : ParseOutcome::Error;
}

const char* pbxsimUsage() {
    return "usage:\n"
           "  pbxsim --span PATH [--side net|cpe] [--switchtype TYPE] [--type e1|t1] [--listen]\n"
           "         [--reattach] [--timeout SECONDS] [-v] call --to NUMBER [--from NUMBER] [--count N]\n"
           "         [--talk SECONDS] [--tone HZ] [--level DBM0] [--expect answer|busy|cause=N]\n"
           "         [--hangup-after-answer SECONDS] [--from-name NAME] [--redirecting NUMBER[:REASON]]\n"
           "         [--from-type unknown|international|national|subscriber] [--restricted]\n"
           "         [--overlap SECONDS] [--hangup-while-ringing SECONDS]\n"
           "  pbxsim --span PATH [global options] answer [--count N] [--ring SECONDS]\n"
           "         [--talk SECONDS] [--reject CAUSE] [--echo | --tone HZ] [--level DBM0]\n"
           "         [--restart all|CHANNEL [--restart-after SECONDS]] [--drop-dchannel AFTER,FOR]\n"
           "         [--progress] [--channel N] [--collect SECONDS]\n"
           "\n"
           "  --span PATH       virtual span socket; pbxsim connects to it as the far end,\n"
           "                    or owns it with --listen (two pbxsims back to back)\n"
           "  --reattach        when the device end goes away (gatewayd stopped or killed),\n"
           "                    keep running and attach again when it is back; libpri's own\n"
           "                    layer 2 and T309 decide what becomes of the calls meanwhile\n"
           "  --side            net (default) or cpe; --type e1 (default, A-law) or t1 (mu-law)\n"
           "  --switchtype      national|ni2|5ess|dms100|4ess|euroisdn|net5|qsig\n"
           "                    (default euroisdn; national with --type t1)\n"
           "  --timeout S       bound on every wait: D-channel up, answer, clearing (call:\n"
           "                    default 10); answer: waits are unbounded unless given\n"
           "  call              --count N calls in turn; on answer plays --tone (if given)\n"
           "                    for --talk S (default 2), then clears with cause 16\n"
           "                    (--hangup-after-answer S clears after S instead); --from-name,\n"
           "                    --from-type and --restricted set the calling party's name,\n"
           "                    type of number and presentation; --redirecting sends a\n"
           "                    Redirecting Number IE (REASON: Q.952 code, 15 unconditional)\n"
           "  --overlap S       overlap sending (Q.931 5.1.3): the SETUP carries the first\n"
           "                    digit and no Sending Complete, then one INFORMATION per digit\n"
           "                    S seconds apart once SETUP ACKNOWLEDGE has come\n"
           "  --hangup-while-ringing S  clear with cause 16 S seconds after ALERTING if the\n"
           "                    call is not answered by then\n"
           "  answer            CALL PROCEEDING, ALERTING, CONNECT after --ring S (default\n"
           "                    0.2), or clears with --reject CAUSE after CALL PROCEEDING\n"
           "                    (no ALERTING) and --ring S; --echo loops the audio\n"
           "                    back; --talk S clears after S, else waits for the far end;\n"
           "                    --count N calls (default 1; 0 = until SIGINT/SIGTERM)\n"
           "  --restart         once the N-th call is answered (and --restart-after S, default\n"
           "                    0, has passed) send RESTART for one B-channel or for all\n"
           "                    interfaces; the calls on it end with cause 41\n"
           "  --channel N       answer on B-channel N when the SETUP only prefers a channel\n"
           "                    (channel negotiation, Q.931 5.2.3.1)\n"
           "  --collect S       overlap receiving (Q.931 5.2.4): a SETUP without Sending\n"
           "                    Complete gets SETUP ACKNOWLEDGE; INFORMATION digits are added\n"
           "                    to the number until Sending Complete or S seconds without one\n"
           "  --progress        send PROGRESS with in-band information available (PI 8)\n"
           "                    before ALERTING, as a PBX playing its own ringback does\n"
           "  --drop-dchannel   AFTER seconds after the N-th answer, lose every D-channel\n"
           "                    frame both ways for FOR seconds (the line stays up)\n"
           "  --level DBM0      tone level (default -10)\n"
           "\n"
           "Prints one JSON line per call on stdout; each Q.931 message in it carries t\n"
           "(seconds since the call started) and epoch_us (wall clock, CLOCK_REALTIME,\n"
           "in microseconds since the epoch). Exit status: 0 every call met the\n"
           "expectation (call: --expect, default answer; answer: answered, or rejected\n"
           "with the --reject cause), 1 otherwise, 2 usage error.\n";
}

} // namespace gw::isdn
