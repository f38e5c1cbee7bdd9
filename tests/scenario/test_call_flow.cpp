// The call's own states through whole flows, and the races and failures
// that move it: RESTART and D-channel loss under a call, hunting between
// pots dial-peers, a SETUP the port cannot send, an unusable SDP answer.
#include "fakes.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>

using namespace gw;
using namespace gw::test;
using Lines = std::vector<std::string>;

namespace {

std::string stateOf(const CallManager& calls) {
    auto all = calls.activeCalls();
    return all.size() == 1 ? all[0].callState : "calls=" + std::to_string(all.size());
}

} // namespace

BOOST_AUTO_TEST_SUITE(call_flow)

BOOST_AUTO_TEST_CASE(states_of_a_call_from_the_pbx_answered_and_cleared_by_the_pbx) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 1));
    BOOST_TEST(stateOf(h.calls) == "Calling");
    h.calls.onResponse(500, rsp(180));
    BOOST_TEST(stateOf(h.calls) == "Early");
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 8)));
    BOOST_TEST(stateOf(h.calls) == "Active");
    h.calls.onConnectAck(1);
    h.calls.onDisconnect(1, q850::Cause::NormalClearing);
    BOOST_TEST(stateOf(h.calls) == "Releasing");
    BOOST_TEST(h.sipPort.sent.back() == "BYE");
    h.calls.onReleased(1, q850::Cause::NormalClearing);
    BOOST_TEST(stateOf(h.calls) == "AwaitOut");   // the BYE's 200 is still due
    BOOST_TEST(h.calls.idleChannels(0) == 30);     // the B-channel is free already
    h.calls.onTerminated(500, 200);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.media.releases >= 1);
}

BOOST_AUTO_TEST_CASE(restart_of_the_channel_under_a_ringing_sip_call_gives_503_cause_41) {
    Harness h;
    h.addPots(10);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    h.calls.onAlerting(1000, 31, false);
    BOOST_TEST(stateOf(h.calls) == "Early");
    // RESTART from the PBX: the port ends the call reference locally.
    h.calls.onReleased(1000, q850::Cause::TemporaryFailure);
    BOOST_TEST(h.sipPort.sent == (Lines{"180", "503"}));   // RFC 3398 §7.2.4.1: 41 -> 503
    BOOST_TEST(h.sipPort.lastReason == 41);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
}

BOOST_AUTO_TEST_CASE(dchannel_loss_during_setup_clears_the_sip_call_with_the_ports_cause) {
    Harness h;
    h.addPots(10);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    h.calls.onProceeding(1000, 31);
    h.calls.onDchannel(0, false);
    BOOST_TEST(stateOf(h.calls) == "Calling");   // the port decides, not the call
    h.calls.onReleased(1000, q850::Cause::DestinationOutOfOrder);
    BOOST_TEST(h.sipPort.sent == (Lines{"502"}));   // RFC 3398 §7.2.4.1: 27 -> 502
    BOOST_TEST(h.sipPort.lastReason == 27);
    BOOST_TEST(h.calls.callCount() == 0u);
}

BOOST_AUTO_TEST_CASE(no_circuit_on_the_first_pots_peer_hunts_to_the_next_with_the_same_media) {
    Harness h;
    h.addPots(10);
    h.addPots(11);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    BOOST_TEST(h.isdnPort.sent == (Lines{"SETUP 5551000 ch=31"}));
    h.calls.onDisconnect(1000, q850::Cause::NoCircuitAvailable);
    BOOST_TEST(stateOf(h.calls) == "Hunting");
    h.calls.onReleased(1000, q850::Cause::NoCircuitAvailable);
    BOOST_TEST(h.isdnPort.sent == (Lines{"SETUP 5551000 ch=31", "DISCONNECT 34", "SETUP 5551000 ch=31"}));
    BOOST_TEST(stateOf(h.calls) == "Calling");
    BOOST_TEST(h.media.releases == 0);             // the RTP side was kept for the next attempt
    BOOST_TEST(h.sipPort.sent.empty());            // the phone saw nothing of the first attempt
    h.calls.onConnect(1001, 31);
    BOOST_TEST(h.sipPort.sent == (Lines{"200 sdp"}));
    BOOST_TEST(h.calls.activeCalls()[0].peerTag == 11);
}

