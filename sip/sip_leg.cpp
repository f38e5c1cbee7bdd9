// SipLeg transitions: UAC side (RFC 3261 §13.2, §9.1 CANCEL, §15 BYE) and UAS
// side (§13.3, RFC 6026 Accepted). The stack (nua) handles retransmissions,
// ACK for 2xx and the 487 after CANCEL; the leg decides what the call sees.
#include "sip/sip_leg.hpp"

#include "kernel/log.hpp"

// g++ 12 at -O2 reports std::variant alternatives holding std::string as
// "maybe uninitialized" when pushed into a vector (a known false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace gw::sip {

const char* toString(SipState s) {
    switch (s) {
    case SipState::Idle: return "Idle";
    case SipState::Calling: return "Calling";
    case SipState::Proceeding: return "Proceeding";
    case SipState::Early: return "Early";
    case SipState::Accepted: return "Accepted";
    case SipState::Confirmed: return "Confirmed";
    case SipState::Cancelling: return "Cancelling";
    case SipState::Terminating: return "Terminating";
    case SipState::Terminated: return "Terminated";
    }
    return "?";
}

const char* toString(SipEvent e) {
    switch (e) {
    case SipEvent::InviteInd: return "INVITE";
    case SipEvent::TryingInd: return "100";
    case SipEvent::ProvisionalInd: return "18x";
    case SipEvent::SuccessInd: return "2xx";
    case SipEvent::FailureInd: return "failure";
    case SipEvent::AckInd: return "ACK";
    case SipEvent::ByeInd: return "BYE";
    case SipEvent::CancelInd: return "CANCEL";
    case SipEvent::TerminatedInd: return "terminated";
    case SipEvent::ReinviteInd: return "re-INVITE";
    case SipEvent::ReinviteAckInd: return "re-INVITE ACK";
    case SipEvent::InviteReq: return "InviteReq";
    case SipEvent::RingReq: return "RingReq";
    case SipEvent::AnswerReq: return "AnswerReq";
    case SipEvent::RejectReq: return "RejectReq";
    case SipEvent::HangupReq: return "HangupReq";
    case SipEvent::ReinviteAnswerReq: return "ReinviteAnswerReq";
    }
    return "?";
}

const std::vector<SipState>& SipLeg::allStates() {
    using S = SipState;
    static const std::vector<S> all = {S::Idle,     S::Calling,    S::Proceeding,  S::Early,     S::Accepted,
                                       S::Confirmed, S::Cancelling, S::Terminating, S::Terminated};
    return all;
}

