// Dial-peer routing: a table of IOS routing cases (wildcards, T, ranges,
// preference ties, huntstop, max-conn, shutdown, digit-strip, forward-digits,
// prefix, translation) plus inbound selection, explain and the trie index.
#include "conf/loader.hpp"
#include "gateway/route/dial_peer.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <optional>

using namespace gw;
using route::Direction;

namespace {

const char* kWild = R"(
dial-peer voice 1 pots
 destination-pattern 5551234
 port 0
dial-peer voice 2 pots
 destination-pattern 555....
 port 0
dial-peer voice 3 pots
 destination-pattern 555[0-4]...
 port 0
dial-peer voice 4 pots
 destination-pattern 555T
 port 0
dial-peer voice 5 pots
 destination-pattern 9T
 port 1
dial-peer voice 6 pots
 destination-pattern .......
 port 1
dial-peer voice 7 pots
 destination-pattern 1[2-9]..[2-9]......
 port 1
dial-peer voice 8 pots
 destination-pattern +1408.......
 port 1
dial-peer voice 9 pots
 destination-pattern 911
 port 1
)";

const char* kRange = R"(
dial-peer voice 40 pots
 destination-pattern [2-4]...
dial-peer voice 41 pots
 destination-pattern [2,4,6]...
dial-peer voice 42 pots
 destination-pattern [^2-8]...
dial-peer voice 43 pots
 destination-pattern [*#]..
)";

const char* kPref = R"(
dial-peer voice 10 pots
 destination-pattern 2...
 preference 2
dial-peer voice 11 pots
 destination-pattern 2...
 preference 1
dial-peer voice 12 pots
 destination-pattern 2...
dial-peer voice 13 pots
 destination-pattern 2...
dial-peer voice 14 pots
 destination-pattern 20..
 preference 5
)";

const char* kHunt = R"(
dial-peer voice 20 pots
 destination-pattern 3...
 max-conn 2
dial-peer voice 21 pots
 destination-pattern 3...
 preference 1
 huntstop
dial-peer voice 22 pots
 destination-pattern 3...
 preference 2
dial-peer voice 23 pots
 destination-pattern 30..
 shutdown
dial-peer voice 24 pots
 destination-pattern 31..
 huntstop
dial-peer voice 25 pots
 destination-pattern 3[5-9]..
 max-conn 1
 huntstop
)";

const char* kDigits = R"(
dial-peer voice 30 pots
 destination-pattern 9T
dial-peer voice 31 pots
 destination-pattern 8T
 no digit-strip
dial-peer voice 32 pots
 destination-pattern 7[0-9]..
 forward-digits 2
dial-peer voice 33 pots
 destination-pattern 6...
 forward-digits all
dial-peer voice 34 pots
 destination-pattern 5...
 prefix 81
dial-peer voice 35 pots
 destination-pattern 4...
 no digit-strip
 prefix 0
dial-peer voice 36 pots
 destination-pattern 3.5.
dial-peer voice 37 pots
 destination-pattern 2...
 forward-digits 10
 prefix 9
dial-peer voice 38 pots
 destination-pattern 1...
 forward-digits 0
 prefix 100
dial-peer voice 39 pots
 destination-pattern +49T
)";

const char* kVoip = R"(
dial-peer voice 100 voip
 destination-pattern 555....
 session target ipv4:10.0.0.1
dial-peer voice 101 voip
 destination-pattern 5551...
 session target ipv4:10.0.0.2:5070
 preference 3
dial-peer voice 102 voip
 destination-pattern T
 session target dns:fallback.example.net
 preference 9
dial-peer voice 103 voip
 destination-pattern 9T
 session target sip-server
)";

const char* kXlate = R"(
voice translation-rule 1
 rule 1 /^9\(.*\)/ /\1/
voice translation-rule 2
 rule 1 /^\(....\)$/ /8\1/
voice translation-rule 3
 rule 1 /^0/ /+49/
voice translation-rule 4
 rule 1 /^\(...\)\(....\)$/ /\2/
voice translation-profile IN
 translate called 1
voice translation-profile OUT
 translate called 2
 translate calling 3
voice translation-profile SHORT
 translate called 4
