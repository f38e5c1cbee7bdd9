// The exec-mode command rows: tokens with IOS help texts and the handler of
// each row. `no` exists for debug and busyout only.
#include "gateway/cli/cli_exec.hpp"

#include "conf/commands.hpp"

namespace gw {
namespace {

using conf::choice;
using conf::CommandSpec;
using conf::kw;
using conf::number;
using conf::Token;
using conf::word;

constexpr unsigned kExec = conf::kModeBit(conf::Mode::Global);
constexpr int kNoNo = 99;   // rows without a `no` form

std::string validateDigits(std::string_view t) {
    if (t.empty() || t.size() > 32) return "expected a number of 1-32 digits";
    for (std::size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        bool ok = (c >= '0' && c <= '9') || c == '*' || c == '#' || (c == '+' && i == 0);
        if (!ok) return "expected digits, '*', '#' (and a leading '+')";
    }
    return "";
}

Token show() { return kw("show", "Show running system information"); }
Token dialPeer() { return kw("dial-peer", "Dial Plan Mapping Table for, e.g. VoIP Peers"); }
Token controllerType() { return choice({{"e1", "E1 controller"}, {"t1", "T1 controller"}}); }
Token debugKw() { return kw("debug", "Debugging functions (see also 'undebug')"); }
Token undebugKw() { return kw("undebug", "Disable debugging functions (see also 'debug')"); }

struct Table {
    std::vector<CommandSpec> specs;
    std::vector<ExecEntry> entries;
    void add(std::vector<Token> tokens, ExecFn fn, int noMin = kNoNo, bool negate = false) {
        CommandSpec s;
        s.modes = kExec;
        s.tokens = std::move(tokens);
        s.noMin = noMin;
        s.id = static_cast<int>(entries.size());
        specs.push_back(std::move(s));
        entries.push_back({fn, negate});
    }
};

void addSessionRows(Table& t) {
    t.add({kw("configure", "Enter configuration mode"), kw("terminal", "Configure from the terminal")}, execConfigure);
    t.add({kw("exit", "Exit from the EXEC")}, execExit);
    t.add({kw("logout", "Exit from the EXEC")}, execExit);
    t.add({kw("end", "Exit from configure mode (nothing to do in EXEC)")}, execNothing);
}

void addConfigRows(Table& t) {
    t.add({show(), kw("running-config", "Current operating configuration")}, execShowRunning);
    t.add({show(), kw("startup-config", "Contents of startup configuration")}, execShowStartup);
    t.add({kw("write", "Write running configuration to memory")}, execWriteMemory);
    t.add({kw("write", "Write running configuration to memory"), kw("memory", "Write to NV memory")}, execWriteMemory);
    t.add({kw("copy", "Copy from one file to another"), kw("running-config", "Copy from current system configuration"),
           kw("startup-config", "Copy to startup configuration")}, execWriteMemory);
    Token voice = kw("voice", "Voice dial-peers");
    t.add({show(), dialPeer(), voice}, execShowDialPeers);
    t.add({show(), dialPeer(), voice, kw("summary", "Dial-peer summary info")}, execShowDialPeerSummary);
    t.add({show(), dialPeer(), voice, number(1, 2147483647, "Voice dial-peer tag")}, execShowDialPeerTag);
    Token match = kw("match", "Which dial-peers a number matches, in hunt order, and why");
    Token num = word("NUMBER", "Called number", validateDigits);
    t.add({show(), dialPeer(), match, num}, execShowDialPeerMatch);
    t.add({show(), dialPeer(), match, num, kw("calling", "Calling number"), word("NUMBER", "Calling number", validateDigits)},
          execShowDialPeerMatch);
    t.add({kw("test", "Test subsystems"), kw("voice", "Voice"), kw("translation-rule", "Test a voice translation rule"),
           number(1, 2147483647, "Translation rule tag"), word("NUMBER", "Number to translate", validateDigits)},
          execTestTranslation);
}

void addCallRows(Table& t) {
    Token call = kw("call", "Show call");
    Token active = kw("active", "Active call table");
    Token voice = kw("voice", "Voice calls");
    t.add({show(), call, active, voice}, execShowCalls);
    t.add({show(), call, active, voice, kw("brief", "Brief summary")}, execShowCallsBrief);
    Token ua = kw("sip-ua", "SIP User Agent");
    t.add({show(), ua, kw("status", "SIP User Agent status")}, execShowSipUaStatus);
    t.add({show(), ua, kw("calls", "SIP UA calls")}, execShowSipUaCalls);
    t.add({show(), ua, kw("register", "SIP registration"), kw("status", "The gateway's numbers at the registrar")},
          execShowSipUaRegister);
    t.add({kw("clear", "Reset functions"), kw("call", "Clear a call"), kw("voice", "Voice call"),
           kw("causecode", "Q.850 cause to clear with"), number(1, 127, "Cause code"),
           kw("id", "Call id, as in 'show call active voice brief'"), number(1, 2147483647, "Call id")},
          execClearCall);
}

void addIsdnRows(Table& t) {
    t.add({show(), kw("isdn", "ISDN information"), kw("status", "ISDN line status")}, execShowIsdnStatus);
    t.add({show(), kw("isdn", "ISDN information"), kw("service", "B-channel states, as Q.931 and the gateway see them")},
          execShowIsdnService);
    Token controllers = kw("controllers", "Interface controller status");
    t.add({show(), controllers}, execShowControllers);
    t.add({show(), controllers, controllerType()}, execShowControllers);
    t.add({show(), controllers, controllerType(), number(0, 63, "Controller unit number")}, execShowControllers);
    t.add({show(), kw("voice", "Voice port configuration & stats"), kw("port", "Voice port status"),
           kw("summary", "Summary of all voice ports")}, execShowVoicePorts);
    t.add({show(), kw("ip", "IP information"), kw("address", "IP addresses"),
           kw("trusted", "Toll-fraud protection"), kw("list", "Trusted addresses and refused sources")},
          execShowTrustedList);
    t.add({kw("busyout", "Refuse new calls on a controller (calls in progress continue)"),
           kw("controller", "Controller"), controllerType(), number(0, 63, "Controller unit number")},
          execBusyout, 1);
}

void addDebugRows(Table& t) {
    Token isdn = kw("isdn", "ISDN information");
    Token q931 = kw("q931", "ISDN Q931 packets");
    Token ccsip = kw("ccsip", "Call Control SIP");
    Token messages = kw("messages", "SIP messages");
    Token voip = kw("voip", "VOIP debugging");
    Token ccapi = kw("ccapi", "Call control API");
    Token all = kw("all", "Enable all debugging");
    t.add({debugKw(), isdn, q931}, execDebugIsdn, 1);
    t.add({debugKw(), ccsip, messages}, execDebugSip, 1);
    t.add({debugKw(), voip, ccapi}, execDebugCcapi, 1);
    t.add({debugKw(), all}, execDebugAll, 1);
    t.add({undebugKw(), isdn, q931}, execDebugIsdn, kNoNo, true);
    t.add({undebugKw(), ccsip, messages}, execDebugSip, kNoNo, true);
    t.add({undebugKw(), voip, ccapi}, execDebugCcapi, kNoNo, true);
    t.add({undebugKw(), kw("all", "Disable all debugging")}, execUndebugAll);
    t.add({show(), kw("debugging", "State of each debugging option")}, execShowDebugging);
}

struct ExecLanguage {
    std::vector<ExecEntry> entries;
    conf::CommandTree tree;
    explicit ExecLanguage(Table t) : entries(std::move(t.entries)), tree(std::move(t.specs)) {}
};

const ExecLanguage& language() {
    static const ExecLanguage lang([] {
        Table t;
        addSessionRows(t);
        addConfigRows(t);
        addCallRows(t);
        addIsdnRows(t);
        addDebugRows(t);
        return t;
    }());
    return lang;
}

} // namespace

const conf::CommandTree& execTree() { return language().tree; }

const ExecEntry& execEntry(int id) { return language().entries.at(static_cast<std::size_t>(id)); }

} // namespace gw
