// The exec-mode command language of the CLI: a CommandTree (so IOS
// abbreviations, `?` and TAB work as in configuration mode) whose rows carry
// an id that selects the handler below. Handlers live in cli_show_*.cpp,
// cli_debug.cpp and cli_session.cpp, one file per group of verbs.
#pragma once

#include "conf/command_tree.hpp"
#include "gateway/cli/cli_session.hpp"

namespace gw {

struct ExecCall {
    CliSession& session;
    CliRuntime& rt;
    const conf::Args& args;
    bool negated;
    CliReply& reply;
};
using ExecFn = void (*)(ExecCall&);

// A row's handler; `negate`: the row is an `undebug ...` spelling of `no debug ...`.
struct ExecEntry {
    ExecFn fn = nullptr;
    bool negate = false;
};
const conf::CommandTree& execTree();
const ExecEntry& execEntry(int id);

// Handlers (ExecFn), by file.
// cli_session.cpp
void execConfigure(ExecCall& c);
void execExit(ExecCall& c);
void execNothing(ExecCall& c);
// cli_show_config.cpp
void execShowRunning(ExecCall& c);
void execShowStartup(ExecCall& c);
void execWriteMemory(ExecCall& c);
void execShowDialPeers(ExecCall& c);
void execShowDialPeerSummary(ExecCall& c);
void execShowDialPeerTag(ExecCall& c);
void execShowDialPeerMatch(ExecCall& c);
void execTestTranslation(ExecCall& c);
// cli_show_calls.cpp
void execShowCalls(ExecCall& c);
void execShowCallsBrief(ExecCall& c);
void execShowSipUaStatus(ExecCall& c);
void execShowSipUaCalls(ExecCall& c);
void execShowSipUaRegister(ExecCall& c);
void execClearCall(ExecCall& c);
// cli_show_isdn.cpp
void execShowIsdnStatus(ExecCall& c);
void execShowIsdnService(ExecCall& c);
void execShowControllers(ExecCall& c);
void execShowVoicePorts(ExecCall& c);
void execBusyout(ExecCall& c);
// cli_show_trusted.cpp
void execShowTrustedList(ExecCall& c);
// cli_debug.cpp
void execDebugIsdn(ExecCall& c);
void execDebugSip(ExecCall& c);
void execDebugCcapi(ExecCall& c);
void execDebugAll(ExecCall& c);
void execUndebugAll(ExecCall& c);
void execShowDebugging(ExecCall& c);

} // namespace gw
