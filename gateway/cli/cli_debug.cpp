// Exec debug commands: debug isdn q931 / ccsip messages / voip ccapi / all,
// their `no` and `undebug` forms, and show debugging. The switches are global
// (as in IOS); the traces also go to the session that turned them on.
#include "gateway/cli/cli_exec.hpp"

namespace gw {
namespace {

struct Category {
    DebugCat cat;
    const char* name;
};
constexpr Category kCategories[] = {
    {DebugCat::IsdnQ931, "ISDN Q931 packets debugging"},
    {DebugCat::SipMessages, "SIP Call messages tracing"},
    {DebugCat::Ccapi, "voip ccapi debugging"},
};

void toggle(ExecCall& c, DebugCat cat) {
    bool on = !c.negated;
    c.rt.setDebug(cat, on);
    c.session.setTrace(cat, on);
    for (const auto& k : kCategories)
        if (k.cat == cat) c.reply.add(std::string(k.name) + (on ? " is on" : " is off"));
}

} // namespace

void execDebugIsdn(ExecCall& c) { toggle(c, DebugCat::IsdnQ931); }
void execDebugSip(ExecCall& c) { toggle(c, DebugCat::SipMessages); }
void execDebugCcapi(ExecCall& c) { toggle(c, DebugCat::Ccapi); }

void execDebugAll(ExecCall& c) {
    for (const auto& k : kCategories) toggle(c, k.cat);
}

void execUndebugAll(ExecCall& c) {
    for (const auto& k : kCategories) {
        c.rt.setDebug(k.cat, false);
        c.session.setTrace(k.cat, false);
    }
    c.reply.add("All possible debugging has been turned off");
}

void execShowDebugging(ExecCall& c) {
    bool any = false;
    for (const auto& k : kCategories)
        if (logDebugOn(k.cat)) {
            c.reply.add(std::string("  ") + k.name + " is on" +
                        ((c.session.traces() & static_cast<unsigned>(k.cat)) ? " (shown in this session)" : ""));
            any = true;
        }
    if (!any) c.reply.add("No debugging is on");
}

} // namespace gw
