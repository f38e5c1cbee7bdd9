// IsdnLeg, transition by transition (Q.931 §5.1–§5.3 from the gateway side).
#include "isdn/isdn_leg.hpp"

#include <boost/test/unit_test.hpp>

using namespace gw::isdn;
namespace q850 = gw::q850;

namespace {

template <class T>
bool has(const std::vector<IsdnCommand>& cmds) {
    for (const auto& c : cmds)
        if (std::holds_alternative<T>(c)) return true;
    return false;
}

template <class T>
const T& get(const std::vector<IsdnCommand>& cmds) {
    for (const auto& c : cmds)
        if (auto* p = std::get_if<T>(&c)) return *p;
    throw std::runtime_error("command not found");
}

IsdnInput setupInd(int channel) {
    IsdnInput in{IsdnEvent::SetupInd};
    in.setup.called = "5552000";
    in.setup.channel = channel;
    return in;
}

IsdnInput setupReq(int channel) {
    IsdnInput in{IsdnEvent::SetupReq};
    in.setup.called = "5551000";
    in.setup.channel = channel;
    return in;
}

} // namespace

BOOST_AUTO_TEST_SUITE(isdn_leg)

BOOST_AUTO_TEST_CASE(incoming_call_to_active_and_cleared_by_us) {
    IsdnLeg leg(1, 0);
    auto c = leg.handle(setupInd(5));
    BOOST_TEST(static_cast<int>(leg.state()) == 6);   // Call Present
    BOOST_TEST(get<NotifyChannel>(c).channel == 5);
    c = leg.handle({IsdnEvent::ProceedingReq});
    BOOST_TEST(get<SendProceeding>(c).channel == 5);
    BOOST_TEST(static_cast<int>(leg.state()) == 9);   // Incoming Call Proceeding
    c = leg.handle({IsdnEvent::AlertingReq});
    BOOST_TEST(has<SendAlerting>(c));
    BOOST_TEST(static_cast<int>(leg.state()) == 7);   // Call Received
    c = leg.handle({IsdnEvent::ConnectReq});
    BOOST_TEST(get<SendConnect>(c).channel == 5);
    BOOST_TEST(static_cast<int>(leg.state()) == 8);   // Connect Request
    c = leg.handle({IsdnEvent::ConnectAckInd});
    BOOST_TEST(has<NotifyActive>(c));
    BOOST_TEST(static_cast<int>(leg.state()) == 10);  // Active
    c = leg.handle({IsdnEvent::DisconnectReq, 0, q850::Cause::NormalClearing});
    BOOST_TEST((get<SendDisconnect>(c).cause == q850::Cause::NormalClearing));
    BOOST_TEST(static_cast<int>(leg.state()) == 11);  // Disconnect Request
    c = leg.handle({IsdnEvent::ReleaseInd, 0, q850::Cause::NormalClearing});
    BOOST_TEST((get<NotifyReleased>(c).cause == q850::Cause::NormalClearing));
    BOOST_TEST(!has<NotifyDisconnected>(c));
    BOOST_TEST(static_cast<int>(leg.state()) == 0);
}

BOOST_AUTO_TEST_CASE(outgoing_call_proceeding_alerting_connect) {
    IsdnLeg leg(2, 0);
    auto c = leg.handle(setupReq(31));
    BOOST_TEST(get<SendSetup>(c).setup.called == "5551000");
    BOOST_TEST(static_cast<int>(leg.state()) == 1);   // Call Initiated
    c = leg.handle({IsdnEvent::ProceedingInd, 31});
    BOOST_TEST(has<NotifyProceeding>(c));
    BOOST_TEST(!has<NotifyChannel>(c));               // same channel
    BOOST_TEST(static_cast<int>(leg.state()) == 3);
    c = leg.handle({IsdnEvent::AlertingInd, 31});
    BOOST_TEST(has<NotifyAlerting>(c));
    BOOST_TEST(static_cast<int>(leg.state()) == 4);   // Call Delivered
    c = leg.handle({IsdnEvent::ConnectInd, 31});
    BOOST_TEST(has<NotifyAnswered>(c));
    BOOST_TEST(static_cast<int>(leg.state()) == 10);
}

