// Cisco translation-rule regular expressions (conf/cisco_regex), rules and
// profiles (gateway/translation): IOS examples, groups, anchors, rule order.
#include "conf/cisco_regex.hpp"
#include "conf/loader.hpp"
#include "gateway/route/translation.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>

using gw::conf::CiscoRegex;

namespace {

struct RegexCase {
    const char* match;
    const char* replace;
    const char* input;
    std::optional<std::string> expected;   // nullopt: no match
};

const RegexCase kRegexCases[] = {
    {"^9", "", "95551234", "5551234"},
    {"^9\\(.*\\)", "\\1", "95551234", "5551234"},
    {"^9(.*)", "\\1", "95551234", "5551234"},
    {"^\\(555\\)\\(....\\)$", "408\\2", "5551234", "4081234"},
    {"^\\(555\\)\\(....\\)$", "408\\2", "55512345", std::nullopt},
    {"1234", "5678", "5551234", "5555678"},
    {"555", "444", "15551", "14441"},
    {"^555", "444", "1555", std::nullopt},
    {".*", "8", "12345", "8"},
    {"^$", "1000", "", "1000"},
    {"^$", "1000", "1", std::nullopt},
    {"^\\(.\\)\\(.\\)", "\\2\\1", "12345", "21345"},
    {"^0+", "", "000123", "123"},
    {"^1?\\(408\\)", "\\1", "1408555", "408555"},
    {"^1?\\(408\\)", "\\1", "408555", "408555"},
    {"^\\+1\\(.*\\)", "\\1", "+14085551234", "4085551234"},
    {"\\(^...\\)456\\(...\\)", "\\1555\\2", "5094561234", "5095551234"},
    {"^(1|2)00", "X", "2001", "X1"},
    {"^[^0-4]", "X", "567", "X67"},
    {"^[2-9][0-9]*$", "\\0#", "4085", "4085#"},
    {"^\\(9\\)?\\(.*\\)", "\\1-\\2", "555", "-555"},
    {"^\\(\\(55\\)5\\)", "\\2:\\1", "5551", "55:5551"},
    {"5*$", "", "12555", "12"},
    {"^[0-9]+$", "ok", "12a", std::nullopt},
    {"^.....$", "\\0", "12345", "12345"},
    {"^0\\(.*\\)", "+49\\1", "0301234", "+49301234"},
    {"^\\(.*\\)$", "9\\1", "4000", "94000"},
};

RegexCase failing[] = {
    {"^9\\(", "", "", std::nullopt},
    {"^9)", "", "", std::nullopt},
    {"*1", "", "", std::nullopt},
    {"[12", "", "", std::nullopt},
    {"12\\", "", "", std::nullopt},
    {"\\(1\\)\\1", "", "", std::nullopt},
    {"^*", "", "", std::nullopt},
    {"1**", "", "", std::nullopt},
};

gw::conf::Config load(const char* text) {
    gw::conf::Config c;
    std::vector<gw::conf::Diagnostic> errors;
    BOOST_REQUIRE(gw::conf::loadConfigText(text, "t.cfg", c, errors));
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(test_translation)

BOOST_AUTO_TEST_CASE(regex_substitution_table) {
    for (const auto& tc : kRegexCases) {
        BOOST_TEST_CONTEXT("/" << tc.match << "/ /" << tc.replace << "/ on " << tc.input) {
            std::string err;
            auto re = CiscoRegex::compile(tc.match, err);
            BOOST_REQUIRE_MESSAGE(re, err);
            auto out = re->substitute(tc.input, tc.replace);
            BOOST_TEST(out.has_value() == tc.expected.has_value());
            if (out && tc.expected) BOOST_TEST(*out == *tc.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(bad_patterns_do_not_compile) {
    for (const auto& tc : failing) {
        std::string err;
        BOOST_TEST(!CiscoRegex::compile(tc.match, err).has_value(), tc.match);
        BOOST_TEST(!err.empty(), tc.match);
    }
}

BOOST_AUTO_TEST_CASE(replacement_checks) {
    BOOST_TEST(gw::conf::checkReplacement("\\1", 1).empty());
    BOOST_TEST(!gw::conf::checkReplacement("\\2", 1).empty());
    BOOST_TEST(!gw::conf::checkReplacement("12\\", 0).empty());
    BOOST_TEST(gw::conf::checkReplacement("\\\\", 0).empty());
}

BOOST_AUTO_TEST_CASE(pathological_pattern_terminates) {
    std::string err;
    auto re = CiscoRegex::compile("^\\(\\(.*\\)*\\)*x$", err);
    BOOST_REQUIRE(re);
    BOOST_TEST(!re->substitute("1234567890123456789012345678901234567890", "").has_value());
}

BOOST_AUTO_TEST_CASE(rules_apply_in_index_order_first_match_wins) {
    auto c = load("voice translation-rule 1\n rule 3 /^9/ /A/\n rule 1 /^8/ /B/\n rule 2 /^9/ /C/\n");
    auto r = gw::route::testTranslationRule(c, 1, "912");
    BOOST_TEST(r.ruleExists);
    BOOST_TEST(r.matched);
    BOOST_TEST(r.ruleIndex == 2);
    BOOST_TEST(r.number == "C12");
    r = gw::route::testTranslationRule(c, 1, "812");
    BOOST_TEST(r.number == "B12");
    r = gw::route::testTranslationRule(c, 1, "712");
    BOOST_TEST(!r.matched);
    BOOST_TEST(r.number == "712");
    r = gw::route::testTranslationRule(c, 99, "712");
    BOOST_TEST(!r.ruleExists);
    BOOST_TEST(r.number == "712");
}

BOOST_AUTO_TEST_CASE(profile_translates_each_number) {
    auto c = load("voice translation-rule 1\n rule 1 /^9\\(.*\\)/ /\\1/\n"
                  "voice translation-rule 2\n rule 1 /^0/ /+49/\n"
                  "voice translation-rule 3\n rule 1 /.*/ /1000/\n"
                  "voice translation-profile P\n translate called 1\n translate calling 2\n translate redirect-called 3\n"
                  "voice translation-profile MISSING-RULE\n translate called 42\n");
    gw::route::Translator t(c);
    auto n = t.applyProfile("P", {"95551234", "0301234", "2000"});
    BOOST_TEST((n == gw::route::Numbers{"5551234", "+49301234", "1000"}));
    n = t.applyProfile("MISSING-RULE", {"95551234", "1", "2"});
    BOOST_TEST((n == gw::route::Numbers{"95551234", "1", "2"}));
    n = t.applyProfile("NO-SUCH-PROFILE", {"95551234", "1", "2"});
    BOOST_TEST(n.called == "95551234");
    BOOST_TEST(t.profile("P") != nullptr);
    BOOST_TEST(t.profile("nope") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
