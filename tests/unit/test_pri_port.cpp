// The gateway's PriPort (user side) against a network-side PriController
// over a virtual E1, both real libpri, in one loop, as libpri's testprilib
// runs its NET and CPE: each test asserts the Q.931 messages that crossed
// the D-channel, decoded from the network side's frame tap, and what the
// port told its listener.
#include "isdn/pri_controller.hpp"
#include "isdn/pri_port.hpp"
#include "isdn/q931_decode.hpp"
#include "sip/sofia_loop.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

using namespace gw;
using namespace gw::isdn;
using namespace std::chrono_literals;
using Lines = std::vector<std::string>;

namespace {

struct Listener : IsdnPortListener {
    Lines log;
    std::vector<std::pair<IsdnCallId, SetupInfo>> setups;
    bool up = false;
    void onSetup(int, IsdnCallId id, const SetupInfo& s) override {
        setups.emplace_back(id, s);
        log.push_back("setup " + s.called);
    }
    void onProceeding(IsdnCallId, int ch) override { log.push_back("proceeding " + std::to_string(ch)); }
    void onSetupAck(IsdnCallId, int ch) override { log.push_back("setup ack " + std::to_string(ch)); }
    void onInformation(IsdnCallId, const std::string& digits, bool complete) override {
        log.push_back("information " + digits + (complete ? " complete" : ""));
    }
    void onAlerting(IsdnCallId, int, bool inband) override { log.push_back(inband ? "alerting inband" : "alerting"); }
    void onProgress(IsdnCallId, int, bool inband) override { log.push_back(inband ? "progress inband" : "progress"); }
    void onConnect(IsdnCallId, int ch) override { log.push_back("connect " + std::to_string(ch)); }
    void onConnectAck(IsdnCallId) override { log.push_back("connect-ack"); }
    void onDisconnect(IsdnCallId, q850::Cause c) override { log.push_back("disconnect " + std::to_string(q850::value(c))); }
    void onReleased(IsdnCallId, q850::Cause c) override { log.push_back("released " + std::to_string(q850::value(c))); }
    void onDchannel(int, bool on) override { up = on; }
    void onChannelService(int, int ch, int state) override {
        log.push_back("service " + std::to_string(ch) + " " + std::to_string(state));
    }
};

// The network side: a PriController on the far end of the span, its events
// and the Q.931 messages each way ("tx SETUP", "rx CALL PROCEEDING", ...).
struct Network {
    Lines wire;
    std::vector<Q931Message> received;
    std::vector<PriEvent> events;
    std::unique_ptr<kernel::Span> span;
    std::unique_ptr<PriController> pri;
    Network(const std::string& path) {
        std::string error;
        span = kernel::openVirtualSpan(path, kernel::SpanType::E1, kernel::SpanEnd::Peer, error);
        BOOST_TEST_REQUIRE(span.get() != nullptr, error);
        pri = std::make_unique<PriController>(
            *span, conf::IsdnSide::Network, conf::SwitchType::PrimaryNet5,
            [this](const PriEvent& e) { onEvent(e); },
            [this](bool tx, const std::uint8_t* f, std::size_t n) {
                auto msg = decodeQ931Frame(f, n);
                if (!msg) return;
                wire.push_back(std::string(tx ? "tx " : "rx ") + msg->name);
                if (!tx) received.push_back(*msg);
            });
    }
    void onEvent(const PriEvent& e) {
        events.push_back(e);
        // Q.931 §5.3.3: the network releases a call the user cleared, and
        // frees one it released.
        if (e.kind == PriEvent::Kind::HangupReq || e.kind == PriEvent::Kind::Hangup) pri->hangup(e.call, e.cause);
        if (e.kind == PriEvent::Kind::Answer) pri->connectAck(e.call, e.channel);
    }
    bool saw(PriEvent::Kind k) const {
        for (const auto& e : events)
            if (e.kind == k) return true;
        return false;
    }
    const PriEvent* last(PriEvent::Kind k) const {
        for (auto it = events.rbegin(); it != events.rend(); ++it)
            if (it->kind == k) return &*it;
        return nullptr;
    }
    Lines calls() const {   // the wire without the link's RESTARTs
        Lines out;
        for (const auto& w : wire)
            if (w.find("RESTART") == std::string::npos) out.push_back(w);
        return out;
    }
};

struct Bench {
    std::string dir;
    sip::SofiaLoop loop;
    Listener listener;
    std::unique_ptr<kernel::Span> span;
    std::unique_ptr<PriPort> port;
    std::unique_ptr<Network> net;

