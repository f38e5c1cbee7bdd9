// The Q.850 vocabulary: names, texts and classes.
#include "isdn/q850.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using gw::q850::Cause;
using gw::q850::Class;

BOOST_AUTO_TEST_SUITE(q850)

BOOST_AUTO_TEST_CASE(named_causes_carry_their_table_1_text) {
    BOOST_TEST(gw::q850::text(Cause::NormalClearing) == "normal call clearing");
    BOOST_TEST(gw::q850::text(Cause::UserBusy) == "user busy");
    BOOST_TEST(gw::q850::text(Cause::TemporaryFailure) == "temporary failure");
    BOOST_TEST(gw::q850::text(Cause::RequestedChannelNotAvailable) == "requested circuit/channel not available");
    BOOST_TEST(gw::q850::text(Cause::Interworking) == "interworking, unspecified");
    BOOST_TEST(gw::q850::value(Cause::NoCircuitAvailable) == 34);
}

BOOST_AUTO_TEST_CASE(every_named_cause_has_text_and_unnamed_values_fall_back_to_their_class) {
    int named = 0;
    for (int v = 1; v < 128; ++v) {
        Cause c = *gw::q850::fromValue(v);
        BOOST_TEST(!gw::q850::text(c).empty(), "value " << v);
        named += gw::q850::isNamed(c);
    }
    BOOST_TEST(named == 68);   // every value the enum names
    // 60 is not in Table 1: it is carried unchanged, with its class's text.
    Cause c60 = *gw::q850::fromValue(60);
    BOOST_TEST(gw::q850::value(c60) == 60);
    BOOST_TEST(!gw::q850::isNamed(c60));
    BOOST_TEST(gw::q850::text(c60) == "service or option not available, unspecified");
    BOOST_TEST(!gw::q850::fromValue(128).has_value());
    BOOST_TEST(!gw::q850::fromValue(-1).has_value());
    BOOST_TEST(gw::q850::value(gw::q850::fromValueOr(300, Cause::ProtocolError)) == 111);
}

BOOST_AUTO_TEST_CASE(class_is_the_value_s_top_bits) {
    BOOST_TEST((gw::q850::classOf(Cause::NormalUnspecified) == Class::Normal));
    BOOST_TEST((gw::q850::classOf(Cause::NoCircuitAvailable) == Class::ResourceUnavailable));
    BOOST_TEST((gw::q850::classOf(Cause::ResourceUnavailable) == Class::ResourceUnavailable));
    BOOST_TEST((gw::q850::classOf(Cause::BearerCapabilityNotAvailable) == Class::ServiceUnavailable));
    BOOST_TEST((gw::q850::classOf(Cause::ServiceNotImplemented) == Class::ServiceNotImplemented));
    BOOST_TEST((gw::q850::classOf(Cause::InvalidCallReference) == Class::InvalidMessage));
    BOOST_TEST((gw::q850::classOf(Cause::RecoveryOnTimerExpiry) == Class::ProtocolError));
    BOOST_TEST((gw::q850::classOf(Cause::Interworking) == Class::Interworking));
    BOOST_TEST(gw::q850::className(Class::ResourceUnavailable) == "resource unavailable");
}

BOOST_AUTO_TEST_SUITE_END()
