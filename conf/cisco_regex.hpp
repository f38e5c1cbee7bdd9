// The regular expressions of `voice translation-rule` (Cisco syntax): a small
// backtracking matcher compiled from the pattern text, plus sed-like
// substitution of the leftmost match with `\N` back-references.
//
// Syntax: literals, `.` any character, `[abc]` / `[0-9]` / `[^..]` sets,
// `^` start and `$` end anchors, `*` `+` `?` quantifiers (greedy) on the
// previous atom or group, groups `\(..\)` or `(..)` (up to 9, numbered by
// their opening parenthesis), `|` alternation, `\c` a literal c. The
// replacement copies text, `\0` the whole match, `\1`..`\9` a group. The
// leftmost match is used; among matches at one position the first found by
// greedy backtracking (Perl order, not POSIX leftmost-longest).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace gw::conf {

class CiscoRegex {
public:
    struct Match {
        std::size_t begin = 0, end = 0;
        std::array<std::pair<long, long>, 10> groups{};   // -1,-1 when a group did not take part
    };

    // Compiles `pattern` (the text between the slashes); "" in *error on success.
    static std::optional<CiscoRegex> compile(std::string_view pattern, std::string& error);

    std::optional<Match> search(std::string_view input) const;
    // The input with its leftmost match replaced by `replacement` expanded; nullopt without a match.
    std::optional<std::string> substitute(std::string_view input, std::string_view replacement) const;
    int groupCount() const { return groups_; }

    struct Node;
    CiscoRegex(const CiscoRegex&);
    CiscoRegex(CiscoRegex&&) noexcept;
    CiscoRegex& operator=(CiscoRegex other) noexcept;
    ~CiscoRegex();

private:
    CiscoRegex();
    std::unique_ptr<Node> root_;
    int groups_ = 0;
};

// Checks a replacement string against a pattern's group count; "" when valid.
std::string checkReplacement(std::string_view replacement, int groupCount);

// Splits "/match/" into "match"; nullopt when the slashes are missing.
std::optional<std::string> stripSlashes(std::string_view text);

} // namespace gw::conf
