// Cisco translation-rule regular expressions: a recursive-descent compiler to
// a node tree and a backtracking matcher with continuations.
#include "conf/cisco_regex.hpp"

#include <bitset>
#include <functional>
#include <limits>
#include <vector>

namespace gw::conf {

struct CiscoRegex::Node {
    enum class Kind { Char, Any, Set, Bol, Eol, Group } kind = Kind::Char;
    char ch = 0;
    std::bitset<256> set;
    int group = -1;                                 // Group: capture number (0 = whole)
    std::vector<std::vector<Node>> alternatives;    // Group
    int min = 1, max = 1;                           // quantifier
};

namespace {

using Node = CiscoRegex::Node;
constexpr long kStepLimit = 200000;
constexpr int kMaxGroups = 9;

std::size_t uc(char c) { return static_cast<unsigned char>(c); }

class Compiler {
public:
    explicit Compiler(std::string_view p) : p_(p) {}
    std::string error;
    int groups = 0;

    bool alternatives(std::vector<std::vector<Node>>& out, int depth) {
        out.emplace_back();
        while (pos_ < p_.size()) {
            if (closesGroup()) {
                if (depth == 0) return fail("unbalanced ')'");
                return true;
            }
            if (p_[pos_] == '|') { ++pos_; out.emplace_back(); continue; }
            if (!atom(out.back(), depth)) return false;
        }
        if (depth > 0) return fail("missing ')'");
        return true;
    }

private:
    std::string_view p_;
    std::size_t pos_ = 0;

    bool fail(std::string why) { error = std::move(why); return false; }
    bool at(std::string_view s) const { return p_.substr(pos_, s.size()) == s; }
    bool closesGroup() const { return at(")") || at("\\)"); }

    bool atom(std::vector<Node>& seq, int depth) {
        Node n;
        char c = p_[pos_];
        if (at("\\(") || c == '(') {
            pos_ += c == '(' ? 1 : 2;
            n.kind = Node::Kind::Group;
            if (++groups > kMaxGroups) return fail("more than 9 groups");
            n.group = groups;
            if (!alternatives(n.alternatives, depth + 1)) return false;
            pos_ += p_[pos_] == ')' ? 1 : 2;
        } else if (c == '\\') {
            if (pos_ + 1 >= p_.size()) return fail("trailing '\\'");
            if (p_[pos_ + 1] >= '0' && p_[pos_ + 1] <= '9') return fail("back-references are not allowed in the match");
            n.ch = p_[pos_ + 1];
            pos_ += 2;
        } else if (c == '[') {
            if (!charSet(n)) return false;
        } else if (c == '*' || c == '+' || c == '?') {
            return fail(std::string("nothing to repeat before '") + c + "'");
        } else {
            n.kind = c == '.' ? Node::Kind::Any : c == '^' ? Node::Kind::Bol : c == '$' ? Node::Kind::Eol : Node::Kind::Char;
            n.ch = c;
            ++pos_;
        }
        if (!quantifier(n)) return false;
        seq.push_back(std::move(n));
        return true;
    }

    bool quantifier(Node& n) {
        if (pos_ >= p_.size()) return true;
        char q = p_[pos_];
        if (q != '*' && q != '+' && q != '?') return true;
        if (n.kind == Node::Kind::Bol || n.kind == Node::Kind::Eol) return fail("anchor cannot be repeated");
        n.min = q == '+' ? 1 : 0;
        n.max = q == '?' ? 1 : std::numeric_limits<int>::max();
        ++pos_;
        if (pos_ < p_.size() && (p_[pos_] == '*' || p_[pos_] == '+' || p_[pos_] == '?')) return fail("repeated quantifier");
        return true;
    }

    bool charSet(Node& n) {
        n.kind = Node::Kind::Set;
        ++pos_;
        bool negate = pos_ < p_.size() && p_[pos_] == '^';
        if (negate) ++pos_;
        bool first = true;
        while (pos_ < p_.size() && (p_[pos_] != ']' || first)) {
            char lo = p_[pos_], hi = lo;
            if (pos_ + 2 < p_.size() && p_[pos_ + 1] == '-' && p_[pos_ + 2] != ']') {
                hi = p_[pos_ + 2];
                if (uc(hi) < uc(lo)) return fail("bad range in '[..]'");
                pos_ += 2;
            }
            for (std::size_t b = uc(lo); b <= uc(hi); ++b) n.set.set(b);
            ++pos_;
            first = false;
        }
        if (pos_ >= p_.size()) return fail("missing ']'");
        ++pos_;
        if (negate) n.set.flip();
        return true;
    }
};

class Matcher {
public:
    using Cont = std::function<bool(std::size_t)>;
    Matcher(std::string_view in, CiscoRegex::Match& m) : in_(in), m_(m) {}

