// SofiaSipPort call flows, two real ports back to back on 127.0.0.1:
// answer and hang up either way, IPv6, CANCEL, busy, release races.
#include "tests/unit/sofia_test_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace gw::sip;
using namespace gw::sip::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(sofia_sip_port)

BOOST_AUTO_TEST_CASE(call_answered_then_uac_hangs_up) {
    TwoPorts t;
    auto [a, b] = t.establish();
    const IncomingInvite& in = t.uasEvents.invites.at(b);
    BOOST_TEST(in.requestUser == "5551000");
    BOOST_TEST(in.requestUri == "sip:5551000@127.0.0.1:" + std::to_string(t.uasPortNo));
    BOOST_TEST(in.fromUser == "2000");
    BOOST_TEST(in.fromDisplay == "Alice \"A\" Smith");
    BOOST_TEST(in.toUser == "5551000");
    BOOST_TEST(!in.callId.empty());
    BOOST_TEST(in.remoteHost == "127.0.0.1");
    BOOST_TEST(in.contentType == "application/sdp");
    BOOST_TEST(in.sdp == kSdp);
    const auto& rs = t.uacEvents.responses.at(a);
    BOOST_TEST(rs.front().status == 180);                    // nta absorbs 100 Trying
    BOOST_TEST(rs.back().status == 200);
    BOOST_TEST(rs.back().reason == "OK");
    BOOST_TEST(rs.back().sdp == kAnswer);

    t.uac->bye(a);
    BOOST_TEST(t.waitEnded(a, b));
    t.settle();            // nothing more may come
    BOOST_TEST(t.uasEvents.has("bye " + std::to_string(b)));
    BOOST_TEST(t.uasEvents.index("bye " + std::to_string(b)) <
               t.uasEvents.index("terminated " + std::to_string(b) + " 200"));
    BOOST_TEST(t.uacEvents.terminated[a] == 1);
    BOOST_TEST(t.uasEvents.terminated[b] == 1);
    BOOST_TEST(t.uacEvents.terminatedStatus[a] == 200);
    t.uac->release(a);
    t.uas->release(b);
    BOOST_TEST(runUntil(t.loop, [&] { return t.uac->dialogCount() == 0 && t.uas->dialogCount() == 0; }));
}

BOOST_AUTO_TEST_CASE(call_over_ipv6) {
    TwoPorts t("::1");
    auto [a, b] = t.establish();
    BOOST_TEST(t.uasEvents.invites.at(b).remoteHost == "::1");
    t.uas->bye(b);
    BOOST_TEST(t.waitEnded(a, b));
}

BOOST_AUTO_TEST_CASE(uas_hangs_up_with_reason) {
    TwoPorts t;
    auto [a, b] = t.establish();
    t.uas->setReason(b, 16, "normal call clearing");
    t.uas->bye(b);
    BOOST_TEST(t.waitEnded(a, b));
    BOOST_TEST(t.uacEvents.has("bye " + std::to_string(a)));
    BOOST_TEST(t.uasEvents.terminatedStatus[b] == 200);
    BOOST_TEST(t.uacEvents.terminated[a] == 1);
    BOOST_TEST(t.uasEvents.terminated[b] == 1);
}

BOOST_AUTO_TEST_CASE(cancel_before_answer) {
    TwoPorts t;
    SipDialogId a = t.call();
    SipDialogId b = t.waitInvite();
    t.uas->respond(b, 180, "", "");
    BOOST_TEST_REQUIRE(runUntil(t.loop, [&] { return t.uacEvents.gotStatus(a, 180); }));
    t.uac->setReason(a, 16, "normal call clearing");
    t.uac->cancel(a);
    BOOST_TEST(t.waitEnded(a, b));
    std::string sa = std::to_string(a), sb = std::to_string(b);
    BOOST_TEST(t.uasEvents.has("cancel " + sb));
    BOOST_TEST(t.uasEvents.index("cancel " + sb) < t.uasEvents.index("terminated " + sb + " 487"));
    BOOST_TEST(t.uacEvents.index("response " + sa + " 487") >= 0);
    BOOST_TEST(t.uacEvents.index("response " + sa + " 487") < t.uacEvents.index("terminated " + sa + " 487"));
    t.settle();
    BOOST_TEST(t.uacEvents.terminated[a] == 1);
    BOOST_TEST(t.uasEvents.terminated[b] == 1);
}

BOOST_AUTO_TEST_CASE(busy_is_reported_once_each_side) {
    TwoPorts t;
    SipDialogId a = t.call();
    SipDialogId b = t.waitInvite();
    t.uas->setReason(b, 17, "user busy");
    t.uas->respond(b, 486, "", "");
    BOOST_TEST(t.waitEnded(a, b));
    std::string sa = std::to_string(a);
    BOOST_TEST(t.uacEvents.index("response " + sa + " 486") < t.uacEvents.index("terminated " + sa + " 486"));
    BOOST_TEST(t.uacEvents.responses.at(a).back().reason == "Busy Here");
    t.settle();
    BOOST_TEST(t.uacEvents.terminated[a] == 1);
    BOOST_TEST(t.uasEvents.terminated[b] == 1);
    t.uac->release(a);
    t.uas->release(b);
    BOOST_TEST(t.uac->dialogCount() == 0u);
    BOOST_TEST(t.uas->dialogCount() == 0u);
}

BOOST_AUTO_TEST_CASE(release_of_an_unanswered_call_fails_it) {
    TwoPorts t;
    SipDialogId a = t.call();
    SipDialogId b = t.waitInvite();
    t.uas->release(b);                                       // the core gave up
    BOOST_TEST(runUntil(t.loop, [&] { return t.uacEvents.terminated[a] == 1; }));
    BOOST_TEST(t.uacEvents.gotStatus(a, 500));
    BOOST_TEST(runUntil(t.loop, [&] { return t.uas->dialogCount() == 0; }));
    BOOST_TEST(t.uasEvents.terminated.count(b) == 0u);      // released: no more calls
}

BOOST_AUTO_TEST_CASE(release_right_after_failure_response) {
    TwoPorts t;
    // As the core does: release as soon as the final failure is known.
    t.uacEvents.onResponseDo = [&](SipDialogId id, const Response& r) {
        if (r.status >= 300) t.uac->release(id);
    };
    SipDialogId a = t.call();
    SipDialogId b = t.waitInvite();
    t.uas->respond(b, 603, "Go Away", "");
    t.uas->release(b);
    BOOST_TEST(runUntil(t.loop, [&] { return t.uacEvents.gotStatus(a, 603); }));
    BOOST_TEST(t.uacEvents.responses.at(a).back().reason == "Go Away");
    t.settle();
    BOOST_TEST(t.uacEvents.terminated.count(a) == 0u);       // released first
    BOOST_TEST(t.uasEvents.terminated.count(b) == 0u);
    BOOST_TEST(t.uac->dialogCount() == 0u);
    BOOST_TEST(t.uas->dialogCount() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
