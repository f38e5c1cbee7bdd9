// bench_dialpeer: the cost of outbound dial-peer selection. Generates an IOS
// config (N dial-peers, 10 translation rules), loads it through the real parser,
// builds the DialPeerTable and times matchOutbound over pre-generated numbers
// for 10 and 10,000 peers; prints one JSON line with the medians and the ratio.
#include "conf/loader.hpp"
#include "gateway/route/dial_peer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace gw;
using route::Direction;
using Clock = std::chrono::steady_clock;

namespace {

// splitmix64: the same sequence on every platform, unlike the std distributions.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
    int between(int lo, int hi) { return lo + below(hi - lo + 1); }
    bool chance(int percent) { return below(100) < percent; }
    char digit() { return static_cast<char>('0' + below(10)); }
    std::string digits(int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s += digit();
        return s;
    }

private:
    std::uint64_t s_;
};

// Keeps `value` alive as far as the optimiser can tell (DoNotOptimize).
template <class T>
void doNotOptimize(T& value) {
    asm volatile("" : "+r,m"(value) : : "memory");
}

// The 10 translation rules (with \1 groups) and the profiles that use them.
const char* kTranslation = R"(voice translation-rule 1
 rule 1 /^9\(.*\)/ /\1/
voice translation-rule 2
 rule 1 /^\(....\)$/ /+1408555\1/
voice translation-rule 3
 rule 1 /^011\(.*\)/ /+\1/
 rule 2 /^00\(.*\)/ /+\1/
voice translation-rule 4
 rule 1 /^1\(..........\)$/ /+1\1/
 rule 2 /^\([2-9].........\)$/ /+1\1/
voice translation-rule 5
 rule 1 /^\+1\(.*\)/ /\1/
voice translation-rule 6
 rule 1 /^555\(....\)$/ /\1/
voice translation-rule 7
 rule 1 /^\(...\)\(...\)\(....\)$/ /1\1\2\3/
voice translation-rule 8
 rule 1 /^0\([1-9].*\)/ /+44\1/
voice translation-rule 9
 rule 1 /^\(.*\)#$/ /\1/
voice translation-rule 10
 rule 1 /^\*67\(.*\)/ /\1/
 rule 2 /^\*82\(.*\)/ /\1/
voice translation-profile PBX-IN
 translate called 1
 translate calling 2
voice translation-profile TO-PSTN
 translate called 4
 translate calling 2
voice translation-profile INTL
 translate called 3
 translate calling 7
voice translation-profile UK
 translate called 8
 translate calling 9
voice translation-profile STRIP
 translate called 6
 translate calling 5
 translate redirect-called 10
)";
const char* kProfiles[] = {"PBX-IN", "TO-PSTN", "INTL", "UK", "STRIP"};

// A destination-pattern of a realistic plan: explicit digits with trailing
// dots (4-11 long, at least 3 literal digits), [..] ranges, E.164 '+', T.
std::string makePattern(Rng& rng) {
    int kind = rng.below(100);
    if (kind < 6) return rng.digits(rng.between(3, 6)) + "T";
    if (kind < 16) {
        static const char* ranges[] = {"[2-5]", "[0-4,7]", "[6-9]", "[1,3,5]"};
        int dots = rng.between(1, 3);
        return rng.digits(rng.between(3, 10 - dots)) + ranges[rng.below(4)] + std::string(static_cast<std::size_t>(dots), '.');
    }
    if (kind < 20) return "+" + rng.digits(rng.between(5, 8)) + std::string(static_cast<std::size_t>(rng.between(3, 5)), '.');
    int length = rng.between(4, 11);
    int dots = rng.between(0, std::min(4, length - 3));
    return rng.digits(length - dots) + std::string(static_cast<std::size_t>(dots), '.');
}

// A number that `pattern` (as makePattern writes them) matches.
std::string expandPattern(Rng& rng, const std::string& pattern) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '.') {
            out += rng.digit();
        } else if (c == 'T') {
            out += rng.digits(rng.between(0, 6));
        } else if (c == '[') {
            std::string choices;
            for (++i; pattern[i] != ']'; ++i) {
                if (pattern[i] == ',') continue;
                char hi = pattern[i + 1] == '-' ? pattern[i + 2] : pattern[i];
                for (char d = pattern[i]; d <= hi; ++d) choices += d;
                if (pattern[i + 1] == '-') i += 2;
            }
            out += choices[static_cast<std::size_t>(rng.below(static_cast<int>(choices.size())))];
        } else {
            out += c;
        }
    }
    return out;
}

