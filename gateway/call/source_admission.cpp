// SourceAdmission: one record per source address, for both the trusted
// list's refusals and the per-source token bucket.
#include "gateway/call/source_admission.hpp"

#include "kernel/log.hpp"

#include <algorithm>

namespace gw {

void SourceAdmission::setRate(int perSecond) {
    if (perSecond == rate_) return;
    rate_ = perSecond;
    for (auto& [address, s] : sources_) s.tokens = rate_;
}

// The record of `address`, made with a full bucket. A full table forgets
// the source seen longest ago, so that a flood from ever new addresses
// neither grows it nor escapes the threshold (the refusal total still counts).
SourceAdmission::Source& SourceAdmission::find(const std::string& address, Clock::time_point now) {
    auto it = sources_.find(address);
    if (it != sources_.end()) return it->second;
    if (sources_.size() >= kMaxSources) {
        sources_.erase(std::min_element(sources_.begin(), sources_.end(),
                                        [](const auto& a, const auto& b) { return a.second.last < b.second.last; }));
    }
    return sources_.emplace(address, Source{0, static_cast<double>(rate_), now, {}}).first->second;
}

bool SourceAdmission::logDue(Source& s, Clock::time_point now) {
    if (s.logged != Clock::time_point{} && now - s.logged < std::chrono::minutes(1)) return false;
    s.logged = now;
    return true;
}

SourceAdmission::Verdict SourceAdmission::check(const std::string& address, Clock::time_point now) {
    if (trusted_ && !trusted_(address)) {
        ++untrustedTotal_;
        Source& s = find(address, now);
        ++s.untrusted;
        s.last = now;
        if (logDue(s, now))
            GW_WARN("SIP call from untrusted source %s refused with 403 (%llu so far); add it to `voice service voip` "
                    "-> `ip address trusted list` if it is a phone or proxy of yours",
                    address.c_str(), static_cast<unsigned long long>(s.untrusted));
        return Verdict::Untrusted;
    }
    if (rate_ <= 0) return Verdict::Admit;
    Source& s = find(address, now);
    const double elapsed = std::chrono::duration<double>(now - s.last).count();
    s.tokens = std::min<double>(rate_, s.tokens + elapsed * rate_);
    s.last = now;
    if (s.tokens >= 1.0) {
        s.tokens -= 1.0;
        return Verdict::Admit;
    }
    ++rateLimited_;
    if (logDue(s, now))
        GW_WARN("SIP calls from %s over call threshold source %d/s: refused with 503 Retry-After 1", address.c_str(),
                rate_);
    return Verdict::OverRate;
}

std::vector<UntrustedSource> SourceAdmission::untrustedSources() const {
    std::vector<UntrustedSource> out;
    for (const auto& [address, s] : sources_)
        if (s.untrusted) out.push_back({address, s.untrusted, s.last});
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.refused > b.refused; });
    return out;
}

} // namespace gw