const SipLeg::Table& SipLeg::table() {
    using S = SipState;
    using E = SipEvent;
    static const Table rows = [] {
        std::vector<Table::Row> r = {
            // UAC (RFC 3261 §13.2)
            {S::Idle, E::InviteReq, &SipLeg::aInviteReq, S::Calling},
            {S::Calling, E::TryingInd, &SipLeg::aNothing, S::Proceeding},
            {S::Proceeding, E::TryingInd, &SipLeg::aNothing, S::Proceeding},
            {S::Early, E::TryingInd, &SipLeg::aNothing, S::Early},
            {S::Calling, E::ProvisionalInd, &SipLeg::aProvisional, S::Early},
            {S::Proceeding, E::ProvisionalInd, &SipLeg::aProvisional, S::Early},
            {S::Early, E::ProvisionalInd, &SipLeg::aProvisional, S::Early},
            {S::Calling, E::SuccessInd, &SipLeg::aSuccess, S::Confirmed},
            {S::Proceeding, E::SuccessInd, &SipLeg::aSuccess, S::Confirmed},
            {S::Early, E::SuccessInd, &SipLeg::aSuccess, S::Confirmed},
            {S::Calling, E::FailureInd, &SipLeg::aFailure, S::Terminated},
            {S::Proceeding, E::FailureInd, &SipLeg::aFailure, S::Terminated},
            {S::Early, E::FailureInd, &SipLeg::aFailure, S::Terminated},
            // RFC 3261 §9.1: CANCEL before the final response
            {S::Calling, E::HangupReq, &SipLeg::aCancel, S::Cancelling},
            {S::Proceeding, E::HangupReq, &SipLeg::aCancel, S::Cancelling},
            {S::Early, E::HangupReq, &SipLeg::aCancel, S::Cancelling},
            {S::Cancelling, E::TryingInd, &SipLeg::aNothing, S::Cancelling},
            {S::Cancelling, E::ProvisionalInd, &SipLeg::aNothing, S::Cancelling},
            {S::Cancelling, E::FailureInd, &SipLeg::aFailureQuiet, S::Terminated},
            // §9.1: a 2xx crossing our CANCEL is confirmed then ended by BYE
            {S::Cancelling, E::SuccessInd, &SipLeg::aSuccessAfterCancel, S::Terminating},
            {S::Cancelling, E::TerminatedInd, &SipLeg::aEnded, S::Terminated},
            {S::Cancelling, E::HangupReq, &SipLeg::aNothing, S::Cancelling},
            // UAS (RFC 3261 §13.3)
            {S::Idle, E::InviteInd, &SipLeg::aInviteInd, S::Proceeding},
            {S::Proceeding, E::RingReq, &SipLeg::aRing, S::Early},
            {S::Early, E::RingReq, &SipLeg::aRing, S::Early},
            {S::Proceeding, E::AnswerReq, &SipLeg::aAnswer, S::Accepted},
            {S::Early, E::AnswerReq, &SipLeg::aAnswer, S::Accepted},
            {S::Accepted, E::AckInd, &SipLeg::aAck, S::Confirmed},
            {S::Confirmed, E::AckInd, &SipLeg::aNothing, S::Confirmed},
            {S::Proceeding, E::RejectReq, &SipLeg::aReject, S::Terminated},
            {S::Early, E::RejectReq, &SipLeg::aReject, S::Terminated},
            {S::Proceeding, E::CancelInd, &SipLeg::aRemoteHangup, S::Terminated},
            {S::Early, E::CancelInd, &SipLeg::aRemoteHangup, S::Terminated},
            // Established dialog: BYE either way (§15)
            {S::Accepted, E::HangupReq, &SipLeg::aBye, S::Terminating},
            {S::Confirmed, E::HangupReq, &SipLeg::aBye, S::Terminating},
            {S::Accepted, E::ByeInd, &SipLeg::aRemoteHangup, S::Terminated},
            {S::Confirmed, E::ByeInd, &SipLeg::aRemoteHangup, S::Terminated},
            {S::Terminating, E::ByeInd, &SipLeg::aEnded, S::Terminated},
            {S::Terminating, E::TerminatedInd, &SipLeg::aEnded, S::Terminated},
            {S::Terminating, E::HangupReq, &SipLeg::aNothing, S::Terminating},
            {S::Terminating, E::AckInd, &SipLeg::aNothing, S::Terminating},
            {S::Terminated, E::HangupReq, &SipLeg::aNothing, S::Terminated},
            // Mid-dialog session changes (RFC 3261 §14.2, RFC 3264 §8): the
            // call answers a re-INVITE of a confirmed dialog; one that comes
            // before our 2xx is ACKed is a glare of offers (491, §14.2); one
            // after our BYE finds no dialog to change (481).
            {S::Confirmed, E::ReinviteInd, &SipLeg::aReinvite, S::Confirmed},
            {S::Confirmed, E::ReinviteAnswerReq, &SipLeg::aReinviteAnswer, S::Confirmed},
            {S::Confirmed, E::ReinviteAckInd, &SipLeg::aReinviteAck, S::Confirmed},
            {S::Accepted, E::ReinviteInd, &SipLeg::aReinvitePending, S::Accepted},
            {S::Terminating, E::ReinviteInd, &SipLeg::aReinviteNoDialog, S::Terminating},
            {S::Terminating, E::ReinviteAnswerReq, &SipLeg::aReinviteAnswer, S::Terminating},
            {S::Terminating, E::ReinviteAckInd, &SipLeg::aNothing, S::Terminating},
            {S::Terminated, E::TerminatedInd, &SipLeg::aNothing, S::Terminated},
        };
        // A dialog that dies under us (timeout, transport error): the call
        // sees a remote hangup.
        for (S s : {S::Calling, S::Proceeding, S::Early, S::Accepted, S::Confirmed})
            r.push_back({s, E::TerminatedInd, &SipLeg::aRemoteHangup, S::Terminated});
        return Table(std::move(r));
    }();
    return rows;
}

std::vector<SipCommand> SipLeg::handle(const SipInput& input) {
    std::vector<SipCommand> out;
    SipInput in = input;
    // Before the final response, a UAS hangs up by rejecting the INVITE.
    if (in.event == SipEvent::HangupReq && !outgoing_ &&
        (state_ == SipState::Proceeding || state_ == SipState::Early)) {
        in.event = SipEvent::RejectReq;
        if (in.status == 0) in.status = 480;
    }
    if (in.event == SipEvent::ProvisionalInd && in.status == 100) in.event = SipEvent::TryingInd;
    table().run(*this, state_, in.event, in, out);
    return out;
}