BOOST_AUTO_TEST_CASE(busy_on_the_first_pots_peer_does_not_hunt) {
    Harness h;
    h.addPots(10);
    h.addPots(11);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    h.calls.onDisconnect(1000, q850::Cause::UserBusy);
    BOOST_TEST(h.sipPort.sent == (Lines{"486"}));
    h.calls.onReleased(1000, q850::Cause::UserBusy);
    BOOST_TEST(h.isdnPort.sent.size() == 2u);   // SETUP, and the RELEASE side of the clearing
    BOOST_TEST(h.calls.callCount() == 0u);
}

BOOST_AUTO_TEST_CASE(cancel_while_hunting_ends_the_call_without_another_setup) {
    Harness h;
    h.addPots(10);
    h.addPots(11);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    h.calls.onDisconnect(1000, q850::Cause::SwitchingEquipmentCongestion);
    BOOST_TEST(stateOf(h.calls) == "Hunting");
    h.calls.onCancel(1, 0);
    BOOST_TEST(stateOf(h.calls) == "AwaitOut");
    h.calls.onReleased(1000, q850::Cause::SwitchingEquipmentCongestion);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.isdnPort.sent.front() == "SETUP 5551000 ch=31");
    BOOST_TEST(std::count(h.isdnPort.sent.begin(), h.isdnPort.sent.end(), "SETUP 5551000 ch=31") == 1);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
}

BOOST_AUTO_TEST_CASE(a_setup_the_port_cannot_send_is_refused_with_503) {
    Harness h;
    h.addPots(10);
    h.isdnPort.up = false;   // the D-channel went down before the core heard of it
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    BOOST_TEST(h.sipPort.sent == (Lines{"503"}));
    BOOST_TEST(h.sipPort.lastReason == 38);
    BOOST_TEST(h.sipPort.lastRetryAfter == kRetryAfterTrunkDownS);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
}

BOOST_AUTO_TEST_CASE(an_answer_without_a_common_codec_clears_both_sides_with_cause_88) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 18)));   // G.729 only: not offered
    BOOST_TEST(h.isdnPort.sent == (Lines{"CALL PROCEEDING ch=4", "DISCONNECT 88"}));
    BOOST_TEST(h.sipPort.sent.back() == "BYE");
    BOOST_TEST(h.sipPort.lastReason == 88);
    h.calls.onReleased(1, q850::Cause::IncompatibleDestination);
    h.calls.onTerminated(500, 200);
    BOOST_TEST(h.calls.callCount() == 0u);
}

BOOST_AUTO_TEST_CASE(operator_clear_of_a_ringing_call_cancels_and_disconnects) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    h.calls.onResponse(500, rsp(180));
    auto id = h.calls.activeCalls()[0].id;
    BOOST_TEST(h.calls.clearCall(id, q850::Cause::NormalUnspecified));
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 31");
    BOOST_TEST(h.sipPort.sent.back() == "CANCEL");
    BOOST_TEST(stateOf(h.calls) == "Releasing");
    BOOST_TEST(h.calls.clearCall(id, q850::Cause::NormalUnspecified));   // again: nothing more is sent
    BOOST_TEST(h.sipPort.sent.size() == 2u);
    h.calls.onResponse(500, rsp(487));
    h.calls.onReleased(1, q850::Cause::NormalUnspecified);
    BOOST_TEST(h.calls.callCount() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// Failed calls (Cisco B-14 to B-16): the no-answer timer, the RFC 3398
// tables with the administrator's exceptions, Reason headers both ways and
// the hunt rules by status class.
BOOST_AUTO_TEST_SUITE(failed_calls)

BOOST_AUTO_TEST_CASE(no_answer_timer_cancels_the_invite_and_disconnects_with_cause_19) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.setNoAnswerTimeout(std::chrono::milliseconds(5000));
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    BOOST_TEST(h.sipPort.invites.at(0).expiresS == 5);   // Expires: 5 on the INVITE
    h.calls.onResponse(500, rsp(180));
    h.loop.advance(std::chrono::milliseconds(4999));
    BOOST_TEST(stateOf(h.calls) == "Early");
    h.loop.advance(std::chrono::milliseconds(1));
    BOOST_TEST(h.sipPort.sent.back() == "CANCEL");
    BOOST_TEST(h.sipPort.lastReason == 19);
    BOOST_TEST(h.sipPort.lastReasonText == "no answer from user (user alerted)");
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 19");
    h.calls.onResponse(500, rsp(487));
    h.calls.onReleased(1, q850::Cause::NoAnswer);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.loop.timers.empty());
}