dial-peer voice 300 voip
 incoming called-number 9T
 translation-profile incoming IN
dial-peer voice 301 pots
 destination-pattern 555....
 translation-profile outgoing OUT
dial-peer voice 302 pots
 destination-pattern 666....
 no digit-strip
 translation-profile outgoing SHORT
dial-peer voice 303 pots
 destination-pattern 777....
 translation-profile outgoing NOT-CONFIGURED
)";

struct RouteCase {
    const char* name;
    const char* config;
    Direction dir;
    std::string called;
    std::vector<int> tags;                    // expected hunt order
    std::optional<std::string> firstCalled;   // called number sent by the first candidate
    std::map<int, int> active = {};
    std::string calling = "4085550100";
};

constexpr auto S = Direction::FromSip;
constexpr auto I = Direction::FromIsdn;

const std::vector<RouteCase>& routeCases() {
    static const std::vector<RouteCase> cases = {
        // literal beats range beats '.' beats T; whole-number match
        {"exact number wins, all literals stripped", kWild, S, "5551234", {1, 3, 2, 4, 6}, ""},
        {"range before dots", kWild, S, "5552000", {3, 2, 4, 6}, "2000"},
        {"range does not match 5", kWild, S, "5555678", {2, 4, 6}, "5678"},
        {"range lower bound", kWild, S, "5550000", {3, 2, 4, 6}, "0000"},
        {"range upper bound", kWild, S, "5554999", {3, 2, 4, 6}, "4999"},
        {"T matches zero further digits", kWild, S, "555", {4}, ""},
        {"T matches one digit", kWild, S, "5551", {4}, "1"},
        {"T matches long numbers", kWild, S, "55512345678", {4}, "12345678"},
        {"T absorbs star", kWild, S, "5551234*", {4}, "1234*"},
        {"9T strips access code", kWild, S, "95551234", {5}, "5551234"},
        {"9T alone", kWild, S, "9", {5}, ""},
        {"911 explicit before 9T", kWild, S, "911", {9, 5}, ""},
        {"dots only", kWild, S, "1234567", {6}, "1234567"},
        {"NANP ranges", kWild, S, "14085551234", {7}, "4085551234"},
        {"NANP range rejects 0 area code", kWild, S, "10085551234", {}, std::nullopt},
        {"leading plus literal", kWild, S, "+14085551234", {8}, "5551234"},
        {"plus required", kWild, S, "14085551234", {7}, std::nullopt},
        {"too short for dots", kWild, S, "123456", {}, std::nullopt},
        {"non-digit number matches nothing", kWild, S, "alice", {}, std::nullopt},
        {"empty number matches nothing", kWild, S, "", {}, std::nullopt},
        {"pots peers are not outbound from ISDN", kWild, I, "5551234", {}, std::nullopt},
        // ranges
        {"equal ranges tie on tag", kRange, S, "2000", {40, 41}, "2000"},
        {"contiguous range only", kRange, S, "3000", {40}, "3000"},
        {"both ranges contain 4", kRange, S, "4000", {40, 41}, std::nullopt},
        {"comma list", kRange, S, "6000", {41}, std::nullopt},
        {"negated range 9", kRange, S, "9000", {42}, std::nullopt},
        {"negated range 0", kRange, S, "0123", {42}, std::nullopt},
        {"outside every range", kRange, S, "5000", {}, std::nullopt},
        {"star in range", kRange, S, "*12", {43}, "*12"},
        {"hash in range", kRange, S, "#99", {43}, std::nullopt},
        {"7 in no range", kRange, S, "7000", {}, std::nullopt},
        // preference and ties
        {"longer match beats preference", kPref, S, "2000", {14, 12, 13, 11, 10}, "00"},
        {"preference then tag", kPref, S, "2100", {12, 13, 11, 10}, "100"},
        {"three digits do not match 2...", kPref, S, "210", {}, std::nullopt},
        // huntstop, max-conn, shutdown
        {"shutdown skipped, huntstop ends hunt", kHunt, S, "3000", {20, 21}, "000"},
        {"max-conn reached skips peer", kHunt, S, "3000", {21}, "000", {{20, 2}}},
        {"below max-conn", kHunt, S, "3000", {20, 21}, std::nullopt, {{20, 1}}},
        {"over max-conn", kHunt, S, "3200", {21}, std::nullopt, {{20, 5}}},
        {"huntstop on the best peer", kHunt, S, "3100", {24}, "00"},
        {"no longer match for 32..", kHunt, S, "3200", {20, 21}, std::nullopt},
        {"huntstop peer available", kHunt, S, "3500", {25}, std::nullopt},
        {"skipped peer's huntstop does not apply", kHunt, S, "3500", {20, 21}, std::nullopt, {{25, 1}}},
        {"everything busy", kHunt, S, "3500", {21}, std::nullopt, {{25, 1}, {20, 2}}},
        {"counts for other tags ignored", kHunt, S, "3000", {20, 21}, std::nullopt, {{22, 100}}},
        // digit manipulation
        {"digit-strip of leading literal", kDigits, S, "95551234", {30}, "5551234"},
        {"no digit-strip", kDigits, S, "85551234", {31}, "85551234"},
        {"forward-digits 2", kDigits, S, "7123", {32}, "23"},
        {"forward-digits all", kDigits, S, "6123", {33}, "6123"},
        {"strip then prefix", kDigits, S, "5123", {34}, "81123"},
        {"no strip then prefix", kDigits, S, "4123", {35}, "04123"},
        {"strip stops at first wildcard", kDigits, S, "3456", {36}, "456"},
        {"forward-digits longer than number", kDigits, S, "2345", {37}, "92345"},
        {"forward-digits 0 and prefix", kDigits, S, "1234", {38}, "100"},
        {"strip leading plus", kDigits, S, "+4930123", {39}, "30123"},
        // VoIP outbound: numbers forwarded unchanged
        {"voip longest match first", kVoip, I, "5551000", {101, 100, 102}, "5551000"},
        {"voip fallback T", kVoip, I, "5559000", {100, 102}, "5559000"},
        {"voip T matches short number", kVoip, I, "12", {102}, "12"},
        {"voip T matches empty number", kVoip, I, "", {102}, ""},
        {"voip 9T does not strip", kVoip, I, "95551234", {103, 102}, "95551234"},
        {"voip peers are not outbound from SIP", kVoip, S, "5551000", {}, std::nullopt},
        // translation
        {"incoming translation then strip then outgoing", kXlate, S, "95551234", {301}, "81234"},
        {"no incoming translation without inbound match", kXlate, S, "5551234", {301}, "81234"},
        {"outgoing translation with groups", kXlate, S, "6661234", {302}, "1234"},
        {"incoming translation before matching 666", kXlate, S, "96661234", {302}, "1234"},
        {"missing outgoing profile leaves number", kXlate, S, "7771234", {303}, "1234"},
        {"translated number no longer matches", kXlate, S, "9123", {}, std::nullopt},
    };
    return cases;
}

