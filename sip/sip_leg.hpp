// SipLeg: one INVITE dialog as a pure state machine (RFC 3261 §12–§17 names).
// Events come from the SIP stack (Ind) or from the call (Req); a table of
// {state, event, action, next} rows decides, and actions return commands
// for the sofia adapter and notifications for the call.
#pragma once

#include "kernel/transition_table.hpp"
#include "sip/sip_port.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace gw::sip {

enum class SipState {
    Idle,
    Calling,      // UAC: INVITE sent, nothing back (RFC 3261 §17.1.1.2)
    Proceeding,   // UAC: 1xx received / UAS: INVITE received (§17.2.1)
    Early,        // early dialog: 18x received or sent (§12.1)
    Accepted,     // UAS: 2xx sent, waiting for ACK (RFC 6026 §7.1)
    Confirmed,    // dialog confirmed (§12)
    Cancelling,   // UAC: CANCEL sent, waiting for the final response (§9.1)
    Terminating,  // BYE sent (§15.1.1) or failure response sent
    Terminated,
};
const char* toString(SipState s);

enum class SipEvent {
    // from the stack
    InviteInd, TryingInd, ProvisionalInd, SuccessInd, FailureInd, AckInd, ByeInd, CancelInd, TerminatedInd,
    ReinviteInd, ReinviteAckInd,
    // from the call
    InviteReq, RingReq, AnswerReq, RejectReq, HangupReq, ReinviteAnswerReq,
};
const char* toString(SipEvent e);

struct SipInput {
    SipInput(SipEvent e) : event(e) {}   // NOLINT: implicit on purpose
    SipEvent event;
    int status = 0;           // responses received or to send
    std::string reason;
    std::string sdp;
    int cause = 0;            // Q.850 cause for Reason headers we send
    int farCause = 0;         // Ind: Q.850 cause of the Reason header received, 0 = none
    std::vector<std::string> contacts;   // FailureInd of a 3xx: where to try, best first
    std::string diversionReason;         // ...and its Diversion reason, "" = none
    int retryAfter = 0;       // RejectReq: Retry-After seconds, 0 = none
    OutgoingInvite invite;    // InviteReq
};

// Commands to the adapter.
struct SendInvite { OutgoingInvite invite; };
struct SendResponse {
    int status;
    std::string reason;
    std::string sdp;
    int cause = 0;        // failures: Reason: Q.850 (RFC 3326), 0 = none
    int retryAfter = 0;   // failures: Retry-After seconds (RFC 3261 §20.33), 0 = none
};
struct SendBye { int cause; };
struct SendCancel { int cause; };
struct SendReinviteAnswer { int status; std::string sdp; };
struct ReleaseDialog {};
// Notifications to the call.
struct NotifyRinging { int status; std::string sdp; };        // 180/183 (sdp: early media)
struct NotifyAnswered { std::string sdp; };                   // 2xx received
struct NotifyConfirmed {};                                    // ACK received
struct NotifyFailed {                                         // final failure received
    int status;
    std::string reason;
    int farCause = 0;
    std::vector<std::string> contacts;                        // 3xx: the redirection targets
    std::string diversionReason;                              // 3xx: its Diversion reason
};
struct NotifyHangup { int farCause = 0; };                    // BYE or CANCEL received
struct NotifyEnded {};                                        // dialog gone: free the leg
struct NotifyReinvite { std::string sdp; };                   // re-INVITE: offer, "" for none
struct NotifyReinviteAck { std::string sdp; };                // its ACK: the answer to our offer

using SipCommand = std::variant<SendInvite, SendResponse, SendBye, SendCancel, SendReinviteAnswer, ReleaseDialog,
                                NotifyRinging, NotifyAnswered, NotifyConfirmed, NotifyFailed,
                                NotifyHangup, NotifyEnded, NotifyReinvite, NotifyReinviteAck>;

class SipLeg {
public:
    explicit SipLeg(std::uint64_t callId) : callId_(callId) {}

    std::vector<SipCommand> handle(const SipInput& in);

    SipState state() const { return state_; }
    bool outgoing() const { return outgoing_; }
    int finalStatus() const { return finalStatus_; }
    void setDialogId(SipDialogId id) { dialog_ = id; }

    using Table = kernel::TransitionTable<SipLeg, SipState, SipEvent, SipInput, std::vector<SipCommand>>;
    static const Table& table();
    static const std::vector<SipState>& allStates();

private:
    friend Table;

    void onUnexpected(const SipInput& in, std::vector<SipCommand>& out);
    void transition(SipState next, SipEvent why);

    void aInviteReq(const SipInput&, std::vector<SipCommand>&);
    void aInviteInd(const SipInput&, std::vector<SipCommand>&);
    void aProvisional(const SipInput&, std::vector<SipCommand>&);
    void aSuccess(const SipInput&, std::vector<SipCommand>&);
    void aSuccessAfterCancel(const SipInput&, std::vector<SipCommand>&);
    void aFailure(const SipInput&, std::vector<SipCommand>&);
    void aFailureQuiet(const SipInput&, std::vector<SipCommand>&);
    void aRing(const SipInput&, std::vector<SipCommand>&);
    void aAnswer(const SipInput&, std::vector<SipCommand>&);
    void aReject(const SipInput&, std::vector<SipCommand>&);
    void aAck(const SipInput&, std::vector<SipCommand>&);
    void aRemoteHangup(const SipInput&, std::vector<SipCommand>&);
    void aCancel(const SipInput&, std::vector<SipCommand>&);
    void aBye(const SipInput&, std::vector<SipCommand>&);
    void aEnded(const SipInput&, std::vector<SipCommand>&);
    void aReinvite(const SipInput&, std::vector<SipCommand>&);
    void aReinviteAck(const SipInput&, std::vector<SipCommand>&);
    void aReinviteAnswer(const SipInput&, std::vector<SipCommand>&);
    void aReinvitePending(const SipInput&, std::vector<SipCommand>&);
    void aReinviteNoDialog(const SipInput&, std::vector<SipCommand>&);
    void aNothing(const SipInput&, std::vector<SipCommand>&) {}

    std::uint64_t callId_;
    SipDialogId dialog_ = 0;
    SipState state_ = SipState::Idle;
    bool outgoing_ = false;
    int finalStatus_ = 0;
    bool ended_ = false;
};

} // namespace gw::sip
