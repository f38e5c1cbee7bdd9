// RFC 3398 cause mapping, both tables.
#include "gateway/call/cause_map.hpp"

#include <boost/test/unit_test.hpp>

using gw::q850::Cause;

BOOST_AUTO_TEST_SUITE(cause_map)

BOOST_AUTO_TEST_CASE(isdn_to_sip_rfc3398_7_2_4_1) {
    BOOST_TEST(gw::sipStatusForCause(Cause::UnallocatedNumber) == 404);
    BOOST_TEST(gw::sipStatusForCause(Cause::NormalClearing) == 0);
    BOOST_TEST(gw::sipStatusForCause(Cause::UserBusy) == 486);
    BOOST_TEST(gw::sipStatusForCause(Cause::NoUserResponding) == 408);
    BOOST_TEST(gw::sipStatusForCause(Cause::NoAnswer) == 480);
    BOOST_TEST(gw::sipStatusForCause(Cause::CallRejected) == 603);   // not 403: see the table
    BOOST_TEST(gw::sipStatusForCause(Cause::DestinationOutOfOrder) == 502);
    BOOST_TEST(gw::sipStatusForCause(Cause::InvalidNumberFormat) == 484);
    BOOST_TEST(gw::sipStatusForCause(Cause::NoCircuitAvailable) == 503);
    BOOST_TEST(gw::sipStatusForCause(Cause::RecoveryOnTimerExpiry) == 504);
    BOOST_TEST(gw::sipStatusForCause(Cause::Interworking) == 500);
    BOOST_TEST(gw::sipStatusForCause(Cause::ResponseToStatusEnquiry) == 480);   // class default
}

BOOST_AUTO_TEST_CASE(sip_to_isdn_rfc3398_8_2_6_1) {
    BOOST_TEST((gw::causeForSipStatus(404) == Cause::UnallocatedNumber));
    BOOST_TEST((gw::causeForSipStatus(486) == Cause::UserBusy));
    BOOST_TEST((gw::causeForSipStatus(480) == Cause::NoUserResponding));
    BOOST_TEST((gw::causeForSipStatus(503) == Cause::TemporaryFailure));
    BOOST_TEST((gw::causeForSipStatus(603) == Cause::CallRejected));
    BOOST_TEST((gw::causeForSipStatus(484) == Cause::InvalidNumberFormat));
    BOOST_TEST((gw::causeForSipStatus(408) == Cause::RecoveryOnTimerExpiry));
    BOOST_TEST((gw::causeForSipStatus(499) == Cause::NormalUnspecified));   // unlisted 4xx
}

BOOST_AUTO_TEST_CASE(media_refusals_and_unnamed_causes) {
    // §8.2.6.1 maps 488 and 606 by their Warning header; a media refusal is 58.
    BOOST_TEST((gw::causeForSipStatus(488) == Cause::BearerCapabilityNotAvailable));
    BOOST_TEST((gw::causeForSipStatus(606) == Cause::BearerCapabilityNotAvailable));
    BOOST_TEST((gw::causeForSipStatus(599) == Cause::TemporaryFailure));   // unlisted 5xx
    BOOST_TEST((gw::causeForSipStatus(699) == Cause::NormalUnspecified));  // unlisted 6xx
    // A value Q.850 does not name follows its class: 60 (service unavailable) -> 500.
    BOOST_TEST(gw::sipStatusForCause(*gw::q850::fromValue(60)) == 500);
    BOOST_TEST(gw::sipStatusForCause(*gw::q850::fromValue(45)) == 503);
}

BOOST_AUTO_TEST_SUITE_END()
