// Call flows through the CallManager with fakes on every side: the message
// sequences on both legs, cause mapping, hunting and races.
#include "fakes.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace gw;
using namespace gw::test;
using Lines = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(calls)

BOOST_AUTO_TEST_CASE(pbx_to_sip_phone_setup_and_phone_hangs_up) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 1));
    BOOST_TEST(h.sipPort.sent == (Lines{"INVITE sip:5552000@127.0.0.1:5070"}));
    BOOST_TEST(h.isdnPort.sent == (Lines{"CALL PROCEEDING ch=1"}));
    BOOST_TEST(h.sipPort.invites[0].fromUser == "1000");
    BOOST_TEST(h.sipPort.invites[0].sdp.find("m=audio 20002 RTP/AVP 8 0 101") != std::string::npos);
    BOOST_TEST(h.media.log == (Lines{"bearer 0/1"}));
    h.calls.onResponse(500, rsp(100));
    h.calls.onResponse(500, rsp(180));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 8)));
    BOOST_TEST(h.isdnPort.sent == (Lines{"CALL PROCEEDING ch=1", "ALERTING", "CONNECT"}));
    BOOST_TEST(h.media.log.back() == "remote 127.0.0.1:7078 pt=8");
    h.calls.onConnectAck(1);
    h.calls.onBye(500, 0);
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 16");
    BOOST_TEST(h.calls.callCount() == 1u);   // until RELEASE
    h.calls.onReleased(1, q850::Cause::NormalClearing);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
}

BOOST_AUTO_TEST_CASE(pbx_hangs_up_after_answer_sends_bye) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 3));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 0)));
    h.calls.onConnectAck(1);
    h.calls.onDisconnect(1, q850::Cause::NormalClearing);
    BOOST_TEST(h.sipPort.sent.back() == "BYE");
    BOOST_TEST(h.sipPort.lastReason == 16);
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 16");   // RELEASE via the port
    h.calls.onReleased(1, q850::Cause::NormalClearing);
    h.calls.onTerminated(500, 200);
    BOOST_TEST(h.calls.callCount() == 0u);
}

BOOST_AUTO_TEST_CASE(pbx_hangs_up_while_ringing_sends_cancel) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 3));
    h.calls.onResponse(500, rsp(180));
    h.calls.onDisconnect(1, q850::Cause::NormalClearing);
    BOOST_TEST(h.sipPort.sent.back() == "CANCEL");
    h.calls.onResponse(500, rsp(487));
    h.calls.onReleased(1, q850::Cause::NormalClearing);
    BOOST_TEST(h.calls.callCount() == 0u);
}

BOOST_AUTO_TEST_CASE(busy_phone_gives_cause_17) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.addVoip(101, "127.0.0.1", 5072);
    h.calls.onSetup(0, 1, setupFor("5552000", 3));
    h.calls.onResponse(500, rsp(486));
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 17");   // RFC 3398 §8.2.6.1; busy ends the hunt
    BOOST_TEST(h.sipPort.invites.size() == 1u);
}

BOOST_AUTO_TEST_CASE(service_unavailable_hunts_to_next_peer) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.addVoip(101, "127.0.0.1", 5072);
    h.calls.onSetup(0, 1, setupFor("5552000", 3));
    h.calls.onResponse(500, rsp(503));
    BOOST_TEST(h.sipPort.sent == (Lines{"INVITE sip:5552000@127.0.0.1:5070", "INVITE sip:5552000@127.0.0.1:5072"}));
    h.calls.onResponse(501, rsp(200, sdpFor(7078, 8)));
    BOOST_TEST(h.isdnPort.sent.back() == "CONNECT");
}

BOOST_AUTO_TEST_CASE(last_peer_failing_clears_with_mapped_cause) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 3));
    h.calls.onResponse(500, rsp(404));
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 1");
}

BOOST_AUTO_TEST_CASE(no_dial_peer_is_unallocated_number) {
    Harness h;
    h.calls.onSetup(0, 1, setupFor("999", 3));
    BOOST_TEST(h.isdnPort.sent == (Lines{"DISCONNECT 1"}));
    BOOST_TEST(h.sipPort.sent.empty());
    h.calls.onReleased(1, q850::Cause::UnallocatedNumber);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
}