struct Plan {
    std::string text;                     // the config
    std::vector<std::string> patterns;    // destination-pattern of peer i
    std::vector<bool> voip;
};

void addPeer(Plan& plan, Rng& rng, int i, const std::string& p) {
    bool voip = i % 5 < 3;   // 60% VoIP routes, 40% POTS
    std::string& t = plan.text;
    t += "dial-peer voice " + std::to_string(1000 + i) + (voip ? " voip\n" : " pots\n");
    t += " description route " + std::to_string(i) + "\n destination-pattern " + p + "\n";
    if (rng.chance(30)) t += " preference " + std::to_string(rng.between(1, 5)) + "\n";
    if (voip) {
        t += i % 9 == 4 ? std::string(" session target sip-server\n")
                        : " session target ipv4:10." + std::to_string(i / 250 % 250) + "." +
                              std::to_string(i % 250) + ".1:5060\n";
        t += i % 2 ? " codec g711alaw\n" : " codec g711ulaw\n";
        t += " dtmf-relay rtp-nte\n";
    } else {
        t += " port " + std::to_string(i % 2) + "\n";
        if (i % 4 == 1) t += " no digit-strip\n";
        if (i % 12 == 6) t += " forward-digits 4\n";
        if (i % 15 == 8) t += " prefix 9\n";
    }
    if (i % 10 == 3) t += std::string(" translation-profile outgoing ") + kProfiles[i / 10 % 5] + "\n";
    if (i % 10 == 7) t += std::string(" translation-profile incoming ") + kProfiles[i / 10 % 5] + "\n";
    if (i % 29 == 13) t += " incoming called-number " + rng.digits(4) + "T\n";
    if (i % 31 == 17) t += " answer-address " + rng.digits(3) + "....\n";
    if (i % 8 == 2) t += " huntstop\n";
    if (i % 16 == 9) t += " max-conn 4\n";
    if (i % 20 == 5) t += " shutdown\n";
    plan.patterns.push_back(p);
    plan.voip.push_back(voip);
}

Plan makePlan(int peers, std::uint64_t seed) {
    Rng rng(seed);
    Plan plan;
    plan.text = "hostname bench-gw\ncontroller e1 0\n pri-group timeslots 1-31\n source virtual /tmp/bench/span0\n"
                "controller e1 1\n pri-group timeslots 1-31\n source virtual /tmp/bench/span1\n";
    plan.text += kTranslation;
    std::set<std::string> seen;
    for (int i = 0; i < peers; ++i) {
        std::string pattern;
        do pattern = makePattern(rng);
        while (!seen.insert(pattern).second);   // distinct patterns, as a real plan has
        addPeer(plan, rng, i, pattern);
    }
    return plan;
}

struct Lookup {
    std::string called, calling;
    Direction dir;
};

// 70% numbers a peer's pattern matches (routed towards that peer's kind),
// 30% random digit strings (mostly unrouted).
std::vector<Lookup> makeLookups(const Plan& plan, int count, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<Lookup> out;
    out.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        Lookup l;
        l.calling = rng.chance(50) ? std::to_string(rng.between(2000, 4999)) : rng.digits(10);
        if (rng.chance(70)) {
            auto peer = static_cast<std::size_t>(rng.below(static_cast<int>(plan.patterns.size())));
            l.called = expandPattern(rng, plan.patterns[peer]);
            l.dir = plan.voip[peer] ? Direction::FromIsdn : Direction::FromSip;
        } else {
            l.called = rng.digits(rng.between(4, 12));
            l.dir = rng.chance(50) ? Direction::FromIsdn : Direction::FromSip;
        }
        out.push_back(std::move(l));
    }
    return out;
}

// Peak resident set of this process (VmHWM: unlike getrusage's ru_maxrss it does
// not carry over the parent's peak across fork and exec).
long maxRssKb() {
    long kb = -1;
    if (FILE* f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f))
            if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
        std::fclose(f);
    }
    return kb;
}

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Size {
    int peers = 0;
    double parseMs = 0, buildMs = 0;
    long rssKbAfterBuild = 0;
    std::shared_ptr<const route::DialPeerTable> table;
    std::vector<Lookup> lookups;
    double matchedPct = 0, candidatesPerLookup = 0;
    std::vector<double> usPerLookup;   // one per repetition
};

