// TransitionTable: the one table-driven state machine the call layers use
// (IsdnLeg, SipLeg, the Call). A machine is a list of {state, event, action,
// next} rows; run() finds the row for the current state and the event, runs
// its action and moves to `next`, and hands a pair that is not in the table
// to the owner's onUnexpected(). Pure: no I/O, no clock.
//
// The checks below are what every table must pass (a unit test runs them on
// each): no (state, event) pair twice, every state reachable from the
// initial one, and every state that is not final has a way out.
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

namespace gw::kernel {

template <class Owner, class State, class Event, class Input, class Out>
class TransitionTable {
public:
    using Action = void (Owner::*)(const Input&, Out&);
    struct Row {
        State state;
        Event event;
        Action action;
        State next;
    };

    explicit TransitionTable(std::vector<Row> rows) : rows_(std::move(rows)) {}

    const std::vector<Row>& rows() const { return rows_; }

    const Row* find(State s, Event e) const {
        for (const Row& r : rows_)
            if (r.state == s && r.event == e) return &r;
        return nullptr;
    }

    // Runs one event on `owner`, whose state is `state`. The owner provides
    // transition(next, event), called after the action (also when next ==
    // state) and the one place its state changes, and onUnexpected(input,
    // out). Returns whether a row matched.
    bool run(Owner& owner, State state, Event event, const Input& in, Out& out) const {
        const Row* row = find(state, event);
        if (!row) {
            owner.onUnexpected(in, out);
            return false;
        }
        (owner.*(row->action))(in, out);
        owner.transition(row->next, event);
        return true;
    }

    // ---- checks ----
    std::vector<std::pair<State, Event>> duplicates() const {
        std::vector<std::pair<State, Event>> out;
        for (std::size_t i = 0; i < rows_.size(); ++i)
            for (std::size_t j = i + 1; j < rows_.size(); ++j)
                if (rows_[i].state == rows_[j].state && rows_[i].event == rows_[j].event)
                    out.emplace_back(rows_[i].state, rows_[i].event);
        return out;
    }

    // States of `all` that no sequence of rows reaches from `initial`.
    std::vector<State> unreachable(State initial, const std::vector<State>& all) const {
        std::vector<State> seen{initial};
        for (std::size_t i = 0; i < seen.size(); ++i)
            for (const Row& r : rows_)
                if (r.state == seen[i] && std::find(seen.begin(), seen.end(), r.next) == seen.end())
                    seen.push_back(r.next);
        std::vector<State> out;
        for (State s : all)
            if (std::find(seen.begin(), seen.end(), s) == seen.end()) out.push_back(s);
        return out;
    }

    // States of `all`, other than `finals`, with no row to another state.
    std::vector<State> deadEnds(const std::vector<State>& all, const std::vector<State>& finals) const {
        std::vector<State> out;
        for (State s : all) {
            if (std::find(finals.begin(), finals.end(), s) != finals.end()) continue;
            bool exits = std::any_of(rows_.begin(), rows_.end(), [&](const Row& r) { return r.state == s && r.next != s; });
            if (!exits) out.push_back(s);
        }
        return out;
    }

private:
    std::vector<Row> rows_;
};

} // namespace gw::kernel
