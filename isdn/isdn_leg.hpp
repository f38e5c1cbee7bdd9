// IsdnLeg: the gateway's view of one Q.931 call (one call reference), as a
// pure state machine. States carry their Q.931 §2.1 names and numbers. Input
// events come from the D-channel (Ind) or from the call (Req); a table of
// {state, event, action, next} rows decides, and actions return commands.
#pragma once

#include "isdn/isdn_port.hpp"
#include "kernel/transition_table.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace gw::isdn {

// Q.931 §2.1.1 call states (user side numbering; N-states share numbers).
enum class IsdnState : int {
    Null = 0,
    CallInitiated = 1,
    OverlapSending = 2,
    OutgoingCallProceeding = 3,
    CallDelivered = 4,
    CallPresent = 6,
    CallReceived = 7,
    ConnectRequest = 8,
    IncomingCallProceeding = 9,
    Active = 10,
    DisconnectRequest = 11,
    ReleaseRequest = 19,
    OverlapReceiving = 25,
};
// Q.931 state 12 (Disconnect Indication) is not one: libpri answers a
// DISCONNECT with RELEASE at once, so the leg goes straight to 19.
const char* toString(IsdnState s);

enum class IsdnEvent {
    // from the D-channel
    SetupInd, SetupAckInd, ProceedingInd, AlertingInd, ProgressInd, ConnectInd, ConnectAckInd,
    DisconnectInd, ReleaseInd, InfoInd,
    // from the call
    SetupReq, ProceedingReq, AlertingReq, ProgressReq, ConnectReq, DisconnectReq, MoreInfoReq,
};
const char* toString(IsdnEvent e);

struct IsdnInput {
    IsdnInput(IsdnEvent e, int ch = 0, q850::Cause c = q850::Cause::None, bool ib = false)
        : event(e), channel(ch), cause(c), inband(ib) {}
    IsdnEvent event;
    int channel = 0;
    q850::Cause cause = q850::Cause::None;
    bool inband = false;
    SetupInfo setup;   // SetupInd / SetupReq; InfoInd: the digits in `called`, Sending Complete in `complete`
};

// Commands to the D-channel adapter.
struct SendSetup { SetupInfo setup; };
struct SendProceeding { int channel; };
struct SendAlerting { int channel; bool inband; };
struct SendProgress { int channel; bool inband; };
struct SendConnect { int channel; };
struct SendDisconnect { q850::Cause cause; };
struct SendSetupAck { int channel; };       // Q.931 §5.2.4: more digits wanted
// Notifications to the call.
struct NotifyProceeding { int channel; };
struct NotifyAlerting { bool inband; };
struct NotifyProgress { bool inband; };
struct NotifyAnswered {};
struct NotifyActive {};
struct NotifyDisconnected { q850::Cause cause; };   // far end cleared
struct NotifyReleased { q850::Cause cause; };     // call reference gone: free the leg
struct NotifyChannel { int channel; };      // B-channel now known / changed
struct NotifyDigits { std::string digits; bool complete; };   // INFORMATION in overlap receiving

using IsdnCommand = std::variant<SendSetup, SendProceeding, SendAlerting, SendProgress, SendConnect,
                                 SendDisconnect, SendSetupAck, NotifyProceeding, NotifyAlerting, NotifyProgress,
                                 NotifyAnswered, NotifyActive, NotifyDisconnected, NotifyReleased,
                                 NotifyChannel, NotifyDigits>;

class IsdnLeg {
public:
    IsdnLeg(std::uint64_t callId, int span) : callId_(callId), span_(span) {}

    // Feeds one event; returns the commands to carry out, in order. A pair
    // not in the transition table goes to onUnexpected() (logged, no change,
    // except that a DisconnectReq always clears and a ReleaseInd always ends).
    std::vector<IsdnCommand> handle(const IsdnInput& in);

    IsdnState state() const { return state_; }
    int channel() const { return channel_; }
    q850::Cause cause() const { return cause_; }
    bool outgoing() const { return outgoing_; }
    void setCallRef(int cr) { callRef_ = cr; }

    using Table = kernel::TransitionTable<IsdnLeg, IsdnState, IsdnEvent, IsdnInput, std::vector<IsdnCommand>>;
    static const Table& table();
    static const std::vector<IsdnState>& allStates();

private:
    friend Table;
    void onUnexpected(const IsdnInput& in, std::vector<IsdnCommand>& out);
    void transition(IsdnState next, IsdnEvent why);

    void aSetupInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aSetupReq(const IsdnInput&, std::vector<IsdnCommand>&);
    void aProceedingReq(const IsdnInput&, std::vector<IsdnCommand>&);
    void aAlertingReq(const IsdnInput&, std::vector<IsdnCommand>&);
    void aProgressReq(const IsdnInput&, std::vector<IsdnCommand>&);
    void aConnectReq(const IsdnInput&, std::vector<IsdnCommand>&);
    void aSetupAckInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aProceedingInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aAlertingInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aProgressInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aConnectInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aConnectAckInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aDisconnectInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aDisconnectReq(const IsdnInput&, std::vector<IsdnCommand>&);
    void aReleaseInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aMoreInfoReq(const IsdnInput&, std::vector<IsdnCommand>&);
    void aInfoInd(const IsdnInput&, std::vector<IsdnCommand>&);
    void aNothing(const IsdnInput&, std::vector<IsdnCommand>&) {}

    void noteChannel(int channel, std::vector<IsdnCommand>& out);

    std::uint64_t callId_;
    int span_;
    int callRef_ = 0;
    IsdnState state_ = IsdnState::Null;
    int channel_ = 0;
    q850::Cause cause_ = q850::Cause::None;
    bool outgoing_ = false;
};

} // namespace gw::isdn