BOOST_AUTO_TEST_CASE(an_answer_stops_the_no_answer_timer) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.setNoAnswerTimeout(std::chrono::milliseconds(5000));
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 8)));
    BOOST_TEST(stateOf(h.calls) == "Active");
    BOOST_TEST(h.loop.timers.empty());
}

BOOST_AUTO_TEST_CASE(a_reason_header_in_the_failure_wins_over_the_table) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    sip::Response r = rsp(480);   // the table says cause 18
    r.reasonCause = 34;
    h.calls.onResponse(500, r);
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 34");
}

BOOST_AUTO_TEST_CASE(a_reason_header_in_a_bye_reaches_the_pbx) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 8)));
    h.calls.onBye(500, 41);
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 41");
}

BOOST_AUTO_TEST_CASE(set_sip_status_and_set_pstn_cause_override_the_tables) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.causeMap().setOverrides({{17, 600}}, {{404, 3}});
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    h.calls.onResponse(500, rsp(404));
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 3");   // the table says 1
    h.addPots(10);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    h.calls.onDisconnect(1000, q850::Cause::UserBusy);
    BOOST_TEST(h.sipPort.sent.back() == "600");   // the table says 486
    BOOST_TEST(h.sipPort.lastReason == 17);
}

BOOST_AUTO_TEST_CASE(a_302_is_followed_by_the_gateway_in_contact_order_without_loops) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.addVoip(101, "127.0.0.1", 5072);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    sip::Response moved = rsp(302);
    moved.contacts = {"sip:5552999@127.0.0.1:6000", "sip:5552888@127.0.0.1:6002"};   // best first
    h.calls.onResponse(500, moved);
    h.calls.onTerminated(500, 302);
    BOOST_TEST(h.sipPort.sent.back() == "INVITE sip:5552999@127.0.0.1:6000");
    BOOST_TEST(h.sipPort.invites.back().toUser == "5552999");
    // The first target redirects back to the dial-peer's own URI and to the
    // second Contact: neither is tried twice.
    sip::Response loop = rsp(302);
    loop.contacts = {"sip:5552000@127.0.0.1:5070", "sip:5552888@127.0.0.1:6002", "tel:+15552000"};
    h.calls.onResponse(501, loop);
    h.calls.onTerminated(501, 302);
    BOOST_TEST(h.sipPort.sent.back() == "INVITE sip:5552888@127.0.0.1:6002");
    h.calls.onResponse(502, rsp(200, sdpFor(7078, 8)));
    BOOST_TEST(h.isdnPort.sent.back() == "CONNECT");
    BOOST_TEST(h.sipPort.invites.size() == 3u);   // dial-peer 101 was not needed
    BOOST_TEST(h.calls.activeCalls()[0].target == "sip:5552888@127.0.0.1:6002");
}

BOOST_AUTO_TEST_CASE(a_3xx_without_usable_contacts_hunts_on) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.addVoip(101, "127.0.0.1", 5072);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    sip::Response moved = rsp(301);
    moved.contacts = {"tel:+15552000"};
    h.calls.onResponse(500, moved);
    h.calls.onTerminated(500, 301);
    BOOST_TEST(h.sipPort.sent.back() == "INVITE sip:5552000@127.0.0.1:5072");
}

BOOST_AUTO_TEST_CASE(options_availability_follows_the_dchannel_and_busyout) {
    Harness h;
    BOOST_TEST(h.sipPort.available);
    h.calls.onDchannel(0, false);
    BOOST_TEST(!h.sipPort.available);
    h.calls.onDchannel(0, true);
    h.calls.setSpanBlocked(0, true);
    BOOST_TEST(!h.sipPort.available);
    h.calls.setSpanBlocked(0, false);
    BOOST_TEST(h.sipPort.available);
}

