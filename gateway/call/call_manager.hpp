// CallManager: owns every Call and joins its two legs by id. It listens to
// the ISDN ports and the SIP port, feeds each event to the leg's state
// machine, and carries out the commands the machines return: wire commands
// go to the ports, notifications drive the other leg and the media.
#pragma once

#include "gateway/call/call_flow.hpp"
#include "gateway/call/cause_map.hpp"
#include "gateway/call/media_port.hpp"
#include "gateway/call/route.hpp"
#include "gateway/call/source_admission.hpp"
#include "isdn/channel_pool.hpp"
#include "isdn/isdn_leg.hpp"
#include "isdn/isdn_port.hpp"
#include "kernel/event_loop.hpp"
#include "sip/sdp.hpp"
#include "sip/sip_leg.hpp"
#include "sip/sip_port.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <variant>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace gw {

using CallId = std::uint64_t;

// Retry-After (seconds) on a 503 when no span can take a SIP call: every
// span it could use is down (alarm, D-channel), or every B-channel is busy.
constexpr int kRetryAfterTrunkDownS = 30;
constexpr int kRetryAfterCongestionS = 5;
// How often the B-channel self-check compares the gateway with Q.931.
constexpr std::chrono::milliseconds kChannelAuditEvery{30000};
// The far RTP end as an SDP negotiation left it (RFC 3264), with the
// direction: a far end that holds us (our recvonly/inactive) gets nothing.
RtpPeer rtpPeerOf(const sip::Negotiated& media);
// Retry-After for a 503 caused by `cause` (0: none).
int retryAfterFor(q850::Cause cause);
using Clock = std::chrono::steady_clock;
// Q.931 T302, the interdigit timeout of overlap receiving (IOS's default).
constexpr int kDefaultT302Ms = 10000;
constexpr int kDefaultInterdigitMs = 10000;   // IOS voice-port timeouts interdigit default
constexpr int kDefaultNoAnswerMs = 180000;    // IOS sip-ua timers expires default
// 3xx Contacts one call may try in all (redirection loops end here too).
constexpr int kMaxRedirects = 5;

struct SpanAttachment {
    isdn::IsdnPort* port = nullptr;
    kernel::Law law = kernel::Law::Alaw;
    bool network = false;              // we are the network side of this span
    std::unique_ptr<isdn::ChannelPool> pool;
    bool dchannelUp = false;
    bool blocked = false;              // shutdown or busyout: new calls refused
    bool overlapReceiving = false;     // isdn overlap-receiving
    bool overlapSending = false;       // SETUPs for T peers leave out Sending Complete
    std::chrono::milliseconds t302{kDefaultT302Ms};
    std::chrono::milliseconds interdigit{kDefaultInterdigitMs};   // voice-port timeouts interdigit
};

struct Call {
    CallId id = 0;
    CallOrigin origin = CallOrigin::Isdn;
    int span = -1;
    int channel = 0;
    isdn::IsdnCallId isdnId = 0;
    sip::SipDialogId sipId = 0;
    std::unique_ptr<isdn::IsdnLeg> isdn;
    std::unique_ptr<sip::SipLeg> sip;
    CallState state = CallState::Idle;
    std::string called, calling, callingName;
    int callingTon = 0;                // Q.931 §4.5.10 type of number, as coded
    std::string redirecting;           // the party that diverted the call, "" = none
    int redirectingReason = 0;         // Q.952 reason code
    isdn::Presentation callingPresentation = isdn::Presentation::Allowed;
    std::vector<OutboundRoute> routes;
    std::size_t routeIndex = 0;        // routes[routeIndex - 1] is the one being tried
    int localRtpPort = 0;
    std::string offerSdp;              // the offer we sent (ISDN-origin)
    std::string answerSdp;             // the answer we give (SIP-origin)
    std::string localSdp;              // the SDP we sent last (offer or answer), for re-INVITEs
    std::uint64_t sdpVersion = 0;      // its o= version (RFC 3264 §8: +1 per change)
    std::string reoffer;               // our offer in the 200 to an offerless re-INVITE
    std::set<std::string> triedUris;   // Request-URIs INVITEd so far (3xx loop guard)
    int redirects = 0;                 // 3xx Contacts taken so far
    RtpPeer remote;                    // negotiated far end
    kernel::TimerId digitTimer = 0;    // Collecting: the interdigit timer
    kernel::TimerId noAnswerTimer = 0; // Calling/Early toward SIP: sip-ua timers expires
    int refusedChannel = 0;            // B-channel the PBX refused (cause 44): tried again elsewhere once
    q850::Cause cause = q850::Cause::None;
    // Run to completion: inputs for the legs and the call wait here while an
    // earlier one is being carried out, so no leg is fed from inside
    // another's commands.
    std::deque<std::variant<isdn::IsdnInput, sip::SipInput, CallInput>> inbox;
    bool running = false;              // the inbox is being drained
    bool finished = false;             // Ended: freed once the drain ends
    Clock::time_point started, answered;
    std::int64_t pddMicros = -1;       // Setup received -> INVITE sent
};

