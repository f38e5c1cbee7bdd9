// libpri deadlines become loop timers rounded up: never early, so never a
// 0 ms re-arm for a deadline that has not passed yet.
#include "isdn/pri_clock.hpp"

#include <boost/test/unit_test.hpp>

using gw::isdn::msUntil;
using std::chrono::milliseconds;

BOOST_AUTO_TEST_SUITE(pri_clock)

BOOST_AUTO_TEST_CASE(deadlines_round_up_to_the_millisecond) {
    const timeval now{100, 999500};
    BOOST_TEST(msUntil({101, 0}, now).count() == 1);          // 0.5 ms ahead: 1 ms, not 0
    BOOST_TEST(msUntil({101, 999500}, now).count() == 1000);  // exactly 1 s
    BOOST_TEST(msUntil({101, 999501}, now).count() == 1001);  // 1 us over: the next ms
    BOOST_TEST(msUntil({102, 200}, now).count() == 1001);
    BOOST_TEST(msUntil({100, 999500}, now).count() == 0);     // due now
    BOOST_TEST(msUntil({99, 0}, now).count() == 0);           // past
}

BOOST_AUTO_TEST_SUITE_END()