BOOST_AUTO_TEST_CASE(a_6xx_stops_the_hunt_and_a_5xx_goes_on) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.addVoip(101, "127.0.0.1", 5072);
    h.addVoip(102, "127.0.0.1", 5074);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    h.calls.onResponse(500, rsp(503));
    h.calls.onTerminated(500, 503);
    BOOST_TEST(h.sipPort.sent == (Lines{"INVITE sip:5552000@127.0.0.1:5070", "INVITE sip:5552000@127.0.0.1:5072"}));
    h.calls.onResponse(501, rsp(604));
    BOOST_TEST(h.sipPort.invites.size() == 2u);             // dial-peer 102 is never tried
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 1");   // 604 -> unallocated number
}

BOOST_AUTO_TEST_SUITE_END()

// Mid-call re-INVITEs (hold, resume, moved RTP, offerless) on an answered
// call, in both directions of call.
BOOST_AUTO_TEST_SUITE(mid_call)

namespace {

std::string withDirection(std::string sdp, const std::string& line) { return sdp + line + "\r\n"; }

bool has(const std::string& sdp, const std::string& text) { return sdp.find(text) != std::string::npos; }

std::string originVersion(const std::string& sdp) {
    auto o = sdp.find("o=");
    auto line = sdp.substr(o, sdp.find("\r\n", o) - o);   // o=gatewayd <id> <version> IN IP4 ...
    std::istringstream in(line);
    std::string user, id, version;
    in >> user >> id >> version;
    return version;
}

} // namespace

BOOST_AUTO_TEST_CASE(hold_inactive_and_resume_of_a_phone_call_keep_the_isdn_call_up) {
    Harness h;
    h.addPots(10);
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 8)));
    h.calls.onConnect(1000, 31);
    h.calls.onAck(1);
    h.calls.onReinvite(1, withDirection(sdpFor(6000, 8), "a=sendonly"));
    BOOST_TEST(h.sipPort.sent.back() == "re-INVITE 200");
    BOOST_TEST(has(h.sipPort.reinviteAnswers.back(), "a=recvonly"));
    BOOST_TEST(!h.media.peers.back().send);      // nothing toward the phone
    BOOST_TEST(h.media.peers.back().receive);
    const std::string heldVersion = originVersion(h.sipPort.reinviteAnswers.back());
    h.calls.onReinvite(1, withDirection(sdpFor(6000, 8), "a=inactive"));
    BOOST_TEST(has(h.sipPort.reinviteAnswers.back(), "a=inactive"));
    BOOST_TEST((!h.media.peers.back().send && !h.media.peers.back().receive));   // the PBX hears silence
    BOOST_TEST(std::stoi(originVersion(h.sipPort.reinviteAnswers.back())) == std::stoi(heldVersion) + 1);
    h.calls.onReinvite(1, sdpFor(6002, 8));      // resumed from another port
    BOOST_TEST(has(h.sipPort.reinviteAnswers.back(), "a=sendrecv"));
    BOOST_TEST((h.media.peers.back().send && h.media.peers.back().receive && h.media.peers.back().port == 6002));
    h.calls.onReinvite(1, sdpFor(6002, 8));      // the same again: the version stays (RFC 3264 §8)
    BOOST_TEST(originVersion(h.sipPort.reinviteAnswers.back()) ==
               originVersion(h.sipPort.reinviteAnswers[h.sipPort.reinviteAnswers.size() - 2]));
    BOOST_TEST(h.calls.activeCalls()[0].callState == "Active");
    BOOST_TEST(std::count(h.isdnPort.sent.begin(), h.isdnPort.sent.end(), "DISCONNECT 16") == 0);
}

BOOST_AUTO_TEST_CASE(old_style_hold_with_a_null_address) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 8)));
    std::string hold = sdpFor(7078, 8);
    hold.replace(hold.find("c=IN IP4 127.0.0.1"), 18, "c=IN IP4 0.0.0.0");
    h.calls.onReinvite(500, hold);
    BOOST_TEST(h.sipPort.sent.back() == "re-INVITE 200");
    BOOST_TEST(has(h.sipPort.reinviteAnswers.back(), "a=recvonly"));   // RFC 3264 §8.4
    BOOST_TEST(!h.media.peers.back().send);
}

