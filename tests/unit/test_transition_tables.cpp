// Every transition table of the call layers: no (state, event) pair twice,
// every state reachable from the initial one, every state but the final one
// with a way out.
#include "gateway/call/call_flow.hpp"
#include "isdn/isdn_leg.hpp"
#include "sip/sip_leg.hpp"

#include <boost/test/unit_test.hpp>

#include <sstream>

namespace {

template <class Table, class State>
void checkTable(const Table& t, State initial, const std::vector<State>& all, const std::vector<State>& finals,
                const char* (*name)(State)) {
    std::ostringstream dup, unreachable, dead;
    for (auto [s, e] : t.duplicates()) dup << name(s) << "/" << static_cast<int>(e) << " ";
    for (State s : t.unreachable(initial, all)) unreachable << name(s) << " ";
    for (State s : t.deadEnds(all, finals)) dead << name(s) << " ";
    BOOST_TEST(dup.str().empty(), "duplicate rows: " << dup.str());
    BOOST_TEST(unreachable.str().empty(), "unreachable states: " << unreachable.str());
    BOOST_TEST(dead.str().empty(), "states with no way out: " << dead.str());
    // Every state the table names is one of the machine's states.
    for (const auto& r : t.rows()) {
        BOOST_TEST((std::find(all.begin(), all.end(), r.state) != all.end()));
        BOOST_TEST((std::find(all.begin(), all.end(), r.next) != all.end()));
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(transition_tables)

BOOST_AUTO_TEST_CASE(isdn_leg_table_is_sound) {
    using gw::isdn::IsdnLeg;
    using gw::isdn::IsdnState;
    // Null is both where a leg starts and where it ends; it has ways out.
    checkTable(IsdnLeg::table(), IsdnState::Null, IsdnLeg::allStates(), {},
               static_cast<const char* (*)(IsdnState)>(gw::isdn::toString));
}

BOOST_AUTO_TEST_CASE(sip_leg_table_is_sound) {
    using gw::sip::SipLeg;
    using gw::sip::SipState;
    checkTable(SipLeg::table(), SipState::Idle, SipLeg::allStates(), {SipState::Terminated},
               static_cast<const char* (*)(SipState)>(gw::sip::toString));
}

BOOST_AUTO_TEST_CASE(call_table_is_sound) {
    using gw::CallFlow;
    using gw::CallState;
    checkTable(CallFlow::table(), CallState::Idle, CallFlow::allStates(), {CallState::Ended},
               static_cast<const char* (*)(CallState)>(gw::toString));
}

// A live call always has a row for either leg ending, so that no call can
// be left waiting for a leg that is already gone.
BOOST_AUTO_TEST_CASE(every_live_call_state_handles_a_leg_ending) {
    using gw::CallEvent;
    using gw::CallFlow;
    using gw::CallState;
    for (CallState s : CallFlow::allStates()) {
        if (s == CallState::Idle || s == CallState::Ended) continue;
        bool in = CallFlow::table().find(s, CallEvent::InEnded) != nullptr;
        bool out = CallFlow::table().find(s, CallEvent::OutEnded) != nullptr;
        // Collecting has no outbound leg yet, AwaitIn none left, AwaitOut no inbound one.
        const bool outboundLeg = s != CallState::AwaitIn && s != CallState::Collecting;
        BOOST_TEST((in || s == CallState::AwaitOut), gw::toString(s) << " ignores the inbound leg ending");
        BOOST_TEST((out || !outboundLeg), gw::toString(s) << " ignores the outbound leg ending");
    }
}

BOOST_AUTO_TEST_CASE(a_pair_not_in_the_table_changes_nothing) {
    gw::isdn::IsdnLeg leg(1, 0);
    auto out = leg.handle({gw::isdn::IsdnEvent::ConnectAckInd});   // nothing set up
    BOOST_TEST(out.empty());
    BOOST_TEST((leg.state() == gw::isdn::IsdnState::Null));
}

namespace {
enum class Toy { A, B, C, D };
struct ToyOwner {
    using Table = gw::kernel::TransitionTable<ToyOwner, Toy, int, int, std::vector<int>>;
    void act(const int& in, std::vector<int>& out) { out.push_back(in); }
    void transition(Toy next, int) { moves.push_back(next); }
    void onUnexpected(const int& in, std::vector<int>&) { unexpected.push_back(in); }
    std::vector<Toy> moves;
    std::vector<int> unexpected;
};
} // namespace

BOOST_AUTO_TEST_CASE(the_checks_find_duplicates_unreachable_states_and_dead_ends) {
    ToyOwner::Table t({{Toy::A, 1, &ToyOwner::act, Toy::B},
                       {Toy::A, 1, &ToyOwner::act, Toy::A},    // duplicate pair
                       {Toy::B, 2, &ToyOwner::act, Toy::B},    // B never leaves
                       {Toy::D, 3, &ToyOwner::act, Toy::A}});  // D unreachable, C not even named
    BOOST_TEST(t.duplicates().size() == 1u);
    BOOST_TEST((t.unreachable(Toy::A, {Toy::A, Toy::B, Toy::C, Toy::D}) == std::vector<Toy>{Toy::C, Toy::D}));
    BOOST_TEST((t.deadEnds({Toy::A, Toy::B, Toy::C, Toy::D}, {Toy::C}) == std::vector<Toy>{Toy::B}));

    ToyOwner o;
    Toy state = Toy::A;
    std::vector<int> out;
    BOOST_TEST(t.run(o, state, 1, 7, out));
    BOOST_TEST((out == std::vector<int>{7}));
    BOOST_TEST((o.moves == std::vector<Toy>{Toy::B}));
    BOOST_TEST(!t.run(o, state, 9, 8, out));   // not in the table: onUnexpected, nothing else
    BOOST_TEST((o.unexpected == std::vector<int>{8}));
    BOOST_TEST(out.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