// What `show call active voice [brief]` and `show sip-ua calls` need of a call.
struct CallSummary {
    CallId id = 0;
    std::string origin, called, calling, callState, isdnState, sipState;
    std::string callingName;
    int callingTon = 0;
    isdn::Presentation callingPresentation = isdn::Presentation::Allowed;
    int span = -1, channel = 0, peerTag = 0;
    double seconds = 0;                // since the call started
    double connectedSeconds = -1;      // since it was answered; -1 = not answered
    sip::SipDialogId sipDialog = 0;
    int callRef = 0;                   // Q.931 call reference, 0 = none yet
    int localRtpPort = 0;
    RtpPeer remote;                    // far RTP end (port 0: not known yet)
    std::string target;                // the SIP request URI host:port or "span N"
};

class CallManager : public isdn::IsdnPortListener, public sip::SipPortListener {
public:
    CallManager(MediaPort& media, const Router& router, Clock::time_point (*now)());
    void setSipPort(sip::SipPort& port) {
        sipPort_ = &port;
        updateAvailability();
    }

    void attachSpan(int span, isdn::IsdnPort& port, kernel::Law law, bool network, std::vector<int> bearers);
    void setRouter(const Router& router) { router_ = &router; }
    void setSipIdentity(std::string host, int port);
    // Timers of the call layer (the interdigit timer) run on this loop.
    void setLoop(kernel::EventLoop& loop) { loop_ = &loop; }
    // Overlap receiving on `span` (Q.931 §5.2.4): a SETUP without Sending
    // Complete gets SETUP ACKNOWLEDGE and its digits are collected until a
    // dial-peer matches completely, Sending Complete comes, or `t302` passes
    // without a digit.
    void setOverlapReceiving(int span, bool on, std::chrono::milliseconds t302);
    // Overlap sending (Q.931 §5.1.3) toward `span`: a SETUP for a dial-peer
    // whose pattern ends in T goes without Sending Complete, so that the far
    // end's interdigit timer decides when the number is complete.
    void setOverlapSending(int span, bool on);
    // Overlap receiving: once the digits so far match a dial-peer (a T
    // pattern) but more could still come, the number is taken as complete
    // after `interdigit` without a digit; before any match, after T302.
    void setInterdigit(int span, std::chrono::milliseconds interdigit);
    // Toll-fraud protection and call threshold source: an INVITE the
    // admission refuses gets 403 (cause 21) or 503 with Retry-After 1 before
    // any call is made of it.
    SourceAdmission& admission() { return admission_; }
    const SourceAdmission& admission() const { return admission_; }
    // The calling number sent to the PBX for a SIP caller whose identity is
    // not a number (a user name such as `admin`), when the dial-peer has no
    // calling-number default; "" sends none.
    void setCallingDefault(std::string digits) { callingDefault_ = std::move(digits); }
    // RFC 3398 mapping with `set pstn-cause` / `set sip-status` exceptions.
    CauseMap& causeMap() { return causes_; }
    // sip-ua timers expires: an INVITE toward SIP unanswered this long is
    // cancelled and the PBX caller gets DISCONNECT cause 19 (no answer).
    void setNoAnswerTimeout(std::chrono::milliseconds t) { noAnswer_ = t; }

