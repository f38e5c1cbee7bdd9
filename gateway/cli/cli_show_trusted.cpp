// show ip address trusted list: toll-fraud protection as IOS shows it, the
// trusted addresses with where each comes from, and the sources refused.
#include "gateway/cli/cli_exec.hpp"

#include <cstdio>

namespace gw {

void execShowTrustedList(ExecCall& c) {
    const route::TrustList& trust = c.rt.trustList();
    CliReply& r = c.reply;
    r.add("IP Address Trusted Authentication");
    r.add(std::string(" Administration State: ") + (trust.enforced() ? "UP" : "DOWN"));
    r.add(std::string(" Operation State:      ") + (trust.enforced() ? "UP" : "DOWN"));
    r.add("");
    r.add("IP Address Trusted Call Block Cause: call-reject (21), SIP 403 Forbidden");
    r.add("");
    r.add("Trusted addresses:");
    if (trust.entries().empty()) r.add(" (none: every call from SIP is refused)");
    for (const auto& e : trust.entries()) {
        char line[160];
        std::snprintf(line, sizeof line, " %-40s %s", e.text.c_str(), e.source.c_str());
        r.add(line);
    }
    for (const auto& u : trust.unresolved())
        r.add(" " + u + " (a DNS name is not trusted: list its addresses)");
    r.add("");
    const auto refused = c.rt.untrustedSources();
    r.add("Refused sources: " + std::to_string(refused.size()));
    const auto now = Clock::now();
    for (const auto& s : refused) {
        const long long ago = std::chrono::duration_cast<std::chrono::seconds>(now - s.last).count();
        char line[160];
        std::snprintf(line, sizeof line, " %-40s %llu request(s), last %llds ago", s.address.c_str(),
                      static_cast<unsigned long long>(s.refused), ago);
        r.add(line);
    }
}

} // namespace gw
