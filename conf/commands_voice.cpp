// Command rows of `voice translation-rule N` (rule K /match/ /replace/) and
// `voice translation-profile NAME` (translate called|calling|redirect-called N).
#include "conf/commands.hpp"

#include "conf/cisco_regex.hpp"
#include "conf/values.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace gw::conf {
namespace {

using R = std::optional<Fault>;

constexpr unsigned kG = kModeBit(Mode::Global);
constexpr unsigned kTR = kModeBit(Mode::TranslationRule);
constexpr unsigned kTP = kModeBit(Mode::TranslationProfile);
constexpr unsigned kVP = kModeBit(Mode::VoicePort);
constexpr unsigned kVSV = kModeBit(Mode::VoiceServiceVoip);
constexpr unsigned kTL = kModeBit(Mode::TrustedList);

std::string validateTrustedV4(std::string_view t) {
    return isIpv4(t) ? "" : "expected an IPv4 address A.B.C.D";
}
// A netmask is contiguous ones then zeros (255.255.255.0, not 255.0.255.0).
std::string validateMask(std::string_view t) {
    if (!isIpv4(t)) return "expected a mask A.B.C.D, e.g. 255.255.255.0";
    return maskPrefix(t) ? "" : "not a contiguous netmask";
}
// X:X:X:X::X or X:X:X:X::X/<0-128>
std::string validateTrustedV6(std::string_view t) {
    const auto slash = t.find('/');
    const std::string addr(t.substr(0, slash));
    in6_addr a{};
    if (::inet_pton(AF_INET6, addr.c_str(), &a) != 1) return "expected an IPv6 address X:X:X:X::X[/PREFIX]";
    if (slash == std::string_view::npos) return "";
    const auto len = parseNumber(t.substr(slash + 1));
    return len && *len <= 128 ? "" : "the prefix length is 0 to 128";
}

R addTrusted(Context& c, TrustedAddress entry) {
    auto& list = c.config->voip.trusted;
    if (std::find(list.begin(), list.end(), entry) == list.end()) list.push_back(std::move(entry));
    return ok();
}
R removeTrusted(Context& c, const TrustedAddress& entry) {
    auto& list = c.config->voip.trusted;
    std::erase(list, entry);
    return ok();
}

// "N:D": the D-channel group of controller N, as IOS names a PRI voice-port.
std::optional<int> voicePortNumber(std::string_view t) {
    if (t.size() < 3 || t.substr(t.size() - 2) != ":D") return std::nullopt;
    const std::string_view digits = t.substr(0, t.size() - 2);
    if (digits.empty() || digits.size() > 2) return std::nullopt;
    int n = 0;
    for (char ch : digits) {
        if (ch < '0' || ch > '9') return std::nullopt;
        n = n * 10 + (ch - '0');
    }
    return n <= 63 ? std::optional<int>(n) : std::nullopt;
}
std::string validateVoicePort(std::string_view t) {
    return voicePortNumber(t) ? "" : "expected CONTROLLER:D, e.g. 0:D";
}

R enterVoicePort(Context& c, const Args& a) {
    const int n = *voicePortNumber(a[0]);
    const auto ctl = c.config->controllers.find(n);
    if (ctl == c.config->controllers.end() || ctl->second.timeslots.empty())
        return fault(0, "no PRI group on controller " + std::to_string(n) +
                            ": configure its pri-group timeslots first");
    c.config->voicePorts[n].controller = n;
    c.mode = Mode::VoicePort;
    c.controller = n;
    return ok();
}

std::string validateMatch(std::string_view text) {
    auto inner = stripSlashes(text);
    if (!inner) return "expected /pattern/";
    std::string err;
    if (!CiscoRegex::compile(*inner, err)) return err;
    return "";
}
std::string validateReplace(std::string_view text) {
    return stripSlashes(text) ? "" : "expected /replacement/";
}
std::string validateProfileName(std::string_view t) {
    return t.size() > 64 ? "name longer than 64 characters" : "";
}

R setRule(Context& c, const Args& a) {
    std::string err;
    auto match = *stripSlashes(a[1]);
    auto replace = *stripSlashes(a[2]);
    auto re = CiscoRegex::compile(match, err);
    if (!re) return fault(1, err);
    if (auto bad = checkReplacement(replace, re->groupCount()); !bad.empty()) return fault(2, bad);
    c.config->translationRules[c.rule].rules[a.number(0)] = {match, replace};
    return ok();
}

R enterRule(Context& c, const Args& a) {
    int n = a.number(0);
    c.config->translationRules[n].number = n;
    c.mode = Mode::TranslationRule;
    c.rule = n;
    return ok();
}

R enterProfile(Context& c, const Args& a) {
    c.config->translationProfiles[a[0]].name = a[0];
    c.mode = Mode::TranslationProfile;
    c.profile = a[0];
    return ok();
}

std::optional<int>& profileSlot(Context& c, const std::string& which) {
    auto& p = c.config->translationProfiles[c.profile];
    return which == "called" ? p.called : which == "calling" ? p.calling : p.redirectCalled;
}

Token voiceKw() { return kw("voice", "Global voice configuration"); }

} // namespace