    // isdn::IsdnPortListener
    void onSetup(int span, isdn::IsdnCallId id, const isdn::SetupInfo& setup) override;
    void onProceeding(isdn::IsdnCallId id, int channel) override;
    void onSetupAck(isdn::IsdnCallId id, int channel) override;
    void onInformation(isdn::IsdnCallId id, const std::string& digits, bool complete) override;
    void onAlerting(isdn::IsdnCallId id, int channel, bool inband) override;
    void onProgress(isdn::IsdnCallId id, int channel, bool inband) override;
    void onConnect(isdn::IsdnCallId id, int channel) override;
    void onConnectAck(isdn::IsdnCallId id) override;
    void onDisconnect(isdn::IsdnCallId id, q850::Cause cause) override;
    void onReleased(isdn::IsdnCallId id, q850::Cause cause) override;
    void onDchannel(int span, bool up) override;
    void onChannelService(int span, int channel, int state) override;

    // sip::SipPortListener
    void onInvite(sip::SipDialogId id, const sip::IncomingInvite& inv) override;
    void onResponse(sip::SipDialogId id, const sip::Response& rsp) override;
    void onAck(sip::SipDialogId id) override;
    void onReinvite(sip::SipDialogId id, const std::string& offer) override;
    void onReinviteAck(sip::SipDialogId id, const std::string& sdp) override;
    void onBye(sip::SipDialogId id, int reasonCause) override;
    void onCancel(sip::SipDialogId id, int reasonCause) override;
    void onTerminated(sip::SipDialogId id, int status) override;

    // Operator actions and inspection.
    bool clearCall(CallId id, q850::Cause cause);
    void clearAll(q850::Cause cause);
    std::vector<CallSummary> activeCalls() const;
    std::size_t callCount() const { return calls_.size(); }
    int idleChannels(int span) const;
    bool dchannelUp(int span) const;
    // Calls whose outbound leg uses dial-peer `tag` (for max-conn).
    int activeOnPeer(int tag) const;
    // Calls on `span` (either direction) that still hold its ISDN leg.
    int activeOnSpan(int span) const;
    const isdn::ChannelPool* channels(int span) const;
    // A shut-down or busied-out span: incoming SETUPs are cleared with cause
    // 34 and outgoing calls hunt past it; calls in progress continue.
    void setSpanBlocked(int span, bool blocked);
    // B-channel self-check: every `every`, each B-channel's state as the
    // gateway sees it is compared with Q.931's (the port's call references).
    // A channel found out of step in two checks running is logged, its call
    // (if any) cleared with cause 41, and the channel RESTARTed.
    void startChannelAudit(std::chrono::milliseconds every);
    void auditChannels();
    // Called with each finished call (for statistics and the benchmark).
    std::function<void(const Call&)> onCallEnded;

private:
    friend class CallFlow;
    enum class Side { Inbound, Outbound };

    Call* byIsdn(isdn::IsdnCallId id);
    Call* bySip(sip::SipDialogId id);
    Call& newCall(CallOrigin origin);
    template <class Input>
    void feed(Call& c, const Input& in);
    void step(Call& c, const isdn::IsdnInput& in);
    void step(Call& c, const sip::SipInput& in);
    void step(Call& c, const CallInput& in);
    void free(CallId id);
    void execIsdn(Call& c, const isdn::IsdnCommand& cmd);
    void execSip(Call& c, const sip::SipCommand& cmd);

