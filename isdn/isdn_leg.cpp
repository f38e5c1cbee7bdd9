// IsdnLeg transitions. The table follows Q.931 §5.1 (originating), §5.2
// (terminating) and §5.3 (clearing) from the gateway's side; libpri does the
// message-level work (timers T303/T310/T305/T308, CONNECT ACK, RELEASE
// COMPLETE), so the leg tracks the call state the gateway acts on.
#include "isdn/isdn_leg.hpp"

#include "kernel/log.hpp"

// g++ 12 at -O2 reports std::variant alternatives holding std::string as
// "maybe uninitialized" when pushed into a vector (a known false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace gw::isdn {

const char* toString(Presentation p) {
    switch (p) {
    case Presentation::Allowed: return "allowed";
    case Presentation::Restricted: return "restricted";
    case Presentation::NotAvailable: return "not available";
    }
    return "?";
}

const char* typeOfNumberName(int ton) {
    switch (ton) {
    case 0: return "unknown";
    case 1: return "international";
    case 2: return "national";
    case 3: return "network-specific";
    case 4: return "subscriber";
    case 6: return "abbreviated";
    }
    return "reserved";
}

const char* toString(IsdnState s) {
    switch (s) {
    case IsdnState::Null: return "Null";
    case IsdnState::CallInitiated: return "CallInitiated";
    case IsdnState::OverlapSending: return "OverlapSending";
    case IsdnState::OutgoingCallProceeding: return "OutgoingCallProceeding";
    case IsdnState::CallDelivered: return "CallDelivered";
    case IsdnState::CallPresent: return "CallPresent";
    case IsdnState::CallReceived: return "CallReceived";
    case IsdnState::ConnectRequest: return "ConnectRequest";
    case IsdnState::IncomingCallProceeding: return "IncomingCallProceeding";
    case IsdnState::Active: return "Active";
    case IsdnState::DisconnectRequest: return "DisconnectRequest";
    case IsdnState::ReleaseRequest: return "ReleaseRequest";
    case IsdnState::OverlapReceiving: return "OverlapReceiving";
    }
    return "?";
}

const char* toString(IsdnEvent e) {
    switch (e) {
    case IsdnEvent::SetupInd: return "Setup";
    case IsdnEvent::SetupAckInd: return "SetupAck";
    case IsdnEvent::ProceedingInd: return "CallProceeding";
    case IsdnEvent::AlertingInd: return "Alerting";
    case IsdnEvent::ProgressInd: return "Progress";
    case IsdnEvent::ConnectInd: return "Connect";
    case IsdnEvent::ConnectAckInd: return "ConnectAck";
    case IsdnEvent::DisconnectInd: return "Disconnect";
    case IsdnEvent::ReleaseInd: return "Release";
    case IsdnEvent::InfoInd: return "Information";
    case IsdnEvent::MoreInfoReq: return "MoreInfoReq";
    case IsdnEvent::SetupReq: return "SetupReq";
    case IsdnEvent::ProceedingReq: return "ProceedingReq";
    case IsdnEvent::AlertingReq: return "AlertingReq";
    case IsdnEvent::ProgressReq: return "ProgressReq";
    case IsdnEvent::ConnectReq: return "ConnectReq";
    case IsdnEvent::DisconnectReq: return "DisconnectReq";
    }
    return "?";
}

const std::vector<IsdnState>& IsdnLeg::allStates() {
    using S = IsdnState;
    static const std::vector<S> all = {S::Null, S::CallInitiated, S::OverlapSending, S::OutgoingCallProceeding,
                                       S::CallDelivered,
                                       S::CallPresent, S::CallReceived, S::ConnectRequest,
                                       S::IncomingCallProceeding, S::Active, S::DisconnectRequest,
                                       S::ReleaseRequest, S::OverlapReceiving};
    return all;
}

