// RFC 3398 cause mapping, both tables.
#include "gateway/cause_map.hpp"

#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(cause_map)

BOOST_AUTO_TEST_CASE(isdn_to_sip_rfc3398_7_2_4_1) {
    BOOST_TEST(gw::sipStatusForCause(1) == 404);
    BOOST_TEST(gw::sipStatusForCause(16) == 0);
    BOOST_TEST(gw::sipStatusForCause(17) == 486);
    BOOST_TEST(gw::sipStatusForCause(18) == 408);
    BOOST_TEST(gw::sipStatusForCause(19) == 480);
    BOOST_TEST(gw::sipStatusForCause(21) == 403);
    BOOST_TEST(gw::sipStatusForCause(27) == 502);
    BOOST_TEST(gw::sipStatusForCause(28) == 484);
    BOOST_TEST(gw::sipStatusForCause(34) == 503);
    BOOST_TEST(gw::sipStatusForCause(102) == 504);
    BOOST_TEST(gw::sipStatusForCause(127) == 500);
    BOOST_TEST(gw::sipStatusForCause(30) == 480);   // class default
}

BOOST_AUTO_TEST_CASE(sip_to_isdn_rfc3398_8_2_6_1) {
    BOOST_TEST(gw::causeForSipStatus(404) == 1);
    BOOST_TEST(gw::causeForSipStatus(486) == 17);
    BOOST_TEST(gw::causeForSipStatus(480) == 18);
    BOOST_TEST(gw::causeForSipStatus(503) == 41);
    BOOST_TEST(gw::causeForSipStatus(603) == 21);
    BOOST_TEST(gw::causeForSipStatus(484) == 28);
    BOOST_TEST(gw::causeForSipStatus(408) == 102);
    BOOST_TEST(gw::causeForSipStatus(499) == 31);   // unlisted 4xx
}

BOOST_AUTO_TEST_SUITE_END()
