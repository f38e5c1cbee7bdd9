// SourceAdmission: whether a new call from SIP source address may go on,
// decided before any call is created. Toll-fraud protection (`ip address
// trusted authenticate`: a source the trusted test refuses gets 403) and
// `call threshold source N` (a token bucket per address: N new calls a
// second, in bursts of up to N; beyond it 503). Each refusal is counted per
// source and logged at most once a minute per source.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gw {

// A source refused by the trusted list, for `show ip address trusted list`.
struct UntrustedSource {
    std::string address;
    std::uint64_t refused = 0;         // requests refused with 403
    std::chrono::steady_clock::time_point last{};
};

class SourceAdmission {
public:
    using Clock = std::chrono::steady_clock;
    enum class Verdict { Admit, Untrusted, OverRate };
    static constexpr std::size_t kMaxSources = 1024;   // sources remembered at once (the most recent)

    // Unset: every source is trusted.
    void setTrusted(std::function<bool(const std::string& address)> trusted) { trusted_ = std::move(trusted); }
    // 0: no limit. A change starts every bucket afresh.
    void setRate(int perSecond);
    Verdict check(const std::string& address, Clock::time_point now);

    // Most refused first.
    std::vector<UntrustedSource> untrustedSources() const;
    std::uint64_t untrustedRefused() const { return untrustedTotal_; }
    std::uint64_t rateLimited() const { return rateLimited_; }

private:
    struct Source {
        std::uint64_t untrusted = 0;   // requests refused with 403
        double tokens = 0;             // call threshold source
        Clock::time_point last{}, logged{};
    };
    Source& find(const std::string& address, Clock::time_point now);
    bool logDue(Source& s, Clock::time_point now);

    std::function<bool(const std::string&)> trusted_;
    int rate_ = 0;
    std::map<std::string, Source> sources_;
    std::uint64_t untrustedTotal_ = 0;
    std::uint64_t rateLimited_ = 0;
};

} // namespace gw
