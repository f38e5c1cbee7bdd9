// CallFlow: the call's own state machine, above its two legs. The legs
// speak ISDN and SIP; the call speaks of an inbound leg (the one that
// brought the call) and an outbound leg (the one the gateway placed), so the
// same table serves calls from the PBX and calls from SIP.
//
//   Idle --Collect--> Collecting --Digits/DigitTimeout ... Incoming--> Calling
//   Idle --Incoming--> Calling --OutRinging--> Early --OutAnswered--> Active
//   Calling/Early --OutRetry--> Hunting --OutEnded--> Calling (next dial-peer)
//   any live state --InCleared/OutCleared/OutFailed/Clear--> Releasing
//   Releasing --InEnded--> AwaitOut --OutEnded--> Ended (and the mirror)
//
// The CallManager turns what the legs report into these events (deciding
// OutRetry against OutFailed, OutAnswered against OutAnswerRefused, from the
// dial-peers left and the answer's SDP) and carries out what the actions
// ask: the actions only queue inputs for the legs, never run them.
#pragma once

#include "isdn/q850.hpp"
#include "kernel/transition_table.hpp"

#include <string>
#include <vector>

namespace gw {

class CallManager;
struct Call;

enum class CallState {
    Idle,       // created; the inbound leg is being presented
    Collecting, // overlap receiving: more digits of the called number awaited
    Calling,    // the outbound leg is placed, nothing heard back yet
    Early,      // the far end rings or plays early media
    Active,     // answered both ways
    Hunting,    // an attempt failed in a way worth retrying; waiting for it to end
    Releasing,  // clearing: both legs still to end
    AwaitIn,    // clearing: only the inbound leg still to end
    AwaitOut,   // clearing: only the outbound leg still to end
    Ended,      // both legs ended; the call is freed
};

enum class CallEvent {
    Collect,           // the called number is incomplete: ask for more digits
    Digits,            // more digits arrived (INFORMATION), maybe with Sending Complete
    DigitTimeout,      // the interdigit timer ran out
    Incoming,          // the inbound leg is presented and a dial-peer matched
    Refuse,            // the call cannot be placed (no dial-peer, no channel, no RTP port)
    OutRinging,        // ALERTING / PROGRESS with in-band tones / 18x
    OutAnswered,       // CONNECT / 200
    OutAnswerRefused,  // 200 whose SDP answer cannot be used (RFC 3264 §7)
    OutRetry,          // the attempt failed and another dial-peer may take the call
    OutFailed,         // the attempt failed for good (SIP final response)
    NoAnswer,          // the outbound leg rang unanswered too long (sip-ua timers expires)
    OutCleared,        // the outbound side hung up (DISCONNECT, BYE, dialog lost)
    InCleared,         // the inbound side hung up (DISCONNECT, BYE, CANCEL)
    OutEnded,          // the outbound leg is gone (RELEASE COMPLETE, dialog ended)
    InEnded,           // the inbound leg is gone
    Clear,             // the operator or the daemon clears the call
};

const char* toString(CallState s);
const char* toString(CallEvent e);

struct CallInput {
    CallInput(CallEvent e, q850::Cause c = q850::Cause::None) : event(e), cause(c) {}   // NOLINT: implicit on purpose
    CallEvent event;
    q850::Cause cause = q850::Cause::None;
    int status = 0;          // SIP status: of the failure, the 18x, or the one to refuse with
    int retryAfter = 0;      // Refuse, OutCleared: Retry-After seconds on the 503
    bool alerting = false;   // OutRinging: ALERTING or 180 rather than PROGRESS
    bool inband = false;     // OutRinging: in-band tones or early media
    std::string sdp;         // OutRinging: early SDP from a 18x
    std::string digits;      // Digits
    bool complete = false;   // Digits: Sending Complete came with them
};

// Runs one event on one call. Built for each event; `followUps` are events
// the actions raise (queued behind the current one).
class CallFlow {
public:
    using Table = kernel::TransitionTable<CallFlow, CallState, CallEvent, CallInput, std::vector<CallInput>>;
    CallFlow(CallManager& m, Call& c) : m_(m), c_(c) {}

    static const Table& table();
    static const std::vector<CallState>& allStates();

    void run(const CallInput& in, std::vector<CallInput>& followUps);

    // TransitionTable owner interface.
    void transition(CallState next, CallEvent why);
    void onUnexpected(const CallInput& in, std::vector<CallInput>& out);

private:
    void aNothing(const CallInput&, std::vector<CallInput>&) {}
    void aPlace(const CallInput& in, std::vector<CallInput>& out);
    void aCollect(const CallInput& in, std::vector<CallInput>& out);
    void aDigits(const CallInput& in, std::vector<CallInput>& out);
    void aDigitTimeout(const CallInput& in, std::vector<CallInput>& out);
    void aRefuse(const CallInput& in, std::vector<CallInput>& out);
    void aRing(const CallInput& in, std::vector<CallInput>& out);
    void aAnswer(const CallInput& in, std::vector<CallInput>& out);
    void aRetry(const CallInput& in, std::vector<CallInput>& out);
    void aClearInbound(const CallInput& in, std::vector<CallInput>& out);
    void aClearOutbound(const CallInput& in, std::vector<CallInput>& out);
    void aClearBoth(const CallInput& in, std::vector<CallInput>& out);
    void aFinish(const CallInput& in, std::vector<CallInput>& out);

    CallManager& m_;
    Call& c_;
};

} // namespace gw
