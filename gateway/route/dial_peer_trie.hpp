// An index over dial-peer number patterns: a digit trie whose edges are
// literal digits, digit sets ([2-5] ranges, one edge per distinct set), `.`
// wildcards, and whose nodes hold the ids of patterns ending there (or in T).
#pragma once

#include "conf/dial_pattern.hpp"

#include <array>
#include <bitset>
#include <string_view>
#include <utility>
#include <vector>

namespace gw::route {

class PatternTrie {
public:
    PatternTrie();
    void insert(const conf::DialPattern& pattern, int id);
    // Ids of every pattern matching the whole number (T: any remaining digits).
    std::vector<int> match(std::string_view number) const;
    // Whether some pattern could still match `number` followed by more
    // digits (a longer pattern starts with it, or a T pattern takes it):
    // for overlap receiving, whether to wait for the next digit.
    bool canExtend(std::string_view number) const;
    std::size_t nodeCount() const { return nodes_.size(); }

private:
    struct Node {
        Node() { next.fill(-1); }
        std::array<int, conf::kDialSymbols> next;                          // literal edges
        std::vector<std::pair<std::bitset<conf::kDialSymbols>, int>> sets;   // [..] edges
        int any = -1;                                                      // `.` edge
        std::vector<int> ends;          // patterns ending at this node
        std::vector<int> variableEnds;  // patterns ending in T here
    };
    int child(int node, const conf::PatternElement& e);
    void walk(int node, const std::vector<int>& symbols, std::size_t pos, std::vector<int>& out) const;
    bool extends(int node, const std::vector<int>& symbols, std::size_t pos) const;
    std::vector<Node> nodes_;
};

} // namespace gw::route