BOOST_AUTO_TEST_CASE(offerless_reinvite_gets_our_offer_and_the_ack_answer_moves_the_media) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 8)));
    h.calls.onReinvite(500, "");
    BOOST_TEST(h.sipPort.sent.back() == "re-INVITE 200");
    BOOST_TEST(has(h.sipPort.reinviteAnswers.back(), "m=audio 20002 RTP/AVP 8 0 101"));   // a full offer
    h.calls.onReinviteAck(500, sdpFor(7090, 0));
    BOOST_TEST((h.media.peers.back().port == 7090 && h.media.peers.back().payloadType == 0));
}

BOOST_AUTO_TEST_CASE(an_unusable_reinvite_is_refused_with_488_and_changes_nothing) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.calls.onSetup(0, 1, setupFor("5552000", 4));
    h.calls.onResponse(500, rsp(200, sdpFor(7078, 8)));
    const std::size_t peers = h.media.peers.size();
    h.calls.onReinvite(500, sdpFor(7078, 18));   // G.729 only
    BOOST_TEST(h.sipPort.sent.back() == "re-INVITE 488");
    BOOST_TEST(h.media.peers.size() == peers);
    h.calls.onReinvite(777, sdpFor(7078, 8));    // no such dialog
    BOOST_TEST(h.sipPort.sent.back() == "re-INVITE 481");
}

BOOST_AUTO_TEST_SUITE_END()

// Q.931 §5.2.4 overlap receiving, with a hand-driven clock for T302.
BOOST_AUTO_TEST_SUITE(overlap_receiving)

namespace {

isdn::SetupInfo overlapSetup(const std::string& firstDigits) {
    isdn::SetupInfo s = setupFor(firstDigits, 7);
    s.complete = false;   // no Sending Complete
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(digits_are_collected_until_a_fixed_length_peer_matches) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.router.digits = 7;   // 5552...
    h.calls.setOverlapReceiving(0, true, std::chrono::milliseconds(5000));
    h.calls.onSetup(0, 1, overlapSetup("55"));
    BOOST_TEST(h.isdnPort.sent == (Lines{"SETUP ACKNOWLEDGE ch=7"}));
    BOOST_TEST(stateOf(h.calls) == "Collecting");
    for (const char* d : {"5", "2", "0", "0"}) {
        h.loop.advance(std::chrono::milliseconds(4000));   // each digit within T302
        h.calls.onInformation(1, d, false);
    }
    BOOST_TEST(h.sipPort.sent.empty());
    BOOST_TEST(stateOf(h.calls) == "Collecting");
    h.calls.onInformation(1, "0", false);   // the seventh digit: a complete match
    BOOST_TEST(h.sipPort.sent == (Lines{"INVITE sip:5552000@127.0.0.1:5070"}));
    BOOST_TEST(h.isdnPort.sent == (Lines{"SETUP ACKNOWLEDGE ch=7", "CALL PROCEEDING ch=7"}));
    BOOST_TEST(h.calls.activeCalls()[0].called == "5552000");
    // T302 stopped; what runs is the INVITE's no-answer timer (180 s).
    BOOST_TEST(h.loop.timers.size() == 1u);
    BOOST_TEST((h.loop.timers.begin()->second.first == h.loop.clock + std::chrono::milliseconds(180000)));
}

BOOST_AUTO_TEST_CASE(a_t_pattern_ends_on_the_interdigit_timeout) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.router.digits = 1;   // 9T
    h.router.variable = true;
    h.calls.setOverlapReceiving(0, true, std::chrono::milliseconds(3000));
    h.calls.setInterdigit(0, std::chrono::milliseconds(1500));   // voice-port timeouts interdigit
    h.calls.onSetup(0, 1, overlapSetup("9"));
    h.calls.onInformation(1, "12", false);
    // The digits match 9T already: the voice-port's interdigit timeout, not T302.
    h.loop.advance(std::chrono::milliseconds(1499));
    BOOST_TEST(h.sipPort.sent.empty());
    h.loop.advance(std::chrono::milliseconds(1));
    BOOST_TEST(h.sipPort.sent.size() == 1u);
    BOOST_TEST(h.calls.activeCalls()[0].called == "912");
    BOOST_TEST(stateOf(h.calls) == "Calling");
}

