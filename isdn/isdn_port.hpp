// IsdnPort: what the call core asks of one PRI D-channel (one span), and
// IsdnPortListener: what the D-channel tells the core. The pri_port adapter
// implements it over libpri; scenario tests use a fake.
#pragma once

#include "isdn/q850.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace gw::isdn {

// One Q.931 call reference on one span, numbered by the adapter (never 0).
using IsdnCallId = std::uint64_t;

// Q.931 §4.5.10 calling party number octet 3a: presentation indicator.
enum class Presentation : std::uint8_t { Allowed = 0, Restricted = 1, NotAvailable = 2 };
const char* toString(Presentation p);
// Q.931 §4.5.10 type of number (octet 3, bits 7-5), as coded.
const char* typeOfNumberName(int ton);
// The fields of octets 3 (type of number << 4 | numbering plan) and 3a
// (presentation << 5 | screening) as libpri reports them.
constexpr int typeOfNumberOf(int octet3) { return (octet3 >> 4) & 0x07; }
constexpr int numberingPlanOf(int octet3) { return octet3 & 0x0F; }
constexpr Presentation presentationOf(int octet3a) {
    return static_cast<Presentation>(((octet3a >> 5) & 0x03) > 2 ? 2 : (octet3a >> 5) & 0x03);
}

struct SetupInfo {
    std::string called;
    std::string calling;
    std::string callingName;                  // Display IE or name facility, by switch type
    int callingTon = 0;                       // type of number (0 unknown, 1 international, 2 national, 4 subscriber)
    int callingPlan = 1;                      // numbering plan (1 ISDN/E.164, 9 private, 0 unknown)
    Presentation callingPresentation = Presentation::Allowed;
    int callingScreening = 0;                 // 0 user-provided not screened, 1 passed, 2 failed, 3 network
    // Redirecting Number IE (Q.931 §4.5.21 / Q.952): the party that
    // diverted the call, and why (Q.952 reason code: 0 unknown, 1 busy,
    // 2 no reply, 3 deflection, 9 DTE out of order, 10 forwarded by the
    // called DTE, 15 unconditional). "" = none.
    std::string redirecting;
    int redirectingReason = 0;
    int calledTon = 0;
    int calledPlan = 1;
    int channel = 0;          // B-channel number, 0 = any
    bool exclusive = false;
    bool complete = true;     // Sending Complete seen (or en-bloc)
    int callRef = 0;          // for logs
};

class IsdnPort {
public:
    virtual ~IsdnPort() = default;
    // Sends SETUP; returns 0 if the D-channel is down or libpri refused.
    virtual IsdnCallId setup(const SetupInfo& setup) = 0;
    virtual void proceeding(IsdnCallId id, int channel) = 0;
    // SETUP ACKNOWLEDGE: the called number is incomplete, send more digits
    // in INFORMATION (Q.931 §5.2.4).
    virtual void setupAck(IsdnCallId id, int channel) = 0;
    virtual void alerting(IsdnCallId id, int channel, bool inband) = 0;
    virtual void progress(IsdnCallId id, int channel, bool inband) = 0;
    virtual void connect(IsdnCallId id, int channel) = 0;
    // Clears the call with a Q.850 cause: DISCONNECT, RELEASE or RELEASE
    // COMPLETE as Q.931 §5.3 requires for the call's state.
    virtual void disconnect(IsdnCallId id, q850::Cause cause) = 0;
    virtual bool dchannelUp() const = 0;
    virtual int callRef(IsdnCallId id) const = 0;

    // The B-channels as Q.931 sees them: those a call reference holds, and
    // the one a RESTART is outstanding for. Channels not listed are idle.
    struct ChannelView {
        IsdnCallId call = 0;       // 0: no call (restarting)
        int callRef = 0;
        bool restarting = false;
        int service = 0;           // 0 in service, 1 maintenance, 2 out of service
    };
    virtual std::map<int, ChannelView> channelViews() const = 0;
    // Q.931 §5.5.1: returns `channel` to idle at both ends: any call on it
    // ends here (reported released, cause 41) and RESTART goes out.
    virtual void restartChannel(int channel) = 0;
    // Maintenance (Q.931 Annex / AT&T SERVICE): B-channel `channel` to
    // state 0 (in service), 1 (maintenance) or 2 (out of service). Sends
    // SERVICE where the switch type has it; returns whether it did.
    virtual bool setChannelService(int channel, int state) = 0;
};

class IsdnPortListener {
public:
    virtual ~IsdnPortListener() = default;
    virtual void onSetup(int span, IsdnCallId id, const SetupInfo& setup) = 0;
    virtual void onProceeding(IsdnCallId id, int channel) = 0;
    // Overlap sending: SETUP ACKNOWLEDGE, the far end wants more digits.
    virtual void onSetupAck(IsdnCallId id, int channel) = 0;
    // Overlap receiving: digits of the called number from INFORMATION, and
    // whether Sending Complete came with them.
    virtual void onInformation(IsdnCallId id, const std::string& digits, bool complete) = 0;
    virtual void onAlerting(IsdnCallId id, int channel, bool inband) = 0;
    virtual void onProgress(IsdnCallId id, int channel, bool inband) = 0;
    virtual void onConnect(IsdnCallId id, int channel) = 0;
    virtual void onConnectAck(IsdnCallId id) = 0;
    // The far end sent DISCONNECT (the port answers with RELEASE itself).
    virtual void onDisconnect(IsdnCallId id, q850::Cause cause) = 0;
    // The call reference is gone (RELEASE / RELEASE COMPLETE done).
    virtual void onReleased(IsdnCallId id, q850::Cause cause) = 0;
    virtual void onDchannel(int span, bool up) = 0;
    // A B-channel taken out of (state 1 or 2) or returned to (0) service,
    // by the far end's SERVICE or by ours.
    virtual void onChannelService(int span, int channel, int state) = 0;
};

} // namespace gw::isdn