BOOST_AUTO_TEST_CASE(sip_phone_to_pbx_and_phone_hangs_up) {
    Harness h;
    h.addPots(10);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    BOOST_TEST(h.isdnPort.sent == (Lines{"SETUP 5551000 ch=31"}));   // user side hunts from the top
    h.calls.onProceeding(1000, 31);
    h.calls.onAlerting(1000, 31, false);
    BOOST_TEST(h.sipPort.sent == (Lines{"180"}));
    h.calls.onConnect(1000, 31);
    BOOST_TEST(h.sipPort.sent == (Lines{"180", "200 sdp"}));
    h.calls.onAck(1);
    h.calls.onBye(1, 0);
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 16");
    h.calls.onReleased(1000, q850::Cause::NormalClearing);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
}

BOOST_AUTO_TEST_CASE(pbx_busy_gives_486) {
    Harness h;
    h.addPots(10);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    h.calls.onDisconnect(1000, q850::Cause::UserBusy);
    BOOST_TEST(h.sipPort.sent == (Lines{"486"}));
    h.calls.onReleased(1000, q850::Cause::UserBusy);
    BOOST_TEST(h.calls.callCount() == 0u);
}

BOOST_AUTO_TEST_CASE(cancel_racing_connect) {
    Harness h;
    h.addPots(10);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    h.calls.onAlerting(1000, 31, false);
    h.calls.onCancel(1, 0);                   // CANCEL arrives ...
    h.calls.onConnect(1000, 31);           // ... while CONNECT is on its way
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 16");
    BOOST_TEST(h.sipPort.sent == (Lines{"180"}));   // no 200 after the CANCEL
    h.calls.onReleased(1000, q850::Cause::NormalClearing);
    BOOST_TEST(h.calls.callCount() == 0u);
}

BOOST_AUTO_TEST_CASE(invite_without_common_codec_gets_488) {
    Harness h;
    h.addPots(10);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 18)));   // G.729 only
    BOOST_TEST(h.sipPort.sent == (Lines{"488"}));
    BOOST_TEST(h.isdnPort.sent.empty());
    BOOST_TEST(h.calls.callCount() == 0u);
}

BOOST_AUTO_TEST_CASE(dchannel_down_gives_503) {
    Harness h;
    h.addPots(10);
    h.calls.onDchannel(0, false);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    BOOST_TEST(h.sipPort.sent == (Lines{"503"}));
}

BOOST_AUTO_TEST_CASE(glare_on_user_side_yields_channel) {
    Harness h;
    h.addPots(10);
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));   // our SETUP on 31
    h.calls.onSetup(0, 7, setupFor("5552000", 31));               // network SETUP on 31
    BOOST_TEST(h.isdnPort.sent.back() == "CALL PROCEEDING ch=31");
    h.calls.onProceeding(1000, 30);                               // network moves ours
    BOOST_TEST(h.calls.idleChannels(0) == 28);
    BOOST_TEST(h.media.log.back() == "bearer 0/30");                 // its media follows
}

// The PBX will not give the channel of our SETUP (glare with a call of its
// own, cause 44): the same dial-peer is tried once more on another channel.
BOOST_AUTO_TEST_CASE(channel_refused_with_cause_44_is_retried_on_another_channel) {
    Harness h;
    h.addPots(10);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    h.calls.onDisconnect(1000, q850::Cause::RequestedChannelNotAvailable);
    h.calls.onReleased(1000, q850::Cause::RequestedChannelNotAvailable);
    BOOST_TEST(h.isdnPort.sent == (Lines{"SETUP 5551000 ch=31", "DISCONNECT 44", "SETUP 5551000 ch=30"}));
    BOOST_TEST(h.media.log.back() == "bearer 0/30");
    BOOST_TEST(h.sipPort.sent.empty());
    // Refused again: no further try, the phone hears 503 with cause 44.
    h.calls.onDisconnect(1001, q850::Cause::RequestedChannelNotAvailable);
    h.calls.onReleased(1001, q850::Cause::RequestedChannelNotAvailable);
    BOOST_TEST(h.sipPort.sent == (Lines{"503"}));
    BOOST_TEST(h.sipPort.lastReason == 44);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
}