BOOST_AUTO_TEST_CASE(sending_complete_routes_at_once) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.router.digits = 1;
    h.router.variable = true;
    h.calls.setOverlapReceiving(0, true, std::chrono::milliseconds(3000));
    h.calls.onSetup(0, 1, overlapSetup("9"));
    h.calls.onInformation(1, "5", true);
    BOOST_TEST(h.sipPort.sent.size() == 1u);
    BOOST_TEST(h.calls.activeCalls()[0].called == "95");
}

BOOST_AUTO_TEST_CASE(an_incomplete_number_at_the_timeout_is_cause_28) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.router.digits = 7;
    h.calls.setOverlapReceiving(0, true, std::chrono::milliseconds(3000));
    h.calls.onSetup(0, 1, overlapSetup("555"));
    h.loop.advance(std::chrono::milliseconds(3000));
    BOOST_TEST(h.isdnPort.sent.back() == "DISCONNECT 28");
    BOOST_TEST(h.sipPort.sent.empty());
    h.calls.onReleased(1, q850::Cause::InvalidNumberFormat);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
}

BOOST_AUTO_TEST_CASE(the_pbx_hanging_up_while_digits_are_collected_frees_everything) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.router.digits = 7;
    h.calls.setOverlapReceiving(0, true, std::chrono::milliseconds(3000));
    h.calls.onSetup(0, 1, overlapSetup("555"));
    h.calls.onDisconnect(1, q850::Cause::NormalClearing);
    h.calls.onReleased(1, q850::Cause::NormalClearing);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.loop.timers.empty());
    h.loop.advance(std::chrono::milliseconds(5000));   // nothing left to fire
    BOOST_TEST(h.sipPort.sent.empty());
}

BOOST_AUTO_TEST_CASE(without_overlap_receiving_a_setup_is_taken_as_complete) {
    Harness h;
    h.addVoip(100, "127.0.0.1", 5070);
    h.router.digits = 7;
    h.calls.onSetup(0, 1, overlapSetup("555"));
    BOOST_TEST(h.isdnPort.sent == (Lines{"DISCONNECT 1"}));
}

BOOST_AUTO_TEST_SUITE_END()

// The B-channel self-check against what Q.931 holds.
BOOST_AUTO_TEST_SUITE(channel_audit)

BOOST_AUTO_TEST_CASE(a_channel_out_of_step_twice_running_is_restarted_and_its_call_cleared) {
    Harness h;
    h.addPots(10);
    h.calls.startChannelAudit(std::chrono::milliseconds(1000));
    h.calls.onInvite(1, inviteFor("5551000", sdpFor(6000, 0)));
    h.calls.onConnect(1000, 31);
    h.calls.onAck(1);
    h.isdnPort.views[31] = {1000, 1, false};
    h.loop.advance(std::chrono::milliseconds(3000));   // in step: nothing done
    BOOST_TEST(h.isdnPort.sent == (Lines{"SETUP 5551000 ch=31"}));

    h.isdnPort.views.erase(31);                       // Q.931 lost the call
    h.isdnPort.views[5] = {777, 0x55, false};          // and holds one the gateway never had
    h.loop.advance(std::chrono::milliseconds(1000));   // seen once: could be a call half-way
    BOOST_TEST(h.isdnPort.sent.size() == 1u);
    h.loop.advance(std::chrono::milliseconds(1000));   // seen twice: restarted
    BOOST_TEST(std::count(h.isdnPort.sent.begin(), h.isdnPort.sent.end(), "RESTART ch=31") == 1);
    BOOST_TEST(std::count(h.isdnPort.sent.begin(), h.isdnPort.sent.end(), "RESTART ch=5") == 1);
    BOOST_TEST(h.sipPort.sent.back() == "BYE");
    BOOST_TEST(h.sipPort.lastReason == 41);
    h.calls.onTerminated(1, 200);
    BOOST_TEST(h.calls.callCount() == 0u);
    BOOST_TEST(h.calls.idleChannels(0) == 30);
    h.loop.advance(std::chrono::milliseconds(5000));   // in step again: no more RESTARTs
    BOOST_TEST(std::count(h.isdnPort.sent.begin(), h.isdnPort.sent.end(), "RESTART ch=31") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