// Q.931 §5.1.3: SETUP ACKNOWLEDGE puts the call in Overlap Sending; the
// channel it names is taken, and the far end's completion goes on as usual.
BOOST_AUTO_TEST_CASE(overlap_sending_setup_acknowledge_then_proceeding) {
    IsdnLeg leg(2, 0);
    IsdnInput req = setupReq(31);
    req.setup.complete = false;
    auto c = leg.handle(req);
    BOOST_TEST(!get<SendSetup>(c).setup.complete);
    c = leg.handle({IsdnEvent::SetupAckInd, 30});
    BOOST_TEST(static_cast<int>(leg.state()) == 2);   // Overlap Sending
    BOOST_TEST(get<NotifyChannel>(c).channel == 30);
    BOOST_TEST(!has<NotifyProceeding>(c));            // the number is not complete yet
    c = leg.handle({IsdnEvent::ProceedingInd, 30});
    BOOST_TEST(has<NotifyProceeding>(c));
    BOOST_TEST(static_cast<int>(leg.state()) == 3);
    c = leg.handle({IsdnEvent::DisconnectInd, 0, q850::Cause::InvalidNumberFormat});
    BOOST_TEST((get<NotifyDisconnected>(c).cause == q850::Cause::InvalidNumberFormat));
}

BOOST_AUTO_TEST_CASE(network_moves_channel_in_call_proceeding) {
    IsdnLeg leg(3, 0);
    leg.handle(setupReq(31));
    auto c = leg.handle({IsdnEvent::ProceedingInd, 30});
    BOOST_TEST(get<NotifyChannel>(c).channel == 30);
    BOOST_TEST(leg.channel() == 30);
}

BOOST_AUTO_TEST_CASE(far_end_disconnect_is_released_with_its_cause) {
    IsdnLeg leg(4, 0);
    leg.handle(setupReq(1));
    leg.handle({IsdnEvent::AlertingInd, 1});
    auto c = leg.handle({IsdnEvent::DisconnectInd, 0, q850::Cause::UserBusy});
    BOOST_TEST((get<NotifyDisconnected>(c).cause == q850::Cause::UserBusy));
    BOOST_TEST((get<SendDisconnect>(c).cause == q850::Cause::UserBusy));    // answered with RELEASE
    BOOST_TEST(static_cast<int>(leg.state()) == 19);   // Release Request
    c = leg.handle({IsdnEvent::ReleaseInd, 0, q850::Cause::UserBusy});
    BOOST_TEST((get<NotifyReleased>(c).cause == q850::Cause::UserBusy));
    BOOST_TEST(!has<NotifyDisconnected>(c));
    BOOST_TEST((leg.cause() == q850::Cause::UserBusy));
}

BOOST_AUTO_TEST_CASE(release_without_disconnect_notifies_both) {
    IsdnLeg leg(5, 0);
    leg.handle(setupReq(1));
    auto c = leg.handle({IsdnEvent::ReleaseInd, 0, q850::Cause::NoCircuitAvailable});
    BOOST_TEST((get<NotifyDisconnected>(c).cause == q850::Cause::NoCircuitAvailable));
    BOOST_TEST((get<NotifyReleased>(c).cause == q850::Cause::NoCircuitAvailable));
    BOOST_TEST(static_cast<int>(leg.state()) == 0);
}

BOOST_AUTO_TEST_CASE(clear_collision_sends_release) {
    IsdnLeg leg(6, 0);
    leg.handle(setupInd(2));
    leg.handle({IsdnEvent::DisconnectReq, 0, q850::Cause::NormalClearing});
    auto c = leg.handle({IsdnEvent::DisconnectInd, 0, q850::Cause::NormalClearing});
    BOOST_TEST(has<SendDisconnect>(c));
    BOOST_TEST(static_cast<int>(leg.state()) == 19);
}

BOOST_AUTO_TEST_CASE(unexpected_event_changes_nothing) {
    IsdnLeg leg(7, 0);
    leg.handle(setupInd(2));
    auto c = leg.handle({IsdnEvent::ConnectInd, 2});   // CONNECT in Call Present
    BOOST_TEST(c.empty());
    BOOST_TEST(static_cast<int>(leg.state()) == 6);
    c = leg.handle({IsdnEvent::ConnectAckInd});
    BOOST_TEST(c.empty());
}

BOOST_AUTO_TEST_CASE(progress_in_band_before_answer) {
    IsdnLeg leg(8, 0);
    leg.handle(setupReq(3));
    auto c = leg.handle({IsdnEvent::ProgressInd, 3, q850::Cause::None, true});
    BOOST_TEST(get<NotifyProgress>(c).inband);
    BOOST_TEST(static_cast<int>(leg.state()) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
