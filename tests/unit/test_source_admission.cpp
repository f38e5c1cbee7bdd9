// SourceAdmission: the trusted test and the per-source token bucket, with a
// hand-driven clock, and a table that stays bounded under a flood from ever
// new addresses without letting them past the threshold.
#include "gateway/call/source_admission.hpp"

#include <boost/test/unit_test.hpp>

using namespace gw;
using V = SourceAdmission::Verdict;

BOOST_AUTO_TEST_SUITE(source_admission)

BOOST_AUTO_TEST_CASE(a_flood_from_new_addresses_stays_bounded_and_limited) {
    SourceAdmission a;
    a.setTrusted([](const std::string& address) { return address.rfind("10.", 0) == 0; });
    a.setRate(1);
    const auto t0 = SourceAdmission::Clock::time_point{} + std::chrono::hours(1);
    for (int i = 0; i < 3000; ++i)
        BOOST_TEST((a.check("192.0.2." + std::to_string(i), t0) == V::Untrusted));
    BOOST_TEST(a.untrustedRefused() == 3000u);
    BOOST_TEST(a.untrustedSources().size() == SourceAdmission::kMaxSources);
    // The table is full of refused sources: a trusted one is still held to 1 a second.
    BOOST_TEST((a.check("10.0.0.1", t0) == V::Admit));
    BOOST_TEST((a.check("10.0.0.1", t0) == V::OverRate));
    BOOST_TEST((a.check("10.0.0.1", t0 + std::chrono::seconds(1)) == V::Admit));
    BOOST_TEST(a.rateLimited() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
