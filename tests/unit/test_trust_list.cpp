// TrustList: IOS's `ip address trusted list` as loaded from a config file,
// with the voip dial-peers' session targets and the sip-server trusted too.
#include "conf/loader.hpp"
#include "gateway/route/trust_list.hpp"

#include <boost/test/unit_test.hpp>

using namespace gw;

namespace {

conf::Config load(const std::string& text) {
    conf::Config c;
    std::vector<conf::Diagnostic> errors;
    BOOST_REQUIRE(conf::loadConfigText(text, "<test>", c, errors));
    return c;
}

const char* kConfig =
    "voice service voip\n"
    " ip address trusted list\n"
    "  ipv4 192.0.2.10\n"
    "  ipv4 198.51.100.0 255.255.255.128\n"
    "  ipv6 2001:db8:1::/48\n"
    "  ipv6 2001:db8:2::7\n"
    "sip-ua\n"
    " sip-server ipv4:203.0.113.5\n"
    "dial-peer voice 100 voip\n"
    " destination-pattern 5552...\n"
    " session target ipv4:203.0.113.9:5070\n"
    "dial-peer voice 101 voip\n"
    " destination-pattern 5553...\n"
    " session target dns:sbc.example.net\n";

} // namespace

BOOST_AUTO_TEST_SUITE(trust_list)

BOOST_AUTO_TEST_CASE(list_targets_and_sip_server_are_trusted) {
    const auto t = route::TrustList::build(load(kConfig));
    BOOST_TEST(t->enforced());
    BOOST_TEST(t->allows("192.0.2.10"));
    BOOST_TEST(!t->allows("192.0.2.11"));
    BOOST_TEST(t->allows("198.51.100.127"));       // inside the /25
    BOOST_TEST(!t->allows("198.51.100.128"));      // just outside
    BOOST_TEST(t->allows("2001:db8:1:ffff::1"));   // inside the /48
    BOOST_TEST(t->allows("[2001:db8:2::7]"));      // as a URI host writes it
    BOOST_TEST(!t->allows("2001:db8:2::8"));
    BOOST_TEST(t->allows("::ffff:192.0.2.10"));    // IPv4-mapped source on a dual-stack socket
    BOOST_TEST(t->allows("203.0.113.5"));          // sip-server
    BOOST_TEST(t->allows("203.0.113.9"));          // dial-peer 100's session target
    BOOST_TEST(!t->allows("sbc.example.net"));     // names are never trusted
    BOOST_TEST(!t->allows(""));
    BOOST_TEST(!t->allows("192.0.2.10 "));
    BOOST_REQUIRE(t->entries().size() == 6u);
    BOOST_TEST(t->entries()[1].text == "ipv4 198.51.100.0 255.255.255.128");
    BOOST_TEST(t->entries()[4].source == "dial-peer 100");
    BOOST_TEST(t->entries()[5].source == "sip-server");
    BOOST_REQUIRE(t->unresolved().size() == 1u);
    BOOST_TEST(t->unresolved()[0] == "dial-peer 101 dns:sbc.example.net");
}

BOOST_AUTO_TEST_CASE(default_denies_everything_and_can_be_turned_off) {
    const auto none = route::TrustList::build(conf::Config{});
    BOOST_TEST(none->enforced());
    BOOST_TEST(!none->allows("127.0.0.1"));
    BOOST_TEST(!none->allows("::1"));
    const auto off = route::TrustList::build(load("voice service voip\n no ip address trusted authenticate\n"));
    BOOST_TEST(!off->enforced());
    BOOST_TEST(off->allows("192.0.2.99"));
}

// The list reads addresses as the configuration language accepted them:
// leading zeros are decimal, and a mask written 255.255.255.000 is a /24.
BOOST_AUTO_TEST_CASE(addresses_are_read_as_the_config_accepted_them) {
    const auto t = route::TrustList::build(load(
        "voice service voip\n ip address trusted list\n  ipv4 010.0.0.1\n  ipv4 198.51.100.0 255.255.255.000\n"));
    BOOST_TEST(t->entries().size() == 2u);
    BOOST_TEST(t->allows("10.0.0.1"));
    BOOST_TEST(t->allows("198.51.100.200"));
    BOOST_TEST(!t->allows("198.51.101.1"));
}

BOOST_AUTO_TEST_CASE(a_shut_down_peer_is_not_trusted) {
    const auto t = route::TrustList::build(load(
        "dial-peer voice 100 voip\n destination-pattern 5552...\n session target ipv4:203.0.113.9\n shutdown\n"));
    BOOST_TEST(!t->allows("203.0.113.9"));
}

BOOST_AUTO_TEST_SUITE_END()
