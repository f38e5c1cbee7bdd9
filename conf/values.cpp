// Keyword spellings and small value syntaxes of the configuration language.
#include "conf/values.hpp"

#include <array>
#include <charconv>
#include <set>
#include <utility>

namespace gw::conf {
namespace {

constexpr std::array<std::pair<SwitchType, std::string_view>, 6> kSwitchTypes{{
    {SwitchType::PrimaryNi, "primary-ni"},       {SwitchType::Primary5ess, "primary-5ess"},
    {SwitchType::PrimaryDms100, "primary-dms100"}, {SwitchType::Primary4ess, "primary-4ess"},
    {SwitchType::PrimaryNet5, "primary-net5"},   {SwitchType::PrimaryQsig, "primary-qsig"},
}};
constexpr std::array<std::pair<Codec, std::string_view>, 2> kCodecs{{
    {Codec::G711Ulaw, "g711ulaw"}, {Codec::G711Alaw, "g711alaw"},
}};
constexpr std::array<std::pair<DtmfRelay, std::string_view>, 3> kDtmf{{
    {DtmfRelay::RtpNte, "rtp-nte"}, {DtmfRelay::SipInfo, "sip-info"}, {DtmfRelay::Inband, "inband"},
}};

template <typename E, std::size_t N>
std::string_view nameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "?";
}

template <typename E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view word) {
    for (const auto& [v, name] : table)
        if (equalsNoCase(name, word)) return v;
    return std::nullopt;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Splits "HOST[:PORT]" at the last colon; port 0 when absent.
std::string splitHostPort(std::string_view text, std::string& host, int& port) {
    auto colon = text.rfind(':');
    host = std::string(text.substr(0, colon));
    port = 0;
    if (colon == std::string_view::npos) return "";
    auto p = parseNumber(text.substr(colon + 1));
    if (!p || *p < 1 || *p > 65535) return "port must be 1-65535";
    port = static_cast<int>(*p);
    return "";
}

} // namespace

std::string_view switchTypeName(SwitchType t) { return nameOf(kSwitchTypes, t); }
std::optional<SwitchType> parseSwitchType(std::string_view w) { return valueOf(kSwitchTypes, w); }
std::string_view codecName(Codec c) { return nameOf(kCodecs, c); }
std::optional<Codec> parseCodec(std::string_view w) { return valueOf(kCodecs, w); }
std::string_view dtmfRelayName(DtmfRelay d) { return nameOf(kDtmf, d); }
std::optional<DtmfRelay> parseDtmfRelay(std::string_view w) { return valueOf(kDtmf, w); }
std::string_view controllerTypeName(ControllerType t) { return t == ControllerType::T1 ? "t1" : "e1"; }

bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && equalsNoCase(text.substr(0, prefix.size()), prefix);
}

std::optional<long> parseNumber(std::string_view text) {
    if (text.empty() || text.size() > 12) return std::nullopt;
    for (char c : text)
        if (!isDigit(c)) return std::nullopt;
    long v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<std::uint32_t> parseIpv4(std::string_view text) {
    int parts = 0;
    std::uint32_t addr = 0;
    std::size_t start = 0;
    while (true) {
        auto dot = text.find('.', start);
        auto part = text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        auto v = parseNumber(part);
        if (!v || *v > 255 || part.size() > 3 || parts == 4) return std::nullopt;
        addr = addr << 8 | static_cast<std::uint32_t>(*v);
        ++parts;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (parts != 4) return std::nullopt;
    return addr;
}

bool isIpv4(std::string_view text) { return parseIpv4(text).has_value(); }

std::optional<int> maskPrefix(std::string_view text) {
    const auto m = parseIpv4(text);
    if (!m) return std::nullopt;
    const std::uint32_t inverted = ~*m;
    if ((inverted & (inverted + 1)) != 0) return std::nullopt;   // ones not contiguous from the top
    int bits = 0;
    for (std::uint32_t v = *m; v & 0x80000000u; v <<= 1) ++bits;
    return bits;
}

bool isHostName(std::string_view text) {
    if (text.empty() || text.size() > 253 || text.front() == '.' || text.front() == '-') return false;
    for (char c : text) {
        char l = lower(c);
        if (!((l >= 'a' && l <= 'z') || isDigit(l) || l == '-' || l == '.' || l == '_')) return false;
    }
    return true;
}

bool isDialString(std::string_view text) {
    if (text.empty() || text.size() > 32) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (!(isDigit(c) || c == '*' || c == '#' || (c == '+' && i == 0))) return false;
    }
    return true;
}

std::string parseTarget(std::string_view word, SessionTarget& out) {
    SessionTarget t;
    std::string_view rest;
    if (startsWithNoCase(word, "ipv4:")) {
        t.kind = TargetKind::Ipv4;
        rest = word.substr(5);
    } else if (startsWithNoCase(word, "dns:")) {
        t.kind = TargetKind::Dns;
        rest = word.substr(4);
    } else {
        return "expected ipv4:ADDR[:PORT] or dns:NAME[:PORT]";
    }
    if (auto err = splitHostPort(rest, t.host, t.port); !err.empty()) return err;
    if (t.kind == TargetKind::Ipv4 && !isIpv4(t.host)) return "bad IPv4 address '" + t.host + "'";
    if (t.kind == TargetKind::Dns && !isHostName(t.host)) return "bad host name '" + t.host + "'";
    out = t;
    return "";
}

std::string formatTarget(const SessionTarget& t) {
    std::string s;
    switch (t.kind) {
    case TargetKind::None: return "";
    case TargetKind::SipServer: return "sip-server";
    case TargetKind::Registrar: return "registrar";
    case TargetKind::Ipv4: s = "ipv4:" + t.host; break;
    case TargetKind::Dns: s = "dns:" + t.host; break;
    }
    if (t.port != 0) s += ":" + std::to_string(t.port);
    return s;
}

int maxTimeslot(ControllerType t) { return t == ControllerType::T1 ? 24 : 31; }

std::string checkTimeslots(std::string_view text, int maxSlot) {
    std::set<long> seen;
    std::size_t start = 0;
    while (true) {
        auto comma = text.find(',', start);
        auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        auto dash = item.find('-');
        auto lo = parseNumber(item.substr(0, dash));
        auto hi = dash == std::string_view::npos ? lo : parseNumber(item.substr(dash + 1));
        if (!lo || !hi) return "bad timeslot range '" + std::string(item) + "'";
        if (*lo < 1 || *hi > maxSlot || *lo > *hi)
            return "timeslots must be within 1-" + std::to_string(maxSlot) + ": '" + std::string(item) + "'";
        for (long s = *lo; s <= *hi; ++s)
            if (!seen.insert(s).second) return "timeslot " + std::to_string(s) + " listed twice";
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return "";
}

} // namespace gw::conf