BOOST_AUTO_TEST_CASE(dchannel_loss_keeps_the_active_call_until_the_port_releases_it) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.addPots(10);
    h.calls.onSetup(0, 1, setupFor("5552000", 3));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 8)));
    h.calls.onConnectAck(1);
    const auto sipSent = h.sipPort.sent.size();
    h.calls.onDchannel(0, false);
    // Q.931 §5.8.9 / T309: the active call is kept while layer 2 is down.
    BOOST_TEST(h.sipPort.sent.size() == sipSent);
    BOOST_TEST(h.calls.callCount() == 1u);

    // A SIP call for the span is refused at once: 503, cause 38, Retry-After.
    h.calls.onInvite(9, inviteFor("5551000", sdpFor(6000, 0)));
    BOOST_TEST(h.sipPort.sent.back() == "503");
    BOOST_TEST(h.sipPort.lastReason == 38);
    BOOST_TEST(h.sipPort.lastRetryAfter == kRetryAfterTrunkDownS);
    BOOST_TEST(h.calls.callCount() == 1u);

    // T309 runs out in libpri: the call reference goes with cause 27.
    h.calls.onReleased(1, q850::Cause::DestinationOutOfOrder);
    BOOST_TEST(h.sipPort.sent.back() == "BYE");
    BOOST_TEST(h.sipPort.lastReason == 27);
    h.calls.onTerminated(500, 200);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
}

namespace {

Clock::time_point gSteppedClock{};
Clock::time_point steppedNow() { return gSteppedClock; }

sip::IncomingInvite inviteFrom(const std::string& address, const std::string& caller = "2000") {
    sip::IncomingInvite inv = inviteFor("5551000", sdpFor(6000, 0));
    inv.remoteHost = address;
    inv.fromUser = caller;
    return inv;
}

long countOf(const Lines& lines, const std::string& prefix) {
    return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

} // namespace

// Admission before routing: an untrusted source gets 403 and is counted; a
// trusted one gets `call threshold source` calls a second (a token bucket per
// address, refilled by the clock), the rest 503 with Retry-After 1; a caller
// that is not a number goes to the PBX as the calling-number default.
BOOST_AUTO_TEST_CASE(untrusted_sources_and_the_per_source_threshold) {
    Harness h(&steppedNow);
    CallManager& calls = h.calls;
    FakeIsdnPort& isdnPort = h.isdnPort;
    FakeSipPort& sipPort = h.sipPort;
    OutboundRoute pots;
    pots.peerTag = 10;
    pots.called = "5551000";
    pots.calling = "admin";   // as the router passes a SIP user name on
    h.router.routes.push_back(pots);
    calls.admission().setTrusted([](const std::string& a) { return a != "192.0.2.66"; });
    calls.admission().setRate(2);
    calls.setCallingDefault("5550000");

    calls.onInvite(1, inviteFrom("192.0.2.1"));
    calls.onInvite(2, inviteFrom("192.0.2.1"));
    calls.onInvite(3, inviteFrom("192.0.2.1"));           // over 2 a second
    BOOST_TEST(countOf(isdnPort.sent, "SETUP") == 2);
    BOOST_TEST(countOf(sipPort.sent, "503") == 1);
    BOOST_TEST(sipPort.lastRetryAfter == 1);
    BOOST_TEST(calls.admission().rateLimited() == 1u);
    BOOST_TEST(isdnPort.setups.at(0).calling == "5550000");   // never "admin"

    calls.onInvite(4, inviteFrom("192.0.2.2"));           // another address has its own bucket
    BOOST_TEST(countOf(isdnPort.sent, "SETUP") == 3);
    gSteppedClock += std::chrono::milliseconds(500);        // one token back
    calls.onInvite(5, inviteFrom("192.0.2.1"));
    BOOST_TEST(countOf(isdnPort.sent, "SETUP") == 4);
    calls.onInvite(6, inviteFrom("192.0.2.1"));
    BOOST_TEST(countOf(sipPort.sent, "503") == 2);

    calls.onInvite(7, inviteFrom("192.0.2.66"));
    calls.onInvite(8, inviteFrom("192.0.2.66"));
    BOOST_TEST(countOf(sipPort.sent, "403") == 2);
    BOOST_TEST(countOf(isdnPort.sent, "SETUP") == 4);       // nothing reached the PBX
    const auto refused = calls.admission().untrustedSources();
    BOOST_REQUIRE(refused.size() == 1u);
    BOOST_TEST(refused[0].address == "192.0.2.66");
    BOOST_TEST(refused[0].refused == 2u);
    BOOST_TEST(calls.admission().untrustedRefused() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