Size prepare(int peers, int lookups) {
    Size s;
    s.peers = peers;
    Plan plan = makePlan(peers, 0x5eed0000 + static_cast<std::uint64_t>(peers));
    conf::Config config;
    std::vector<conf::Diagnostic> errors;
    auto t0 = Clock::now();
    if (!conf::loadConfigText(plan.text, "<bench>", config, errors)) {
        for (const auto& e : errors) std::fprintf(stderr, "bench_dialpeer: %s\n", e.toString().c_str());
        std::exit(1);
    }
    s.parseMs = msSince(t0);
    t0 = Clock::now();
    s.table = route::DialPeerTable::build(config);
    s.buildMs = msSince(t0);
    s.rssKbAfterBuild = maxRssKb();
    s.lookups = makeLookups(plan, lookups, 0x10c0 + static_cast<std::uint64_t>(peers));
    return s;
}

// Active calls per peer, as the call manager would report them.
int activeCalls(int tag) { return tag % 7; }

// One pass over every lookup; returns µs per lookup. `count` fills the match statistics.
double runPass(Size& s, bool count) {
    const route::ActiveCount active = activeCalls;
    std::size_t sink = 0, matched = 0, candidates = 0;
    auto t0 = Clock::now();
    for (const Lookup& l : s.lookups) {
        route::Route r = s.table->matchOutbound(l.called, l.calling, l.dir, active);
        sink += r.candidates.size() + static_cast<std::size_t>(r.inbound.tag);
        if (!r.candidates.empty()) sink += r.candidates.front().called.size();
        doNotOptimize(sink);
        if (count) {
            matched += !r.candidates.empty();
            candidates += r.candidates.size();
        }
    }
    double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (count) {
        s.matchedPct = 100.0 * static_cast<double>(matched) / static_cast<double>(s.lookups.size());
        s.candidatesPerLookup = static_cast<double>(candidates) / static_cast<double>(s.lookups.size());
    }
    return us / static_cast<double>(s.lookups.size());
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string json(const Size& s) {
    double us = median(s.usPerLookup);
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "{\"peers\":%d,\"lookups\":%zu,\"reps\":%zu,\"us_per_lookup\":%.3f,\"lookups_per_s\":%.0f,"
                  "\"us_min\":%.3f,\"us_max\":%.3f,\"matched_pct\":%.1f,\"candidates_per_lookup\":%.2f,"
                  "\"parse_ms\":%.2f,\"build_ms\":%.2f,\"max_rss_kb_after_build\":%ld}",
                  s.peers, s.lookups.size(), s.usPerLookup.size(), us, 1e6 / us,
                  *std::min_element(s.usPerLookup.begin(), s.usPerLookup.end()),
                  *std::max_element(s.usPerLookup.begin(), s.usPerLookup.end()), s.matchedPct,
                  s.candidatesPerLookup, s.parseMs, s.buildMs, s.rssKbAfterBuild);
    return buf;
}

int usage() {
    std::fputs("usage: bench_dialpeer [--peers N] [--lookups N] [--reps N]\n", stderr);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    int large = 10000, lookups = 200000, reps = 7;
    for (int i = 1; i < argc; ++i) {
        int* target = std::strcmp(argv[i], "--peers") == 0     ? &large
                      : std::strcmp(argv[i], "--lookups") == 0 ? &lookups
                      : std::strcmp(argv[i], "--reps") == 0    ? &reps
                                                               : nullptr;
        if (!target || i + 1 >= argc) return usage();
        *target = std::atoi(argv[++i]);
    }
    if (large < 10 || lookups <= 0 || reps <= 0) return usage();

    Size sizes[] = {prepare(10, lookups), prepare(large, lookups)};
    for (Size& s : sizes) runPass(s, true);   // warm-up, and the match statistics
    for (int r = 0; r < reps; ++r)            // interleaved, so drift hits both alike
        for (Size& s : sizes) s.usPerLookup.push_back(runPass(s, false));

    double small = median(sizes[0].usPerLookup), big = median(sizes[1].usPerLookup);
    std::printf("{\"peers10\":%s,\"peers%d\":%s,\"ratio\":%.2f,\"aim_met\":%s,\"max_rss_kb\":%ld}\n",
                json(sizes[0]).c_str(), large, json(sizes[1]).c_str(), big / small,
                big < 5.0 && big / small < 3.0 ? "true" : "false", maxRssKb());
    return 0;
}