std::vector<CommandSpec> voiceCommands() {
    return {
        {kG, {voiceKw(), kw("translation-rule", "Translation rule"), number(1, 2147483647, "Translation rule tag")},
         enterRule, +[](Context& c, const Args& a) -> R { c.config->translationRules.erase(a.number(0)); return ok(); }, 3},
        {kG, {voiceKw(), kw("translation-profile", "Translation profile"),
              word("WORD", "Translation profile name", validateProfileName)},
         enterProfile, +[](Context& c, const Args& a) -> R { c.config->translationProfiles.erase(a[0]); return ok(); }, 3},
        {kTR, {kw("rule", "Translation rule"), number(1, 100, "Translation rule tag"),
               word("WORD", "Matching pattern, e.g. /^9\\(.*\\)/", validateMatch),
               word("WORD", "Replacement pattern, e.g. /\\1/", validateReplace)},
         setRule,
         +[](Context& c, const Args& a) -> R { c.config->translationRules[c.rule].rules.erase(a.number(0)); return ok(); }, 2},
        {kG, {kw("voice-port", "Voice port of a PRI group"), word("PORT", "CONTROLLER:D, e.g. 0:D", validateVoicePort)},
         enterVoicePort,
         +[](Context& c, const Args& a) -> R { c.config->voicePorts.erase(*voicePortNumber(a[0])); return ok(); }, 2},
        {kVP, {kw("timeouts", "Voice port timeouts"),
               kw("interdigit", "Time after the last digit before a T dial-peer's number is taken as complete"),
               number(1, 120, "Seconds (default 10)")},
         +[](Context& c, const Args& a) -> R { c.config->voicePorts[c.controller].interdigitS = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { c.config->voicePorts[c.controller].interdigitS.reset(); return ok(); }, 2},
        {kG, {voiceKw(), kw("service", "Voice service"), kw("voip", "Voice over IP service")},
         +[](Context& c, const Args&) -> R { c.mode = Mode::VoiceServiceVoip; return ok(); },
         +[](Context& c, const Args&) -> R { c.config->voip = VoiceServiceVoip{}; return ok(); }, 3},
        {kVSV, {kw("ip", "IP configuration"), kw("address", "IP address"), kw("trusted", "Toll-fraud protection"),
                kw("list", "The addresses calls are taken from")},
         +[](Context& c, const Args&) -> R { c.mode = Mode::TrustedList; return ok(); },
         +[](Context& c, const Args&) -> R { c.config->voip.trusted.clear(); return ok(); }, 4},
        {kVSV, {kw("ip", "IP configuration"), kw("address", "IP address"), kw("trusted", "Toll-fraud protection"),
                kw("authenticate", "Take calls only from trusted addresses (the default)")},
         +[](Context& c, const Args&) -> R { c.config->voip.trustedAuthenticate = true; return ok(); },
         +[](Context& c, const Args&) -> R { c.config->voip.trustedAuthenticate = false; return ok(); }, 4},
        {kVSV, {kw("calling-number", "Calling number"),
                kw("default", "Sent when the caller's identity is not a number (a SIP user name)"),
                word("WORD", "Digits", validateDialString)},
         +[](Context& c, const Args& a) -> R { c.config->voip.callingDefault = a[0]; return ok(); },
         +[](Context& c, const Args&) -> R { c.config->voip.callingDefault.clear(); return ok(); }, 2},
        {kVSV, {kw("call", "Call admission"), kw("threshold", "Call admission thresholds"),
                kw("source", "New calls per second from one address (beyond: 503 with Retry-After)"),
                number(1, 10000, "Calls per second")},
         +[](Context& c, const Args& a) -> R { c.config->voip.sourceCallsPerSecond = a.number(0); return ok(); },
         +[](Context& c, const Args&) -> R { c.config->voip.sourceCallsPerSecond.reset(); return ok(); }, 3},
        {kTL, {kw("ipv4", "A trusted IPv4 address or network"), word("A.B.C.D", "IPv4 address", validateTrustedV4)},
         +[](Context& c, const Args& a) -> R { return addTrusted(c, {false, a[0], ""}); },
         +[](Context& c, const Args& a) -> R { return removeTrusted(c, {false, a[0], ""}); }, 2},
        {kTL, {kw("ipv4", "A trusted IPv4 address or network"), word("A.B.C.D", "IPv4 address", validateTrustedV4),
               word("A.B.C.D", "Network mask", validateMask)},
         +[](Context& c, const Args& a) -> R { return addTrusted(c, {false, a[0], a[1]}); },
         +[](Context& c, const Args& a) -> R { return removeTrusted(c, {false, a[0], a[1]}); }, 3},
        {kTL, {kw("ipv6", "A trusted IPv6 address or network"),
               word("X:X:X:X::X[/PREFIX]", "IPv6 address, with a prefix length for a network", validateTrustedV6)},
         +[](Context& c, const Args& a) -> R { return addTrusted(c, {true, a[0], ""}); },
         +[](Context& c, const Args& a) -> R { return removeTrusted(c, {true, a[0], ""}); }, 2},
        {kTP, {kw("translate", "Translate a number with a translation rule"),
               choice({{"called", "Translation rule for the called number"},
                       {"calling", "Translation rule for the calling number"},
                       {"redirect-called", "Translation rule for the redirect number"}}),
               number(1, 2147483647, "Translation rule tag")},
         +[](Context& c, const Args& a) -> R { profileSlot(c, a[0]) = a.number(1); return ok(); },
         +[](Context& c, const Args& a) -> R { profileSlot(c, a[0]).reset(); return ok(); }, 2},
    };
}

} // namespace gw::conf
