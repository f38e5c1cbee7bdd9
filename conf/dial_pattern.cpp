// Dial-peer number patterns: parsing, validation and direct matching.
#include "conf/dial_pattern.hpp"

namespace gw::conf {
namespace {

constexpr std::size_t kMaxPatternLength = 64;

std::bitset<kDialSymbols> anyDigit() {
    std::bitset<kDialSymbols> s;
    for (int i = 0; i < 12; ++i) s.set(static_cast<std::size_t>(i));
    return s;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Parses "[...]" starting at text[i] == '['; advances i past ']'.
std::string parseSet(std::string_view text, std::size_t& i, std::bitset<kDialSymbols>& set) {
    ++i;
    bool negate = i < text.size() && text[i] == '^';
    if (negate) ++i;
    bool any = false;
    while (i < text.size() && text[i] != ']') {
        char c = text[i];
        if (c == ',') { ++i; continue; }
        if (c == '*' || c == '#') { set.set(static_cast<std::size_t>(dialSymbol(c))); any = true; ++i; continue; }
        if (!isDigit(c)) return std::string("bad character '") + c + "' in range";
        char hi = c;
        if (i + 2 < text.size() && text[i + 1] == '-') {
            hi = text[i + 2];
            if (!isDigit(hi) || hi < c) return "bad range '" + std::string(text.substr(i, 3)) + "'";
            i += 2;
        }
        for (char d = c; d <= hi; ++d) set.set(static_cast<std::size_t>(d - '0'));
        any = true;
        ++i;
    }
    if (i >= text.size()) return "unterminated '['";
    if (!any) return "empty range '[]'";
    ++i;
    if (negate) set = anyDigit() & ~set;
    if (set.none()) return "range matches nothing";
    return "";
}

void count(DialPattern& p, const PatternElement& e, bool& wild) {
    switch (e.kind) {
    case PatternElement::Kind::Literal: ++p.literals; if (!wild) ++p.leadingLiterals; break;
    case PatternElement::Kind::Set: ++p.sets; p.setWidth += static_cast<int>(e.set.count()); wild = true; break;
    case PatternElement::Kind::Any: ++p.anys; wild = true; break;
    case PatternElement::Kind::Variable: p.variable = true; wild = true; break;
    }
}

} // namespace

int dialSymbol(char c) {
    if (isDigit(c)) return c - '0';
    if (c == '*') return 10;
    if (c == '#') return 11;
    if (c == '+') return 12;
    return -1;
}

std::string parseDialPattern(std::string_view text, DialPattern& out) {
    if (text.empty()) return "empty pattern";
    if (text.size() > kMaxPatternLength) return "pattern longer than 64 characters";
    DialPattern p;
    bool wild = false;
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        PatternElement e;
        if (c == 'T' || c == 't') {
            if (i + 1 != text.size()) return "'T' must be the last character";
            e.kind = PatternElement::Kind::Variable;
            ++i;
        } else if (c == '.') {
            e.kind = PatternElement::Kind::Any;
            e.set = anyDigit();
            ++i;
        } else if (c == '[') {
            e.kind = PatternElement::Kind::Set;
            if (auto err = parseSet(text, i, e.set); !err.empty()) return err;
        } else if (c == '+' && i != 0) {
            return "'+' is only allowed as the first character";
        } else if (dialSymbol(c) >= 0) {
            e.set.set(static_cast<std::size_t>(dialSymbol(c)));
            ++i;
        } else {
            return std::string("bad character '") + c + "'";
        }
        count(p, e, wild);
        p.elements.push_back(e);
    }
    out = std::move(p);
    return "";
}

bool matchesDialPattern(const DialPattern& p, std::string_view number) {
    std::size_t pos = 0;
    for (const auto& e : p.elements) {
        if (e.kind == PatternElement::Kind::Variable) {
            for (; pos < number.size(); ++pos)
                if (dialSymbol(number[pos]) < 0) return false;
            return true;
        }
        if (pos >= number.size()) return false;
        int s = dialSymbol(number[pos]);
        if (s < 0 || !e.set.test(static_cast<std::size_t>(s))) return false;
        ++pos;
    }
    return pos == number.size();
}

} // namespace gw::conf