    // What the call's table asks for (call_manager.cpp, _isdn.cpp, _sip.cpp).
    void placeCall(Call& c, bool first, std::vector<CallInput>& out);
    void ringInbound(Call& c, const CallInput& in);
    void answerInbound(Call& c);
    void clearLeg(Call& c, Side side, q850::Cause cause, int status = 0, int retryAfter = 0);
    // Whether a failed attempt is worth another dial-peer: one is left, the
    // one tried is not `huntstop`, and the failure is not the called user's
    // definite answer.
    bool canHunt(const Call& c, int sipStatus, q850::Cause cause) const;
    // Glare or a channel the PBX will not give (cause 44 to our SETUP): the
    // same dial-peer is tried once more on another B-channel.
    bool retryOnAnotherChannel(Call& c, q850::Cause cause);
    // A 3xx to our INVITE: its Contacts not tried yet (sip: and sips: only,
    // at most kMaxRedirects per call) go in front of the dial-peers left;
    // false when there is none to try.
    bool redirect(Call& c, int status, const std::vector<std::string>& contacts, const std::string& diversionReason);
    // Overlap receiving (call_manager_isdn.cpp). numberComplete: whether the
    // called number so far can be routed now (Incoming, or Refuse when no
    // dial-peer can ever match), nullopt while more digits may still match.
    std::optional<CallInput> numberComplete(Call& c, bool complete);
    void collectDigits(Call& c);
    void addDigits(Call& c, const CallInput& in, std::vector<CallInput>& out);
    void startDigitTimer(Call& c);
    void stopDigitTimer(Call& c);

    // Calls from the PBX (call_manager_isdn.cpp)
    void startSipAttempt(Call& c, std::vector<CallInput>& out);
    void startNoAnswerTimer(Call& c);
    void stopNoAnswerTimer(Call& c);
    // Applies an SDP answer to `offer` (ours; the call's first offer when
    // empty) to the call's media; false when it cannot be used (RFC 3264 §7).
    bool applyAnswer(Call& c, const std::string& sdp, const std::string& offer = "");
    // Calls from SIP (call_manager_sip.cpp)
    void startIsdnAttempt(Call& c, std::vector<CallInput>& out);
    void refuseSip(Call& c, int status, q850::Cause cause);
    void refuseInvite(sip::SipDialogId id, int status, q850::Cause cause, int retryAfter);
    std::string callingNumberFor(const Call& c, const OutboundRoute& r) const;
    // Mid-call (call_manager_midcall.cpp): hold, resume, a moved RTP end.
    void handleReinvite(Call& c, const std::string& offer);
    void handleReinviteAck(Call& c, const std::string& sdp);
    sip::LocalMedia localMedia(const Call& c) const;
    // Both
    void onChannelKnown(Call& c, int channel);
    // Tells the SIP port whether any span can take a call now (OPTIONS).
    void updateAvailability();
    // The Reason header (RFC 3326) of the next BYE, CANCEL or failure.
    void setReason(const Call& c, int cause);
    void releaseChannel(Call& c);

    sip::SipPort* sipPort_ = nullptr;
    kernel::EventLoop* loop_ = nullptr;
    MediaPort& media_;
    const Router* router_;
    Clock::time_point (*now_)();
    std::string sipHost_ = "127.0.0.1";
    int sipPortNumber_ = 5060;
    std::map<int, SpanAttachment> spans_;
    std::map<CallId, std::unique_ptr<Call>> calls_;
    std::map<isdn::IsdnCallId, CallId> isdnIndex_;
    std::map<sip::SipDialogId, CallId> sipIndex_;
    CallId nextId_ = 1;
    std::map<std::pair<int, int>, int> outOfStep_;   // (span, channel) -> checks found out of step in a row
    std::chrono::milliseconds auditEvery_{0};
    std::uint64_t sessionVersion_ = 1;
    std::string callingDefault_;
    SourceAdmission admission_;
    CauseMap causes_;
    std::chrono::milliseconds noAnswer_{kDefaultNoAnswerMs};
};

} // namespace gw
