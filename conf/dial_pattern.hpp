// Dial-peer number patterns (destination-pattern, incoming called-number,
// answer-address) parsed into elements: literal digits, `.` any digit, `[..]`
// digit sets and a final `T` (variable length); used to validate and to index.
#pragma once

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

namespace gw::conf {

// The dialable alphabet: 0-9, '*', '#', '+' (leading only in patterns).
constexpr int kDialSymbols = 13;
int dialSymbol(char c);   // 0..12, or -1 for a character outside the alphabet

struct PatternElement {
    enum class Kind { Literal, Set, Any, Variable } kind = Kind::Literal;
    std::bitset<kDialSymbols> set;   // Literal: one bit; Set: the range; Any: 0-9 * #
};

struct DialPattern {
    std::vector<PatternElement> elements;   // Variable only as the last element
    int literals = 0;        // explicit digits
    int sets = 0;            // positions matched by a [..] range
    int setWidth = 0;        // total width of those ranges (smaller = more specific)
    int anys = 0;            // `.` positions
    bool variable = false;   // ends in T
    int leadingLiterals = 0; // explicit digits before the first wildcard (digit-strip)
};

// Parses PATTERN; returns "" and fills `out`, or the reason it is invalid.
// Grammar: ['+'] ( digit | '*' | '#' | '.' | '[' ['^'] item {[','] item} ']' )* ['T']
// where item = digit ['-' digit] | '*' | '#'.
std::string parseDialPattern(std::string_view text, DialPattern& out);

// Whole-number match (T absorbs any remaining symbols, zero or more).
bool matchesDialPattern(const DialPattern& p, std::string_view number);

} // namespace gw::conf