conf::Config load(const char* text) {
    conf::Config c;
    std::vector<conf::Diagnostic> errors;
    bool ok = conf::loadConfigText(text, "routing.cfg", c, errors);
    for (const auto& e : errors) BOOST_TEST_MESSAGE(e.toString());
    BOOST_REQUIRE(ok);
    return c;
}

std::vector<int> tagsOf(const route::Route& r) {
    std::vector<int> tags;
    for (const auto& c : r.candidates) tags.push_back(c.tag);
    return tags;
}

} // namespace

BOOST_AUTO_TEST_SUITE(test_dial_peer)

BOOST_AUTO_TEST_CASE(routing_table) {
    BOOST_TEST(routeCases().size() >= 60u);
    for (const auto& tc : routeCases()) {
        BOOST_TEST_CONTEXT(tc.name << ": " << tc.called) {
            route::DialPeerTable table(load(tc.config));
            auto active = [&](int tag) { auto it = tc.active.find(tag); return it == tc.active.end() ? 0 : it->second; };
            auto r = table.matchOutbound(tc.called, tc.calling, tc.dir, active);
            BOOST_TEST(tagsOf(r) == tc.tags, boost::test_tools::per_element());
            if (tc.firstCalled && !r.candidates.empty()) BOOST_TEST(r.candidates.front().called == *tc.firstCalled);
        }
    }
}

