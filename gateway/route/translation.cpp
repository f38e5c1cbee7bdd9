// Compiled translation rules and profiles.
#include "gateway/route/translation.hpp"

namespace gw::route {

Translator::Translator(const conf::Config& config) : profiles_(config.translationProfiles) {
    for (const auto& [n, rule] : config.translationRules) {
        auto& list = rules_[n];
        for (const auto& [k, mr] : rule.rules) {
            std::string err;
            auto re = conf::CiscoRegex::compile(mr.first, err);
            if (re) list.push_back({k, std::move(*re), mr.first, mr.second});
        }
    }
}

RuleResult Translator::applyRule(int rule, std::string_view number) const {
    RuleResult r;
    r.number = std::string(number);
    auto it = rules_.find(rule);
    if (it == rules_.end()) return r;
    r.ruleExists = true;
    for (const auto& c : it->second) {
        if (auto out = c.regex.substitute(number, c.replace)) {
            r.matched = true;
            r.ruleIndex = c.index;
            r.match = c.match;
            r.replace = c.replace;
            r.number = *out;
            return r;
        }
    }
    return r;
}

Numbers Translator::applyProfile(const std::string& profile, Numbers n) const {
    auto it = profiles_.find(profile);
    if (it == profiles_.end()) return n;
    const auto& p = it->second;
    if (p.called) n.called = applyRule(*p.called, n.called).number;
    if (p.calling) n.calling = applyRule(*p.calling, n.calling).number;
    if (p.redirectCalled) n.redirectCalled = applyRule(*p.redirectCalled, n.redirectCalled).number;
    return n;
}

const conf::TranslationProfile* Translator::profile(const std::string& name) const {
    auto it = profiles_.find(name);
    return it == profiles_.end() ? nullptr : &it->second;
}

RuleResult testTranslationRule(const conf::Config& config, int rule, const std::string& number) {
    conf::Config only;
    if (auto it = config.translationRules.find(rule); it != config.translationRules.end())
        only.translationRules.emplace(rule, it->second);
    return Translator(only).applyRule(rule, number);
}

} // namespace gw::route
