// Voice translation rules and profiles of a Config, compiled once: a rule
// rewrites a number with the first of its `rule K /match/ /replace/` lines
// that matches (in K order, as IOS); a profile applies rules to called,
// calling and redirect-called numbers.
#pragma once

#include "conf/cisco_regex.hpp"
#include "conf/config.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gw::route {

struct RuleResult {
    bool ruleExists = false;   // `voice translation-rule N` is configured
    bool matched = false;      // one of its rules matched
    int ruleIndex = 0;         // K of the rule line that matched
    std::string match, replace;
    std::string number;        // the translated number (the input when nothing matched)
};

struct Numbers {
    std::string called, calling, redirectCalled;
    bool operator==(const Numbers&) const = default;
};

class Translator {
public:
    explicit Translator(const conf::Config& config);

    RuleResult applyRule(int rule, std::string_view number) const;
    // A missing profile, or a profile naming a missing rule, leaves the numbers as they are (IOS).
    Numbers applyProfile(const std::string& profile, Numbers numbers) const;
    const conf::TranslationProfile* profile(const std::string& name) const;

private:
    struct Compiled {
        int index;
        conf::CiscoRegex regex;
        std::string match, replace;
    };
    std::map<int, std::vector<Compiled>> rules_;
    std::map<std::string, conf::TranslationProfile> profiles_;
};

// `test voice translation-rule N NUMBER`.
RuleResult testTranslationRule(const conf::Config& config, int rule, const std::string& number);

} // namespace gw::route
