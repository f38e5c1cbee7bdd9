// The foundation configuration (conf/examples/foundation.cfg) loads and
// routes: 5551000 from SIP to POTS peer 10, 5552000 from ISDN to VoIP peer 100.
#include "conf/loader.hpp"
#include "gateway/route/dial_peer.hpp"

#include <boost/test/unit_test.hpp>

using namespace gw;

namespace {

const char* kFoundation = R"(hostname gw1
controller e1 0
 pri-group timeslots 1-31
 isdn switch-type primary-net5
 source virtual /tmp/gw/span0
sip-ua
 bind 127.0.0.1 5060
dial-peer voice 10 pots
 destination-pattern 5551...
 no digit-strip
 port 0
dial-peer voice 100 voip
 destination-pattern 5552...
 session target ipv4:127.0.0.1:5070
 codec g711alaw
)";

conf::Config loadFoundation() {
    conf::Config c;
    std::vector<conf::Diagnostic> errors;
    bool ok = conf::loadConfigText(kFoundation, "foundation.cfg", c, errors);
    for (const auto& e : errors) BOOST_TEST_MESSAGE(e.toString());
    BOOST_REQUIRE(ok);
    BOOST_REQUIRE(errors.empty());
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(test_conf_foundation)

BOOST_AUTO_TEST_CASE(loads_into_the_model) {
    conf::Config c = loadFoundation();
    BOOST_TEST(c.hostname == "gw1");
    BOOST_REQUIRE(c.controllers.count(0) == 1);
    const auto& k = c.controllers.at(0);
    BOOST_TEST((k.type == conf::ControllerType::E1));
    BOOST_TEST(k.timeslots == "1-31");
    BOOST_TEST((k.switchType == conf::SwitchType::PrimaryNet5));
    BOOST_TEST((k.source == conf::SourceKind::Virtual));
    BOOST_TEST(k.sourcePath == "/tmp/gw/span0");
    BOOST_TEST(c.sipUa.bindAddr == "127.0.0.1");
    BOOST_TEST(c.sipUa.bindPort == 5060);
    BOOST_REQUIRE(c.dialPeers.size() == 2u);
    BOOST_TEST(!c.dialPeers.at(10).digitStrip);
    BOOST_TEST(c.dialPeers.at(10).port.value_or(-1) == 0);
    BOOST_TEST((c.dialPeers.at(100).target.kind == conf::TargetKind::Ipv4));
    BOOST_TEST(c.dialPeers.at(100).target.port == 5070);
}

BOOST_AUTO_TEST_CASE(example_file_matches_the_embedded_text) {
    conf::Config fromFile;
    std::vector<conf::Diagnostic> errors;
    BOOST_REQUIRE(conf::loadConfigFile("conf/examples/foundation.cfg", fromFile, errors));
    BOOST_TEST((fromFile == loadFoundation()));
}

BOOST_AUTO_TEST_CASE(sip_call_routes_to_pots_peer_10) {
    auto table = route::DialPeerTable::build(loadFoundation());
    auto r = table->matchOutbound("5551000", "4085550100", route::Direction::FromSip, [](int) { return 0; });
    BOOST_REQUIRE(!r.candidates.empty());
    const auto& c = r.candidates.front();
    BOOST_TEST(c.tag == 10);
    BOOST_TEST((c.kind == conf::PeerKind::Pots));
    BOOST_TEST(c.port.value_or(-1) == 0);
    BOOST_TEST(c.called == "5551000");
    BOOST_TEST(r.candidates.size() == 1u);
}

BOOST_AUTO_TEST_CASE(isdn_call_routes_to_voip_peer_100) {
    auto table = route::DialPeerTable::build(loadFoundation());
    auto r = table->matchOutbound("5552000", "2001", route::Direction::FromIsdn);
    BOOST_REQUIRE(r.candidates.size() == 1u);
    const auto& c = r.candidates.front();
    BOOST_TEST(c.tag == 100);
    BOOST_TEST((c.kind == conf::PeerKind::Voip));
    BOOST_TEST((c.target.kind == conf::TargetKind::Ipv4));
    BOOST_TEST(c.target.host == "127.0.0.1");
    BOOST_TEST(c.target.port == 5070);
    BOOST_TEST((c.codec == conf::Codec::G711Alaw));
    BOOST_TEST(c.called == "5552000");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(test_conf_examples)

BOOST_AUTO_TEST_CASE(t1_pbx_example_routes_both_ways) {
    conf::Config c;
    std::vector<conf::Diagnostic> errors;
    BOOST_REQUIRE(conf::loadConfigFile("conf/examples/t1_pbx.cfg", c, errors));
    route::DialPeerTable table(c);
    auto out = table.matchOutbound("914085551234", "2001", route::Direction::FromIsdn, {}, 0);
    BOOST_TEST(out.inbound.tag == 1);
    BOOST_REQUIRE(out.candidates.size() == 2u);
    BOOST_TEST(out.candidates[0].tag == 100);
    BOOST_TEST(out.candidates[1].tag == 101);
    BOOST_TEST(out.candidates[0].called == "14085551234");
    BOOST_TEST(out.candidates[0].calling == "+14085552001");
    auto emergency = table.matchOutbound("9911", "2001", route::Direction::FromIsdn, {}, 0);
    BOOST_REQUIRE(emergency.candidates.size() == 1u);   // huntstop
    BOOST_TEST(emergency.candidates[0].tag == 911);
    auto in = table.matchOutbound("3001", "+14155550100", route::Direction::FromSip);
    BOOST_REQUIRE(in.candidates.size() == 1u);
    BOOST_TEST(in.candidates[0].tag == 10);
    BOOST_TEST(in.candidates[0].called == "3001");
    BOOST_TEST(in.candidates[0].port.value_or(-1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
