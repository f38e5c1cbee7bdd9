// Digit trie over dial-peer patterns: insertion and whole-number lookup.
#include "gateway/route/dial_peer_trie.hpp"

namespace gw::route {

using conf::PatternElement;

PatternTrie::PatternTrie() : nodes_(1) {}

int PatternTrie::child(int node, const PatternElement& e) {
    auto fresh = [this] {
        nodes_.emplace_back();
        return static_cast<int>(nodes_.size() - 1);
    };
    auto idx = static_cast<std::size_t>(node);
    if (e.kind == PatternElement::Kind::Any) {
        if (nodes_[idx].any < 0) { int c = fresh(); nodes_[idx].any = c; }
        return nodes_[idx].any;
    }
    if (e.kind == PatternElement::Kind::Literal) {
        std::size_t sym = 0;
        while (!e.set.test(sym)) ++sym;
        if (nodes_[idx].next[sym] < 0) { int c = fresh(); nodes_[idx].next[sym] = c; }
        return nodes_[idx].next[sym];
    }
    for (const auto& [set, c] : nodes_[idx].sets)
        if (set == e.set) return c;
    int c = fresh();
    nodes_[idx].sets.emplace_back(e.set, c);
    return c;
}

void PatternTrie::insert(const conf::DialPattern& pattern, int id) {
    int node = 0;
    for (const auto& e : pattern.elements) {
        if (e.kind == PatternElement::Kind::Variable) {
            nodes_[static_cast<std::size_t>(node)].variableEnds.push_back(id);
            return;
        }
        node = child(node, e);
    }
    nodes_[static_cast<std::size_t>(node)].ends.push_back(id);
}

std::vector<int> PatternTrie::match(std::string_view number) const {
    std::vector<int> symbols, out;
    for (char c : number) {
        int s = conf::dialSymbol(c);
        if (s < 0) return out;   // not a dialable number: matches nothing
        symbols.push_back(s);
    }
    walk(0, symbols, 0, out);
    return out;
}

void PatternTrie::walk(int node, const std::vector<int>& symbols, std::size_t pos, std::vector<int>& out) const {
    const Node& n = nodes_[static_cast<std::size_t>(node)];
    out.insert(out.end(), n.variableEnds.begin(), n.variableEnds.end());
    if (pos == symbols.size()) {
        out.insert(out.end(), n.ends.begin(), n.ends.end());
        return;
    }
    auto sym = static_cast<std::size_t>(symbols[pos]);
    if (n.next[sym] >= 0) walk(n.next[sym], symbols, pos + 1, out);
    for (const auto& [set, c] : n.sets)
        if (set.test(sym)) walk(c, symbols, pos + 1, out);
    if (n.any >= 0 && sym < 12) walk(n.any, symbols, pos + 1, out);
}

bool PatternTrie::canExtend(std::string_view number) const {
    std::vector<int> symbols;
    for (char c : number) {
        int s = conf::dialSymbol(c);
        if (s < 0) return false;
        symbols.push_back(s);
    }
    return extends(0, symbols, 0);
}

bool PatternTrie::extends(int node, const std::vector<int>& symbols, std::size_t pos) const {
    const Node& n = nodes_[static_cast<std::size_t>(node)];
    if (!n.variableEnds.empty()) return true;   // T takes any further digits
    if (pos == symbols.size()) {
        for (int c : n.next)
            if (c >= 0) return true;
        return !n.sets.empty() || n.any >= 0;
    }
    auto sym = static_cast<std::size_t>(symbols[pos]);
    if (n.next[sym] >= 0 && extends(n.next[sym], symbols, pos + 1)) return true;
    for (const auto& [set, c] : n.sets)
        if (set.test(sym) && extends(c, symbols, pos + 1)) return true;
    return n.any >= 0 && sym < 12 && extends(n.any, symbols, pos + 1);
}

} // namespace gw::route
