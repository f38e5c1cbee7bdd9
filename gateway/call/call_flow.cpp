// The call's transition table and its actions. The actions hand the work to
// the CallManager, which owns the legs, the ports and the media.
#include "gateway/call/call_flow.hpp"

#include "gateway/call/call_manager.hpp"
#include "kernel/log.hpp"

namespace gw {

const char* toString(CallState s) {
    switch (s) {
    case CallState::Idle: return "Idle";
    case CallState::Collecting: return "Collecting";
    case CallState::Calling: return "Calling";
    case CallState::Early: return "Early";
    case CallState::Active: return "Active";
    case CallState::Hunting: return "Hunting";
    case CallState::Releasing: return "Releasing";
    case CallState::AwaitIn: return "AwaitIn";
    case CallState::AwaitOut: return "AwaitOut";
    case CallState::Ended: return "Ended";
    }
    return "?";
}

const char* toString(CallEvent e) {
    switch (e) {
    case CallEvent::Collect: return "Collect";
    case CallEvent::Digits: return "Digits";
    case CallEvent::DigitTimeout: return "DigitTimeout";
    case CallEvent::Incoming: return "Incoming";
    case CallEvent::Refuse: return "Refuse";
    case CallEvent::OutRinging: return "OutRinging";
    case CallEvent::OutAnswered: return "OutAnswered";
    case CallEvent::OutAnswerRefused: return "OutAnswerRefused";
    case CallEvent::OutRetry: return "OutRetry";
    case CallEvent::OutFailed: return "OutFailed";
    case CallEvent::NoAnswer: return "NoAnswer";
    case CallEvent::OutCleared: return "OutCleared";
    case CallEvent::InCleared: return "InCleared";
    case CallEvent::OutEnded: return "OutEnded";
    case CallEvent::InEnded: return "InEnded";
    case CallEvent::Clear: return "Clear";
    }
    return "?";
}

const std::vector<CallState>& CallFlow::allStates() {
    using S = CallState;
    static const std::vector<S> all = {S::Idle,    S::Collecting, S::Calling,  S::Early, S::Active,
                                       S::Hunting, S::Releasing,  S::AwaitIn, S::AwaitOut, S::Ended};
    return all;
}

const CallFlow::Table& CallFlow::table() {
    using S = CallState;
    using E = CallEvent;
    static const Table rows = [] {
        std::vector<Table::Row> r = {
            {S::Idle, E::Incoming, &CallFlow::aPlace, S::Calling},
            {S::Idle, E::Refuse, &CallFlow::aRefuse, S::AwaitIn},
            // Q.931 §5.2.4 overlap receiving: digits until the number is
            // complete (Sending Complete, a full match, or the interdigit
            // timeout), then routed as an en-bloc call.
            {S::Idle, E::Collect, &CallFlow::aCollect, S::Collecting},
            {S::Collecting, E::Digits, &CallFlow::aDigits, S::Collecting},
            {S::Collecting, E::DigitTimeout, &CallFlow::aDigitTimeout, S::Collecting},
            {S::Collecting, E::Incoming, &CallFlow::aPlace, S::Calling},
            {S::Collecting, E::Refuse, &CallFlow::aRefuse, S::AwaitIn},
            {S::Collecting, E::InCleared, &CallFlow::aNothing, S::AwaitIn},
            {S::Collecting, E::InEnded, &CallFlow::aFinish, S::Ended},
            {S::Collecting, E::Clear, &CallFlow::aClearInbound, S::AwaitIn},
            // No attempt could be placed (every dial-peer down or full): only
            // the inbound leg is left.
            {S::Calling, E::Refuse, &CallFlow::aRefuse, S::AwaitIn},
            {S::Calling, E::OutRinging, &CallFlow::aRing, S::Early},
            {S::Early, E::OutRinging, &CallFlow::aRing, S::Early},
            // A retried attempt ends before the next dial-peer is tried, so
            // one call never has two outbound legs at once.
            {S::Hunting, E::OutEnded, &CallFlow::aPlace, S::Calling},
            {S::Hunting, E::InCleared, &CallFlow::aNothing, S::Releasing},
            {S::Hunting, E::InEnded, &CallFlow::aNothing, S::AwaitOut},
            {S::Hunting, E::Clear, &CallFlow::aClearInbound, S::Releasing},
            // Clearing: wait for both legs to end, whatever else they report.
            {S::Releasing, E::InEnded, &CallFlow::aNothing, S::AwaitOut},
            {S::Releasing, E::OutEnded, &CallFlow::aNothing, S::AwaitIn},
            {S::AwaitIn, E::InEnded, &CallFlow::aFinish, S::Ended},
            {S::AwaitOut, E::OutEnded, &CallFlow::aFinish, S::Ended},
        };
        for (S s : {S::Calling, S::Early}) {
            r.push_back({s, E::OutAnswered, &CallFlow::aAnswer, S::Active});
            r.push_back({s, E::OutAnswerRefused, &CallFlow::aClearBoth, S::Releasing});
            r.push_back({s, E::OutRetry, &CallFlow::aRetry, S::Hunting});
            r.push_back({s, E::NoAnswer, &CallFlow::aClearBoth, S::Releasing});
        }
        for (S s : {S::Calling, S::Early, S::Active}) {
            r.push_back({s, E::OutFailed, &CallFlow::aClearInbound, S::Releasing});
            r.push_back({s, E::OutCleared, &CallFlow::aClearInbound, S::Releasing});
            r.push_back({s, E::InCleared, &CallFlow::aClearOutbound, S::Releasing});
            r.push_back({s, E::Clear, &CallFlow::aClearBoth, S::Releasing});
            // A leg that ends without hanging up first (lost under us): the
            // other one is cleared.
            r.push_back({s, E::InEnded, &CallFlow::aClearOutbound, S::AwaitOut});
            r.push_back({s, E::OutEnded, &CallFlow::aClearInbound, S::AwaitIn});
        }
        for (S s : {S::Releasing, S::AwaitIn, S::AwaitOut}) {
            r.push_back({s, E::NoAnswer, &CallFlow::aNothing, s});
            r.push_back({s, E::InCleared, &CallFlow::aNothing, s});
            r.push_back({s, E::OutCleared, &CallFlow::aNothing, s});
            r.push_back({s, E::Clear, &CallFlow::aNothing, s});
        }
        return Table(std::move(r));
    }();
    return rows;
}

void CallFlow::run(const CallInput& in, std::vector<CallInput>& followUps) {
    table().run(*this, c_.state, in.event, in, followUps);
}

void CallFlow::transition(CallState next, CallEvent why) {
    if (next == c_.state) return;
    if (c_.state == CallState::Collecting) m_.stopDigitTimer(c_);
    if (next != CallState::Calling && next != CallState::Early) m_.stopNoAnswerTimer(c_);
    GW_CCAPI("call=%llu %s -> %s on %s", static_cast<unsigned long long>(c_.id), toString(c_.state), toString(next),
             toString(why));
    c_.state = next;
}

void CallFlow::onUnexpected(const CallInput& in, std::vector<CallInput>&) {
    GW_WARN("call=%llu unexpected %s in %s, ignored", static_cast<unsigned long long>(c_.id), toString(in.event),
            toString(c_.state));
}

void CallFlow::aPlace(const CallInput& in, std::vector<CallInput>& out) {
    m_.placeCall(c_, in.event == CallEvent::Incoming, out);
}

void CallFlow::aCollect(const CallInput&, std::vector<CallInput>&) { m_.collectDigits(c_); }

void CallFlow::aDigits(const CallInput& in, std::vector<CallInput>& out) { m_.addDigits(c_, in, out); }

// The number is as complete as it will get: route what there is.
void CallFlow::aDigitTimeout(const CallInput&, std::vector<CallInput>& out) {
    GW_CCAPI("call=%llu interdigit timeout after %s", static_cast<unsigned long long>(c_.id), c_.called.c_str());
    CallInput next = *m_.numberComplete(c_, true);
    if (next.event == CallEvent::Refuse) next.cause = q850::Cause::InvalidNumberFormat;   // address incomplete
    out.push_back(next);
}

void CallFlow::aRefuse(const CallInput& in, std::vector<CallInput>&) {
    m_.clearLeg(c_, CallManager::Side::Inbound, in.cause, in.status, in.retryAfter);
}

void CallFlow::aRing(const CallInput& in, std::vector<CallInput>&) { m_.ringInbound(c_, in); }

void CallFlow::aAnswer(const CallInput&, std::vector<CallInput>&) { m_.answerInbound(c_); }

void CallFlow::aRetry(const CallInput& in, std::vector<CallInput>&) {
    const int peer = c_.routeIndex ? c_.routes[c_.routeIndex - 1].peerTag : 0;
    if (in.status)
        GW_CCAPI("call=%llu dial-peer %d failed with %d, hunting", static_cast<unsigned long long>(c_.id), peer,
                 in.status);
    else
        GW_CCAPI("call=%llu dial-peer %d failed with cause %d, hunting", static_cast<unsigned long long>(c_.id), peer,
                 q850::value(in.cause));
}

void CallFlow::aClearInbound(const CallInput& in, std::vector<CallInput>&) {
    m_.clearLeg(c_, CallManager::Side::Inbound, in.cause, in.status, in.retryAfter);
}

void CallFlow::aClearOutbound(const CallInput& in, std::vector<CallInput>&) {
    m_.clearLeg(c_, CallManager::Side::Outbound, in.cause);
}

void CallFlow::aClearBoth(const CallInput& in, std::vector<CallInput>&) {
    m_.clearLeg(c_, CallManager::Side::Inbound, in.cause);
    m_.clearLeg(c_, CallManager::Side::Outbound, in.cause);
}

void CallFlow::aFinish(const CallInput&, std::vector<CallInput>&) { c_.finished = true; }

} // namespace gw
