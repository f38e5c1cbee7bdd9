// Operator actions on the call core: a shut-down or busied-out span refuses
// new calls both ways while the calls in progress continue, and max-conn
// counts the calls each dial-peer carries (PeerRouter over a real table).
#include "fakes.hpp"

#include "conf/loader.hpp"
#include "gateway/route/peer_router.hpp"

#include <boost/test/unit_test.hpp>

using namespace gw;
using namespace gw::test;

BOOST_AUTO_TEST_SUITE(operator_actions)

BOOST_AUTO_TEST_CASE(blocked_span_refuses_new_calls_and_keeps_active_ones) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.addPots(10);
    h.calls.onSetup(0, 1, setupFor("5552000", 3));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 8)));
    h.calls.onConnectAck(1);
    BOOST_TEST(h.calls.activeOnPeer(100) == 1);
    BOOST_TEST(h.calls.activeOnSpan(0) == 1);

    h.calls.setSpanBlocked(0, true);
    h.calls.onSetup(0, 2, setupFor("5552001", 4));
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 34");
    h.calls.onReleased(2, q850::Cause::NoCircuitAvailable);
    h.calls.onInvite(9, inviteFor("5551000", sdpFor(6000, 0)));
    BOOST_TEST(h.sipPort.sent.back() == "503");   // cause 34, RFC 3398 §7.2.4.1
    BOOST_TEST(h.calls.activeCalls().size() == 1u);

    h.calls.onDisconnect(1, q850::Cause::NormalClearing);                  // the first call ends normally
    BOOST_TEST(h.sipPort.sent.back() == "BYE");
    h.calls.onReleased(1, q850::Cause::NormalClearing);
    h.calls.onTerminated(500, 200);
    BOOST_TEST(h.calls.callCount() == 0u);

    h.calls.setSpanBlocked(0, false);
    h.calls.onSetup(0, 3, setupFor("5552002", 5));
    BOOST_TEST(h.sipPort.sent.back() == "INVITE sip:5552000@127.0.0.1:5070");
}

BOOST_AUTO_TEST_CASE(max_conn_counts_calls_per_peer) {
    conf::Config cfg;
    std::vector<conf::Diagnostic> errors;
    BOOST_REQUIRE(conf::loadConfigText("dial-peer voice 100 voip\n destination-pattern 5552...\n"
                                       " session target ipv4:127.0.0.1:5070\n max-conn 1\n"
                                       "dial-peer voice 101 voip\n destination-pattern 5552...\n preference 1\n"
                                       " session target ipv4:127.0.0.1:5071\n",
                                       "<test>", cfg, errors));
    Harness h;
    PeerRouter router(route::DialPeerTable::build(cfg));
    router.setActiveCount([&h](int tag) { return h.calls.activeOnPeer(tag); });
    h.calls.setRouter(router);
    h.calls.onSetup(0, 1, setupFor("5552000", 3));
    h.calls.onSetup(0, 2, setupFor("5552001", 4));
    BOOST_TEST(h.sipPort.sent[0] == "INVITE sip:5552000@127.0.0.1:5070");
    BOOST_TEST(h.sipPort.sent[1] == "INVITE sip:5552001@127.0.0.1:5071");
    BOOST_TEST(h.calls.activeOnPeer(100) == 1);
    BOOST_TEST(h.calls.activeOnPeer(101) == 1);
    auto calls = h.calls.activeCalls();
    BOOST_TEST(calls.at(1).target == "127.0.0.1:5071");

    // A new table (a configuration change) leaves the calls their routes.
    router.setTable(route::DialPeerTable::build(conf::Config{}));
    h.calls.onSetup(0, 3, setupFor("5552002", 5));
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 1");
    BOOST_TEST(h.calls.activeOnPeer(100) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