BOOST_AUTO_TEST_CASE(candidate_carries_peer_settings) {
    auto table = route::DialPeerTable::build(load(R"(
dial-peer voice 5 voip
 destination-pattern 4...
 session target ipv4:192.0.2.5:5080
 session transport tcp
 codec g711alaw
 voice-class codec 7
 dtmf-relay rtp-nte sip-info
 preference 4
 huntstop
dial-peer voice 6 pots
 destination-pattern 4...
 port 3
)"));
    auto r = table->matchOutbound("4000", "100", Direction::FromIsdn);
    BOOST_REQUIRE(r.candidates.size() == 1u);
    const auto& c = r.candidates[0];
    BOOST_TEST((c.target == conf::SessionTarget{conf::TargetKind::Ipv4, "192.0.2.5", 5080}));
    BOOST_TEST(c.transport == "tcp");
    BOOST_TEST((c.codec == conf::Codec::G711Alaw));
    BOOST_TEST(c.voiceClassCodec.value_or(0) == 7);
    BOOST_TEST((c.dtmfRelay == std::vector{conf::DtmfRelay::RtpNte, conf::DtmfRelay::SipInfo}));
    BOOST_TEST(c.preference == 4);
    BOOST_TEST(c.huntstop);
    BOOST_TEST(c.pattern == "4...");
    BOOST_TEST(c.reason.find("destination-pattern 4...") != std::string::npos);
    r = table->matchOutbound("4000", "100", Direction::FromSip);
    BOOST_REQUIRE(r.candidates.size() == 1u);
    BOOST_TEST(r.candidates[0].port.value_or(-1) == 3);
    BOOST_TEST(r.candidates[0].called == "000");
    BOOST_TEST((r.candidates[0].codec == conf::Codec::G711Ulaw));   // default
    BOOST_TEST(r.candidates[0].transport == "udp");
}

BOOST_AUTO_TEST_CASE(number_steps_are_recorded) {
    route::DialPeerTable table(load(kXlate));
    auto r = table.matchOutbound("95551234", "0301234", Direction::FromSip);
    BOOST_REQUIRE(r.candidates.size() == 1u);
    BOOST_TEST(r.inbound.tag == 300);
    BOOST_TEST(r.inbound.called == "5551234");
    const auto& c = r.candidates[0];
    std::vector<std::string> numbers;
    for (const auto& s : c.calledSteps) numbers.push_back(s.number);
    BOOST_TEST((numbers == std::vector<std::string>{"95551234", "5551234", "1234", "81234"}));
    BOOST_TEST(c.calledSteps[1].what.find("translation-profile incoming IN") == 0);
    BOOST_TEST(c.calledSteps[2].what == "digit-strip 555");
    BOOST_TEST(c.calledSteps[3].what.find("translation-profile outgoing OUT") == 0);
    BOOST_TEST(c.calling == "+49301234");
    BOOST_TEST(c.callingSteps.back().number == "+49301234");
}

struct InboundCase {
    Direction dir;
    std::string called, calling;
    int tag;
};

BOOST_AUTO_TEST_CASE(inbound_selection_order) {
    route::DialPeerTable table(load(R"(
dial-peer voice 200 voip
 incoming called-number 555....
dial-peer voice 201 voip
 answer-address 408.......
dial-peer voice 202 voip
 destination-pattern 650.......
dial-peer voice 203 voip
 incoming called-number 5551...
 shutdown
dial-peer voice 204 pots
 incoming called-number .T
dial-peer voice 205 voip
 incoming called-number 5552...
dial-peer voice 206 voip
 incoming called-number 5552...
 preference 1
dial-peer voice 207 pots
 answer-address 2...
 incoming called-number 99
)"));
    const InboundCase cases[] = {
        {Direction::FromSip, "5551234", "4085550000", 200},   // called-number first; 203 shut down
        {Direction::FromSip, "5552000", "4085550000", 205},   // more literal digits
        {Direction::FromSip, "1111", "4085550000", 201},      // then answer-address
        {Direction::FromSip, "1111", "6505550000", 202},      // then destination-pattern on calling
        {Direction::FromSip, "1111", "7775550000", 0},        // default peer 0
        {Direction::FromIsdn, "1111", "2000", 204},           // called-number .T before answer-address
        {Direction::FromIsdn, "", "2000", 207},               // answer-address
        {Direction::FromIsdn, "", "", 0},
    };
    for (const auto& tc : cases) {
        auto m = table.matchInbound(tc.called, tc.calling, tc.dir);
        BOOST_TEST(m.tag == tc.tag, tc.called << "/" << tc.calling);
        BOOST_TEST(!m.reason.empty());
    }
}

BOOST_AUTO_TEST_CASE(inbound_falls_back_to_the_port_of_the_call) {
    route::DialPeerTable table(load(R"(
voice translation-rule 1
 rule 1 /^/ /0/
voice translation-profile ADD0
 translate calling 1
dial-peer voice 1 pots
 port 0
 translation-profile incoming ADD0
dial-peer voice 2 pots
 port 1
 shutdown
dial-peer voice 3 pots
 port 1
dial-peer voice 4 pots
 incoming called-number 7...
dial-peer voice 9 voip
 destination-pattern T
 session target ipv4:192.0.2.1
)"));
    BOOST_TEST(table.matchInbound("5000", "100", Direction::FromIsdn, 0).tag == 1);
    BOOST_TEST(table.matchInbound("5000", "100", Direction::FromIsdn, 1).tag == 3);   // 2 is shut down
    BOOST_TEST(table.matchInbound("5000", "100", Direction::FromIsdn, 2).tag == 0);
    BOOST_TEST(table.matchInbound("5000", "100", Direction::FromIsdn).tag == 0);
    BOOST_TEST(table.matchInbound("7000", "100", Direction::FromIsdn, 0).tag == 4);   // patterns first
    BOOST_TEST(table.matchInbound("5000", "100", Direction::FromSip, 0).tag == 9);    // destination-pattern T on calling
    auto r = table.matchOutbound("5000", "100", Direction::FromIsdn, {}, 0);
    BOOST_TEST(r.inbound.tag == 1);
    BOOST_REQUIRE(r.candidates.size() == 1u);
    BOOST_TEST(r.candidates[0].calling == "0100");   // the port peer's incoming translation applied
}

BOOST_AUTO_TEST_CASE(explain_lists_every_peer) {
    route::DialPeerTable table(load(kHunt));
    auto entries = table.explain("3000", "100", Direction::FromSip, [](int tag) { return tag == 20 ? 2 : 0; });
    std::map<int, std::string> outbound;
    for (const auto& e : entries)
        if (e.stage == route::ExplainEntry::Stage::Outbound) outbound[e.tag] = e.why;
    BOOST_TEST(outbound.size() == 6u);
    BOOST_TEST(outbound[20].find("max-conn 2 reached") != std::string::npos);
    BOOST_TEST(outbound[21].find("candidate 1") == 0);
    BOOST_TEST(outbound[22].find("huntstop on dial-peer 21") != std::string::npos);
    BOOST_TEST(outbound[23].find("shutdown") != std::string::npos);
    BOOST_TEST(outbound[24].find("does not match") != std::string::npos);
    std::string text = route::formatExplain(entries);
    BOOST_TEST(text.find("outbound * dial-peer 21 pots: candidate 1") != std::string::npos);
    BOOST_TEST(text.find("inbound    dial-peer 0") != std::string::npos);
    auto both = table.explain("3000", "100");
    BOOST_TEST(both.size() > entries.size());
}

BOOST_AUTO_TEST_CASE(table_is_shareable_and_independent_of_config) {
    conf::Config c = load(kWild);
    auto table = route::DialPeerTable::build(c);
    c.dialPeers.clear();   // later config changes do not affect a built table
    std::shared_ptr<const route::DialPeerTable> held = table;
    BOOST_TEST(held->matchOutbound("5551234", "", Direction::FromSip).candidates.size() == 5u);
    BOOST_TEST(held->peer(2) != nullptr);
    BOOST_TEST(held->peer(99) == nullptr);
}

// Overlap receiving asks whether more digits could still match.
BOOST_AUTO_TEST_CASE(trie_says_whether_more_digits_may_match) {
    route::PatternTrie trie;
    conf::DialPattern p;
    BOOST_REQUIRE(conf::parseDialPattern("5552...", p).empty());
    trie.insert(p, 1);
    BOOST_REQUIRE(conf::parseDialPattern("9T", p).empty());
    trie.insert(p, 2);
    BOOST_REQUIRE(conf::parseDialPattern("55[0-3]", p).empty());
    trie.insert(p, 3);
    BOOST_TEST(trie.canExtend(""));
    BOOST_TEST(trie.canExtend("555"));        // 5552... still ahead
    BOOST_TEST(trie.canExtend("55"));         // 55[0-3] and 5552...
    BOOST_TEST(!trie.canExtend("552"));       // 55[0-3] matched whole, nothing longer
    BOOST_TEST(!trie.canExtend("5552000"));   // complete, nothing longer
    BOOST_TEST(!trie.canExtend("55520001"));  // too long for anything
    BOOST_TEST(trie.canExtend("9"));          // T takes more
    BOOST_TEST(trie.canExtend("91234"));
    BOOST_TEST(!trie.canExtend("7"));
    BOOST_TEST(!trie.canExtend("5x"));        // not a dialable number

    auto table = route::DialPeerTable::build(load(R"(
dial-peer voice 1 voip
 destination-pattern 5552...
 session target ipv4:127.0.0.1
)"));
    BOOST_TEST(table->mayExtend("555", "", Direction::FromIsdn));
    BOOST_TEST(!table->mayExtend("5552000", "", Direction::FromIsdn));
    BOOST_TEST(!table->mayExtend("555", "", Direction::FromSip));   // no pots peer at all
}

BOOST_AUTO_TEST_CASE(trie_shares_prefixes_and_scales) {
    route::PatternTrie trie;
    conf::DialPattern p;
    for (int i = 0; i < 1000; ++i) {
        BOOST_REQUIRE(conf::parseDialPattern("408555" + std::to_string(1000 + i), p).empty());
        trie.insert(p, i);
    }
    BOOST_TEST(trie.nodeCount() < 1200u);   // 1000 numbers share the 408555 prefix
    BOOST_REQUIRE(conf::parseDialPattern("408555[0-4]...", p).empty());
    trie.insert(p, 5000);
    BOOST_REQUIRE(conf::parseDialPattern("408555[0-4]..9", p).empty());
    trie.insert(p, 5001);
    auto hits = trie.match("4085551009");
    std::sort(hits.begin(), hits.end());
    BOOST_TEST((hits == std::vector<int>{9, 5000, 5001}));
    BOOST_TEST(trie.match("4085555009").empty());

    conf::Config big;
    for (int tag = 1; tag <= 5000; ++tag) {
        auto& peer = big.dialPeers[tag];
        peer.tag = tag;
        peer.destinationPattern = std::to_string(100000 + tag) + "....";
    }
    route::DialPeerTable table(big);
    for (int i = 0; i < 2000; ++i) {
        auto r = table.matchOutbound(std::to_string(100000 + 1 + i) + "1234", "", Direction::FromSip);
        BOOST_REQUIRE(r.candidates.size() == 1u);
        BOOST_TEST(r.candidates[0].tag == 1 + i);
    }
}

BOOST_AUTO_TEST_CASE(dial_pattern_parsing) {
    conf::DialPattern p;
    BOOST_TEST(conf::parseDialPattern("+1[2-9]..[2-9,0]....T", p).empty());
    BOOST_TEST(p.literals == 2);
    BOOST_TEST(p.sets == 2);
    BOOST_TEST(p.setWidth == 8 + 9);
    BOOST_TEST(p.anys == 6);
    BOOST_TEST(p.variable);
    BOOST_TEST(p.leadingLiterals == 2);
    for (const char* bad : {"", "12T3", "1+2", "[", "[]", "[9-1]", "12a", "[1-]", "[^0-9*#]"})
        BOOST_TEST(!conf::parseDialPattern(bad, p).empty(), bad);
    BOOST_TEST(conf::parseDialPattern("1*#", p).empty());
    BOOST_TEST(conf::matchesDialPattern(p, "1*#"));
    BOOST_TEST(!conf::matchesDialPattern(p, "1*"));
}

BOOST_AUTO_TEST_SUITE_END()