const IsdnLeg::Table& IsdnLeg::table() {
    using S = IsdnState;
    using E = IsdnEvent;
    static const Table rows = [] {
        std::vector<Table::Row> r = {
            // Q.931 §5.1: the gateway originates
            {S::Null, E::SetupReq, &IsdnLeg::aSetupReq, S::CallInitiated},
            {S::CallInitiated, E::ProceedingInd, &IsdnLeg::aProceedingInd, S::OutgoingCallProceeding},
            {S::CallInitiated, E::AlertingInd, &IsdnLeg::aAlertingInd, S::CallDelivered},
            {S::OutgoingCallProceeding, E::AlertingInd, &IsdnLeg::aAlertingInd, S::CallDelivered},
            {S::CallInitiated, E::ProgressInd, &IsdnLeg::aProgressInd, S::CallInitiated},
            {S::OutgoingCallProceeding, E::ProgressInd, &IsdnLeg::aProgressInd, S::OutgoingCallProceeding},
            {S::CallDelivered, E::ProgressInd, &IsdnLeg::aProgressInd, S::CallDelivered},
            {S::CallInitiated, E::ConnectInd, &IsdnLeg::aConnectInd, S::Active},
            {S::OutgoingCallProceeding, E::ConnectInd, &IsdnLeg::aConnectInd, S::Active},
            {S::CallDelivered, E::ConnectInd, &IsdnLeg::aConnectInd, S::Active},
            // Q.931 §5.1.3: overlap sending. The SETUP went without Sending
            // Complete and the far end wants more digits; the SIP side gave
            // them all at once, so the far end's T302 completes the number.
            {S::CallInitiated, E::SetupAckInd, &IsdnLeg::aSetupAckInd, S::OverlapSending},
            {S::OverlapSending, E::ProceedingInd, &IsdnLeg::aProceedingInd, S::OutgoingCallProceeding},
            {S::OverlapSending, E::AlertingInd, &IsdnLeg::aAlertingInd, S::CallDelivered},
            {S::OverlapSending, E::ProgressInd, &IsdnLeg::aProgressInd, S::OverlapSending},
            {S::OverlapSending, E::ConnectInd, &IsdnLeg::aConnectInd, S::Active},
            // Q.931 §5.2: the far end originates
            {S::Null, E::SetupInd, &IsdnLeg::aSetupInd, S::CallPresent},
            {S::CallPresent, E::ProceedingReq, &IsdnLeg::aProceedingReq, S::IncomingCallProceeding},
            {S::CallPresent, E::AlertingReq, &IsdnLeg::aAlertingReq, S::CallReceived},
            {S::IncomingCallProceeding, E::AlertingReq, &IsdnLeg::aAlertingReq, S::CallReceived},
            {S::CallPresent, E::ProgressReq, &IsdnLeg::aProgressReq, S::CallPresent},
            {S::IncomingCallProceeding, E::ProgressReq, &IsdnLeg::aProgressReq, S::IncomingCallProceeding},
            {S::CallReceived, E::ProgressReq, &IsdnLeg::aProgressReq, S::CallReceived},
            {S::CallReceived, E::AlertingReq, &IsdnLeg::aNothing, S::CallReceived},
            {S::CallPresent, E::ConnectReq, &IsdnLeg::aConnectReq, S::ConnectRequest},
            {S::IncomingCallProceeding, E::ConnectReq, &IsdnLeg::aConnectReq, S::ConnectRequest},
            {S::CallReceived, E::ConnectReq, &IsdnLeg::aConnectReq, S::ConnectRequest},
            {S::ConnectRequest, E::ConnectAckInd, &IsdnLeg::aConnectAckInd, S::Active},
            // Q.931 §5.2.4: overlap receiving, the called number in INFORMATION
            {S::CallPresent, E::MoreInfoReq, &IsdnLeg::aMoreInfoReq, S::OverlapReceiving},
            {S::OverlapReceiving, E::InfoInd, &IsdnLeg::aInfoInd, S::OverlapReceiving},
            {S::OverlapReceiving, E::ProceedingReq, &IsdnLeg::aProceedingReq, S::IncomingCallProceeding},
            {S::OverlapReceiving, E::AlertingReq, &IsdnLeg::aAlertingReq, S::CallReceived},
            {S::OverlapReceiving, E::ConnectReq, &IsdnLeg::aConnectReq, S::ConnectRequest},
            {S::OverlapReceiving, E::ProgressReq, &IsdnLeg::aProgressReq, S::OverlapReceiving},
            // Digits after the number was taken as complete change nothing.
            {S::IncomingCallProceeding, E::InfoInd, &IsdnLeg::aNothing, S::IncomingCallProceeding},
            {S::Active, E::ConnectAckInd, &IsdnLeg::aNothing, S::Active},
            // Q.931 §5.3.5: clear collision, both sides sent DISCONNECT
            {S::DisconnectRequest, E::DisconnectInd, &IsdnLeg::aDisconnectReq, S::ReleaseRequest},
            {S::DisconnectRequest, E::DisconnectReq, &IsdnLeg::aNothing, S::DisconnectRequest},
            {S::ReleaseRequest, E::DisconnectReq, &IsdnLeg::aNothing, S::ReleaseRequest},
            {S::ReleaseRequest, E::DisconnectInd, &IsdnLeg::aNothing, S::ReleaseRequest},
        };
        // Q.931 §5.3: clearing from any state of a live call.
        for (S s : {S::CallInitiated, S::OverlapSending, S::OutgoingCallProceeding, S::CallDelivered,
                    S::CallPresent, S::CallReceived, S::ConnectRequest, S::IncomingCallProceeding, S::Active,
                    S::OverlapReceiving}) {
            r.push_back({s, E::DisconnectInd, &IsdnLeg::aDisconnectInd, S::ReleaseRequest});
            r.push_back({s, E::DisconnectReq, &IsdnLeg::aDisconnectReq, S::DisconnectRequest});
        }
        for (S s : {S::CallInitiated, S::OverlapSending, S::OutgoingCallProceeding, S::CallDelivered,
                    S::CallPresent, S::CallReceived, S::ConnectRequest, S::IncomingCallProceeding, S::Active,
                    S::DisconnectRequest, S::ReleaseRequest, S::OverlapReceiving})
            r.push_back({s, E::ReleaseInd, &IsdnLeg::aReleaseInd, S::Null});
        return Table(std::move(r));
    }();
    return rows;
}