    explicit Bench(bool restartOnUp = false) {
        char tmpl[] = "/tmp/priport-test-XXXXXX";
        BOOST_TEST_REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        std::string error;
        span = kernel::openVirtualSpan(dir + "/span", kernel::SpanType::E1, kernel::SpanEnd::Device, error);
        BOOST_TEST_REQUIRE(span.get() != nullptr, error);
        net = std::make_unique<Network>(dir + "/span");
        port = std::make_unique<PriPort>(loop, listener, 0, *span, conf::IsdnSide::User, conf::SwitchType::PrimaryNet5);
        port->setRestartOnUp(restartOnUp);
        loop.watchFd(net->pri->fd(), [this] { net->pri->readFrames(); });
        BOOST_TEST_REQUIRE(run([this] { return listener.up && net->saw(PriEvent::Kind::DchanUp); }, 10s));
    }
    ~Bench() {
        loop.unwatchFd(net->pri->fd());
        port.reset();
        std::filesystem::remove_all(dir);
    }
    // Runs the loop (and the network side's timers) until `done`.
    bool run(const std::function<bool()>& done, std::chrono::milliseconds limit = 3s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            loop.step(2ms);
            net->pri->runTimers();
        }
        return true;
    }
    bool logged(const std::string& line) {
        return run([&] { return std::find(listener.log.begin(), listener.log.end(), line) != listener.log.end(); });
    }
    // A SETUP from the network for 5551000 on B5, exclusive.
    PriCall callFromNetwork() {
        PriCall call = net->pri->newCall();
        SetupInfo s;
        s.called = "5551000";
        s.calling = "2000";
        s.callingName = "Reception";
        s.callingTon = 2;   // national
        s.channel = 5;
        s.exclusive = true;
        BOOST_TEST_REQUIRE(net->pri->setup(call, s, kernel::Law::Alaw).has_value());
        BOOST_TEST_REQUIRE(run([&] { return !listener.setups.empty(); }));
        return call;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(pri_port)

BOOST_AUTO_TEST_CASE(dchannel_up_restarts_each_idle_channel_then_reports_up) {
    Bench b(true);
    // Every B-channel restarted, one at a time, before "up" (a RESTART lost
    // while layer 2 settles is sent again).
    std::set<int> restarted;
    for (const auto& m : b.net->received)
        if (m.name == "RESTART" && m.channel) restarted.insert(*m.channel);
    BOOST_TEST(restarted.size() == 30u);
    BOOST_TEST(!restarted.count(16));   // the E1's D-channel
    BOOST_TEST(std::count(b.net->wire.begin(), b.net->wire.end(), "tx RESTART ACKNOWLEDGE") >= 30);
    BOOST_TEST(b.net->received.front().ies.front().name == "Channel identification");
    BOOST_TEST(b.net->received.front().channel.value_or(0) == 1);
}

BOOST_AUTO_TEST_CASE(call_from_the_network_answered_and_cleared_by_the_network) {
    Bench b;
    PriCall call = b.callFromNetwork();
    const auto& [id, setup] = b.listener.setups.front();
    BOOST_TEST(setup.channel == 5);
    BOOST_TEST(setup.exclusive);
    BOOST_TEST(setup.calling == "2000");
    BOOST_TEST(setup.callingTon == 2);
    BOOST_TEST(setup.callingName == "Reception");
    BOOST_TEST(setup.callRef != 0);
    BOOST_TEST(b.port->callRef(id) == setup.callRef);
    b.port->proceeding(id, 5);
    b.port->alerting(id, 5, false);
    b.port->connect(id, 5);
    BOOST_TEST(b.logged("connect-ack"));
    BOOST_TEST((b.net->pri->hangup(call, 16) == PriController::Hangup::Pending));
    BOOST_TEST(b.logged("disconnect 16"));
    b.port->disconnect(id, q850::Cause::NormalClearing);
    BOOST_TEST(b.logged("released 16"));
    BOOST_TEST(b.net->calls() == (Lines{"tx SETUP", "rx CALL PROCEEDING", "rx ALERTING", "rx CONNECT",
                                        "tx CONNECT ACKNOWLEDGE", "tx DISCONNECT", "rx RELEASE",
                                        "tx RELEASE COMPLETE"}));
}

BOOST_AUTO_TEST_CASE(call_to_the_network_refused_busy) {
    Bench b;
    SetupInfo s;
    s.called = "5552000";
    s.calling = "1000";
    s.callingPresentation = Presentation::Restricted;
    s.channel = 31;
    IsdnCallId id = b.port->setup(s);
    BOOST_TEST_REQUIRE(id != 0u);
    BOOST_TEST_REQUIRE(b.run([&] { return b.net->saw(PriEvent::Kind::Ring); }));
    const PriEvent& ring = *b.net->last(PriEvent::Kind::Ring);
    BOOST_TEST(ring.channel == 31);
    BOOST_TEST(!ring.setup.exclusive);   // the user side only prefers (Q.931 §5.1.2)
    BOOST_TEST((ring.setup.callingPresentation == Presentation::Restricted));
    BOOST_TEST(b.port->callRef(id) == ring.setup.callRef);   // known from the SETUP as sent
    BOOST_TEST((b.net->pri->hangup(ring.call, 17) == PriController::Hangup::Pending));
    BOOST_TEST(b.logged("disconnect 17"));
    b.port->disconnect(id, q850::Cause::UserBusy);
    BOOST_TEST(b.logged("released 17"));
    // The network had not answered the SETUP: CALL PROCEEDING, then clearing.
    BOOST_TEST(b.net->calls() == (Lines{"rx SETUP", "tx CALL PROCEEDING", "tx DISCONNECT", "rx RELEASE",
                                        "tx RELEASE COMPLETE"}));
    auto it = std::find_if(b.net->received.begin(), b.net->received.end(),
                           [](const Q931Message& m) { return m.name == "SETUP"; });
    BOOST_TEST_REQUIRE((it != b.net->received.end()));
    const Q931Message& setupMsg = *it;
    BOOST_TEST(describeQ931(setupMsg).find("Calling party number '1000'") != std::string::npos, describeQ931(setupMsg));
    BOOST_TEST(describeQ931(setupMsg).find("presentation restricted") != std::string::npos);
    BOOST_TEST(describeQ931(setupMsg).find("Bearer capability speech, 64 kbit/s, A-law") != std::string::npos);
}

// Q.931 §5.3.2 a): a SETUP refused before any answer with cause 1 is
// cleared with RELEASE COMPLETE, and the port reports the release itself.
BOOST_AUTO_TEST_CASE(unallocated_number_is_refused_with_release_complete) {
    Bench b;
    b.callFromNetwork();
    b.port->disconnect(b.listener.setups.front().first, q850::Cause::UnallocatedNumber);
    BOOST_TEST(b.logged("released 1"));
    BOOST_TEST_REQUIRE(b.run([&] { return b.net->saw(PriEvent::Kind::HangupAck) || b.net->saw(PriEvent::Kind::Hangup); }));
    BOOST_TEST(b.net->calls() == (Lines{"tx SETUP", "rx RELEASE COMPLETE"}));
    BOOST_TEST(b.net->received.back().cause.value_or(0) == 1);
}

BOOST_AUTO_TEST_CASE(restart_of_the_channel_from_the_network_releases_its_call_with_cause_41) {
    Bench b;
    PriCall call = b.callFromNetwork();
    IsdnCallId id = b.listener.setups.front().first;
    b.port->proceeding(id, 5);
    b.port->connect(id, 5);
    BOOST_TEST(b.logged("connect-ack"));
    BOOST_TEST(b.net->pri->restart(5));
    BOOST_TEST(b.logged("released 41"));
    BOOST_TEST_REQUIRE(b.run([&] { return b.net->saw(PriEvent::Kind::RestartAck); }));
    BOOST_TEST(b.net->last(PriEvent::Kind::RestartAck)->channel == 5);
    b.net->pri->destroy(call);   // the network's own record of it, as chan_dahdi does
    // A new call can take the channel at once.
    b.listener.setups.clear();
    b.callFromNetwork();
    BOOST_TEST(b.listener.setups.front().second.channel == 5);
}

BOOST_AUTO_TEST_SUITE_END()