    bool sequence(const std::vector<Node>& s, std::size_t i, std::size_t pos, const Cont& k) {
        if (i == s.size()) return k(pos);
        return repeat(s[i], 0, pos, [&](std::size_t p) { return sequence(s, i + 1, p, k); });
    }

    bool group(const Node& n, std::size_t pos, const Cont& k) {
        for (const auto& alt : n.alternatives) {
            bool hit = sequence(alt, 0, pos, [&](std::size_t p) {
                auto saved = m_.groups[static_cast<std::size_t>(n.group)];
                m_.groups[static_cast<std::size_t>(n.group)] = {static_cast<long>(pos), static_cast<long>(p)};
                if (k(p)) return true;
                m_.groups[static_cast<std::size_t>(n.group)] = saved;
                return false;
            });
            if (hit) return true;
        }
        return false;
    }

private:
    std::string_view in_;
    CiscoRegex::Match& m_;
    long steps_ = 0;

    bool repeat(const Node& n, int count, std::size_t pos, const Cont& k) {
        if (++steps_ > kStepLimit) return false;
        if (count < n.max) {
            bool hit = one(n, pos, [&](std::size_t p) {
                if (p == pos) return k(p);   // zero-width iteration: stop repeating
                return repeat(n, count + 1, p, k);
            });
            if (hit) return true;
        }
        return count >= n.min && k(pos);
    }

    bool one(const Node& n, std::size_t pos, const Cont& k) {
        switch (n.kind) {
        case Node::Kind::Bol: return pos == 0 && k(pos);
        case Node::Kind::Eol: return pos == in_.size() && k(pos);
        case Node::Kind::Group: return group(n, pos, k);
        case Node::Kind::Any: return pos < in_.size() && k(pos + 1);
        case Node::Kind::Char: return pos < in_.size() && in_[pos] == n.ch && k(pos + 1);
        case Node::Kind::Set: return pos < in_.size() && n.set.test(uc(in_[pos])) && k(pos + 1);
        }
        return false;
    }
};

} // namespace

CiscoRegex::CiscoRegex() : root_(std::make_unique<Node>()) {}
CiscoRegex::CiscoRegex(const CiscoRegex& o) : root_(std::make_unique<Node>(*o.root_)), groups_(o.groups_) {}
CiscoRegex::CiscoRegex(CiscoRegex&&) noexcept = default;
CiscoRegex& CiscoRegex::operator=(CiscoRegex o) noexcept {
    root_ = std::move(o.root_);
    groups_ = o.groups_;
    return *this;
}
CiscoRegex::~CiscoRegex() = default;

std::optional<CiscoRegex> CiscoRegex::compile(std::string_view pattern, std::string& error) {
    Compiler c(pattern);
    CiscoRegex re;
    re.root_->kind = Node::Kind::Group;
    re.root_->group = 0;
    if (!c.alternatives(re.root_->alternatives, 0)) {
        error = c.error;
        return std::nullopt;
    }
    error.clear();
    re.groups_ = c.groups;
    return re;
}

std::optional<CiscoRegex::Match> CiscoRegex::search(std::string_view input) const {
    for (std::size_t start = 0; start <= input.size(); ++start) {
        Match m;
        m.groups.fill({-1, -1});
        Matcher matcher(input, m);
        if (matcher.group(*root_, start, [](std::size_t) { return true; })) {
            m.begin = static_cast<std::size_t>(m.groups[0].first);
            m.end = static_cast<std::size_t>(m.groups[0].second);
            return m;
        }
    }
    return std::nullopt;
}

std::optional<std::string> CiscoRegex::substitute(std::string_view input, std::string_view replacement) const {
    auto m = search(input);
    if (!m) return std::nullopt;
    std::string out(input.substr(0, m->begin));
    for (std::size_t i = 0; i < replacement.size(); ++i) {
        char c = replacement[i];
        if (c != '\\' || i + 1 >= replacement.size()) { out += c; continue; }
        char n = replacement[++i];
        if (n < '0' || n > '9') { out += n; continue; }
        auto [b, e] = m->groups[static_cast<std::size_t>(n - '0')];
        if (b >= 0) out += input.substr(static_cast<std::size_t>(b), static_cast<std::size_t>(e - b));
    }
    out += input.substr(m->end);
    return out;
}

std::string checkReplacement(std::string_view replacement, int groupCount) {
    for (std::size_t i = 0; i < replacement.size(); ++i) {
        if (replacement[i] != '\\') continue;
        if (++i == replacement.size()) return "trailing '\\' in replacement";
        char n = replacement[i];
        if (n >= '0' && n <= '9' && n - '0' > groupCount)
            return std::string("\\") + n + " refers to a group the match does not have";
    }
    return "";
}

std::optional<std::string> stripSlashes(std::string_view text) {
    if (text.size() < 2 || text.front() != '/' || text.back() != '/') return std::nullopt;
    return std::string(text.substr(1, text.size() - 2));
}

} // namespace gw::conf