std::vector<IsdnCommand> IsdnLeg::handle(const IsdnInput& in) {
    std::vector<IsdnCommand> out;
    table().run(*this, state_, in.event, in, out);
    return out;
}

void IsdnLeg::transition(IsdnState next, IsdnEvent why) {
    if (next == state_) return;
    GW_CCAPI("call=%llu leg=isdn span=%d cr=0x%04x %s(%d) -> %s(%d) on %s",
            static_cast<unsigned long long>(callId_), span_, callRef_, toString(state_),
            static_cast<int>(state_), toString(next), static_cast<int>(next), toString(why));
    state_ = next;
}

void IsdnLeg::onUnexpected(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    GW_WARN("call=%llu leg=isdn span=%d cr=0x%04x unexpected %s in %s(%d), ignored",
            static_cast<unsigned long long>(callId_), span_, callRef_, toString(in.event),
            toString(state_), static_cast<int>(state_));
    // A release from below always ends the leg, whatever we believed.
    if (in.event == IsdnEvent::ReleaseInd && state_ == IsdnState::Null) {
        cause_ = in.cause;
        out.push_back(NotifyReleased{cause_});
    }
}

void IsdnLeg::noteChannel(int channel, std::vector<IsdnCommand>& out) {
    if (channel > 0 && channel != channel_) {
        channel_ = channel;
        out.push_back(NotifyChannel{channel});
    }
}

void IsdnLeg::aSetupReq(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    outgoing_ = true;
    channel_ = in.setup.channel;
    out.push_back(SendSetup{in.setup});
}

void IsdnLeg::aSetupInd(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    outgoing_ = false;
    noteChannel(in.setup.channel, out);
}

void IsdnLeg::aProceedingReq(const IsdnInput&, std::vector<IsdnCommand>& out) {
    out.push_back(SendProceeding{channel_});
}

void IsdnLeg::aAlertingReq(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    out.push_back(SendAlerting{channel_, in.inband});
}

void IsdnLeg::aProgressReq(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    out.push_back(SendProgress{channel_, in.inband});
}

void IsdnLeg::aConnectReq(const IsdnInput&, std::vector<IsdnCommand>& out) {
    out.push_back(SendConnect{channel_});
}

// The far end's choice of B-channel comes with the SETUP ACKNOWLEDGE.
void IsdnLeg::aSetupAckInd(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    noteChannel(in.channel, out);
}

void IsdnLeg::aProceedingInd(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    noteChannel(in.channel, out);
    out.push_back(NotifyProceeding{channel_});
}

void IsdnLeg::aAlertingInd(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    noteChannel(in.channel, out);
    out.push_back(NotifyAlerting{in.inband});
}

void IsdnLeg::aProgressInd(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    noteChannel(in.channel, out);
    out.push_back(NotifyProgress{in.inband});
}

void IsdnLeg::aConnectInd(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    noteChannel(in.channel, out);
    out.push_back(NotifyAnswered{});
}

void IsdnLeg::aConnectAckInd(const IsdnInput&, std::vector<IsdnCommand>& out) {
    out.push_back(NotifyActive{});
}

void IsdnLeg::aMoreInfoReq(const IsdnInput&, std::vector<IsdnCommand>& out) {
    out.push_back(SendSetupAck{channel_});
}

void IsdnLeg::aInfoInd(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    out.push_back(NotifyDigits{in.setup.called, in.setup.complete});
}

// Q.931 §5.3.4: DISCONNECT received; the port answers with RELEASE.
void IsdnLeg::aDisconnectInd(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    cause_ = in.cause;
    out.push_back(NotifyDisconnected{in.cause});
    out.push_back(SendDisconnect{in.cause});
}

// Q.931 §5.3.3: the gateway clears first.
void IsdnLeg::aDisconnectReq(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    if (cause_ == q850::Cause::None) cause_ = in.cause;
    out.push_back(SendDisconnect{in.cause});
}

void IsdnLeg::aReleaseInd(const IsdnInput& in, std::vector<IsdnCommand>& out) {
    if (cause_ == q850::Cause::None) cause_ = in.cause;
    bool wasLive = state_ != IsdnState::DisconnectRequest && state_ != IsdnState::ReleaseRequest;
    if (wasLive) out.push_back(NotifyDisconnected{in.cause});
    out.push_back(NotifyReleased{cause_});
}

} // namespace gw::isdn