void SipLeg::transition(SipState next, SipEvent why) {
    if (next == state_) return;
    GW_CCAPI("call=%llu leg=sip dialog=%llu %s -> %s on %s", static_cast<unsigned long long>(callId_),
            static_cast<unsigned long long>(dialog_), toString(state_), toString(next), toString(why));
    state_ = next;
}

void SipLeg::onUnexpected(const SipInput& in, std::vector<SipCommand>& out) {
    // A re-INVITE is always answered, or its transaction would hang.
    if (in.event == SipEvent::ReinviteInd) out.push_back(SendReinviteAnswer{481, ""});
    GW_WARN("call=%llu leg=sip dialog=%llu unexpected %s (%d) in %s, ignored",
            static_cast<unsigned long long>(callId_), static_cast<unsigned long long>(dialog_),
            toString(in.event), in.status, toString(state_));
}

void SipLeg::aInviteReq(const SipInput& in, std::vector<SipCommand>& out) {
    outgoing_ = true;
    out.push_back(SendInvite{in.invite});
}

void SipLeg::aInviteInd(const SipInput&, std::vector<SipCommand>&) { outgoing_ = false; }

void SipLeg::aProvisional(const SipInput& in, std::vector<SipCommand>& out) {
    out.push_back(NotifyRinging{in.status, in.sdp});
}

void SipLeg::aSuccess(const SipInput& in, std::vector<SipCommand>& out) {
    finalStatus_ = in.status;
    out.push_back(NotifyAnswered{in.sdp});
}

void SipLeg::aSuccessAfterCancel(const SipInput& in, std::vector<SipCommand>& out) {
    finalStatus_ = in.status;
    out.push_back(SendBye{in.cause});
}

void SipLeg::aFailure(const SipInput& in, std::vector<SipCommand>& out) {
    finalStatus_ = in.status;
    out.push_back(NotifyFailed{in.status, in.reason, in.farCause, in.contacts, in.diversionReason});
    aEnded(in, out);
}

void SipLeg::aFailureQuiet(const SipInput& in, std::vector<SipCommand>& out) {
    finalStatus_ = in.status;
    aEnded(in, out);
}

void SipLeg::aRing(const SipInput& in, std::vector<SipCommand>& out) {
    out.push_back(SendResponse{in.status ? in.status : 180, in.reason, in.sdp});
}

void SipLeg::aAnswer(const SipInput& in, std::vector<SipCommand>& out) {
    finalStatus_ = 200;
    out.push_back(SendResponse{200, in.reason, in.sdp});
}

void SipLeg::aReject(const SipInput& in, std::vector<SipCommand>& out) {
    finalStatus_ = in.status;
    out.push_back(SendResponse{in.status, in.reason, "", in.cause, in.retryAfter});
    aEnded(in, out);
}

void SipLeg::aAck(const SipInput&, std::vector<SipCommand>& out) { out.push_back(NotifyConfirmed{}); }

void SipLeg::aRemoteHangup(const SipInput& in, std::vector<SipCommand>& out) {
    out.push_back(NotifyHangup{in.farCause});
    aEnded(in, out);
}

void SipLeg::aCancel(const SipInput& in, std::vector<SipCommand>& out) {
    out.push_back(SendCancel{in.cause});
}

void SipLeg::aBye(const SipInput& in, std::vector<SipCommand>& out) { out.push_back(SendBye{in.cause}); }

void SipLeg::aReinvite(const SipInput& in, std::vector<SipCommand>& out) {
    out.push_back(NotifyReinvite{in.sdp});
}

void SipLeg::aReinviteAck(const SipInput& in, std::vector<SipCommand>& out) {
    out.push_back(NotifyReinviteAck{in.sdp});
}

void SipLeg::aReinviteAnswer(const SipInput& in, std::vector<SipCommand>& out) {
    out.push_back(SendReinviteAnswer{in.status, in.sdp});
}

void SipLeg::aReinvitePending(const SipInput&, std::vector<SipCommand>& out) {
    out.push_back(SendReinviteAnswer{491, ""});
}

void SipLeg::aReinviteNoDialog(const SipInput&, std::vector<SipCommand>& out) {
    out.push_back(SendReinviteAnswer{481, ""});
}

void SipLeg::aEnded(const SipInput&, std::vector<SipCommand>& out) {
    if (ended_) return;
    ended_ = true;
    out.push_back(ReleaseDialog{});
    out.push_back(NotifyEnded{});
}

} // namespace gw::sip
