// SipLeg, transition by transition (RFC 3261 UAC and UAS, CANCEL, BYE).
#include "sip/sip_leg.hpp"

#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace gw::sip;

namespace gw::sip {
std::ostream& operator<<(std::ostream& os, SipState s) { return os << toString(s); }
}

namespace {

template <class T>
bool has(const std::vector<SipCommand>& cmds) {
    for (const auto& c : cmds)
        if (std::holds_alternative<T>(c)) return true;
    return false;
}

template <class T>
const T& get(const std::vector<SipCommand>& cmds) {
    for (const auto& c : cmds)
        if (auto* p = std::get_if<T>(&c)) return *p;
    throw std::runtime_error("command not found");
}

SipInput response(SipEvent e, int status, std::string sdp = "") {
    SipInput in{e};
    in.status = status;
    in.sdp = std::move(sdp);
    return in;
}

SipLeg calling() {
    SipLeg leg(1);
    SipInput in{SipEvent::InviteReq};
    in.invite.requestUri = "sip:5552000@127.0.0.1:5070";
    auto c = leg.handle(in);
    BOOST_TEST(get<SendInvite>(c).invite.requestUri == "sip:5552000@127.0.0.1:5070");
    return leg;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sip_leg)

BOOST_AUTO_TEST_CASE(uac_trying_ringing_ok_then_bye) {
    SipLeg leg = calling();
    BOOST_TEST(leg.state() == SipState::Calling);
    auto c = leg.handle(response(SipEvent::ProvisionalInd, 100));
    BOOST_TEST(c.empty());
    BOOST_TEST(leg.state() == SipState::Proceeding);
    c = leg.handle(response(SipEvent::ProvisionalInd, 180));
    BOOST_TEST(get<NotifyRinging>(c).status == 180);
    BOOST_TEST(leg.state() == SipState::Early);
    c = leg.handle(response(SipEvent::SuccessInd, 200, "v=0"));
    BOOST_TEST(get<NotifyAnswered>(c).sdp == "v=0");
    BOOST_TEST(leg.state() == SipState::Confirmed);
    SipInput hang{SipEvent::HangupReq};
    hang.cause = 16;
    c = leg.handle(hang);
    BOOST_TEST(get<SendBye>(c).cause == 16);
    BOOST_TEST(leg.state() == SipState::Terminating);
    c = leg.handle(response(SipEvent::TerminatedInd, 200));
    BOOST_TEST(has<ReleaseDialog>(c));
    BOOST_TEST(has<NotifyEnded>(c));
    BOOST_TEST(leg.state() == SipState::Terminated);
}

BOOST_AUTO_TEST_CASE(uac_busy_is_a_failure) {
    SipLeg leg = calling();
    auto c = leg.handle(response(SipEvent::FailureInd, 486));
    BOOST_TEST(get<NotifyFailed>(c).status == 486);
    BOOST_TEST(has<NotifyEnded>(c));
    BOOST_TEST(leg.state() == SipState::Terminated);
}

BOOST_AUTO_TEST_CASE(uac_hangup_before_answer_cancels) {
    SipLeg leg = calling();
    leg.handle(response(SipEvent::ProvisionalInd, 180));
    auto c = leg.handle({SipEvent::HangupReq});
    BOOST_TEST(has<SendCancel>(c));
    BOOST_TEST(leg.state() == SipState::Cancelling);
    c = leg.handle(response(SipEvent::FailureInd, 487));
    BOOST_TEST(!has<NotifyFailed>(c));   // the call asked for it
    BOOST_TEST(has<NotifyEnded>(c));
}

BOOST_AUTO_TEST_CASE(ok_crossing_cancel_is_ended_with_bye) {
    SipLeg leg = calling();
    leg.handle(response(SipEvent::ProvisionalInd, 180));
    leg.handle({SipEvent::HangupReq});
    auto c = leg.handle(response(SipEvent::SuccessInd, 200));
    BOOST_TEST(has<SendBye>(c));
    BOOST_TEST(!has<NotifyAnswered>(c));
    BOOST_TEST(leg.state() == SipState::Terminating);
}

BOOST_AUTO_TEST_CASE(uas_ring_answer_ack_bye) {
    SipLeg leg(2);
    leg.handle({SipEvent::InviteInd});
    BOOST_TEST(leg.state() == SipState::Proceeding);
    SipInput ring{SipEvent::RingReq};
    ring.status = 180;
    auto c = leg.handle(ring);
    BOOST_TEST(get<SendResponse>(c).status == 180);
    BOOST_TEST(leg.state() == SipState::Early);
    SipInput ans{SipEvent::AnswerReq};
    ans.sdp = "v=0";
    c = leg.handle(ans);
    BOOST_TEST(get<SendResponse>(c).status == 200);
    BOOST_TEST(get<SendResponse>(c).sdp == "v=0");
    BOOST_TEST(leg.state() == SipState::Accepted);
    c = leg.handle({SipEvent::AckInd});
    BOOST_TEST(has<NotifyConfirmed>(c));
    BOOST_TEST(leg.state() == SipState::Confirmed);
    c = leg.handle({SipEvent::ByeInd});
    BOOST_TEST(has<NotifyHangup>(c));
    BOOST_TEST(has<NotifyEnded>(c));
    BOOST_TEST(leg.state() == SipState::Terminated);
}

BOOST_AUTO_TEST_CASE(uas_hangup_before_answer_rejects_with_status) {
    SipLeg leg(3);
    leg.handle({SipEvent::InviteInd});
    SipInput hang{SipEvent::HangupReq};
    hang.status = 486;
    auto c = leg.handle(hang);
    BOOST_TEST(get<SendResponse>(c).status == 486);
    BOOST_TEST(has<NotifyEnded>(c));
    BOOST_TEST(leg.state() == SipState::Terminated);
}

BOOST_AUTO_TEST_CASE(uas_cancel_before_answer) {
    SipLeg leg(4);
    leg.handle({SipEvent::InviteInd});
    SipInput ring{SipEvent::RingReq};
    ring.status = 180;
    leg.handle(ring);
    auto c = leg.handle({SipEvent::CancelInd});
    BOOST_TEST(has<NotifyHangup>(c));
    BOOST_TEST(leg.state() == SipState::Terminated);
}

BOOST_AUTO_TEST_CASE(dialog_lost_while_confirmed_is_a_remote_hangup) {
    SipLeg leg = calling();
    leg.handle(response(SipEvent::SuccessInd, 200));
    auto c = leg.handle(response(SipEvent::TerminatedInd, 408));
    BOOST_TEST(has<NotifyHangup>(c));
    BOOST_TEST(has<NotifyEnded>(c));
}

BOOST_AUTO_TEST_CASE(unexpected_event_changes_nothing) {
    SipLeg leg(5);
    leg.handle({SipEvent::InviteInd});
    auto c = leg.handle({SipEvent::AckInd});
    BOOST_TEST(c.empty());
    BOOST_TEST(leg.state() == SipState::Proceeding);
}

BOOST_AUTO_TEST_CASE(ended_is_notified_once) {
    SipLeg leg = calling();
    leg.handle(response(SipEvent::SuccessInd, 200));
    leg.handle({SipEvent::HangupReq});
    auto c = leg.handle({SipEvent::ByeInd});   // BYE crossing ours
    BOOST_TEST(has<NotifyEnded>(c));
    c = leg.handle(response(SipEvent::TerminatedInd, 200));
    BOOST_TEST(c.empty());
}

BOOST_AUTO_TEST_SUITE_END()
