// Calls from SIP to the PBX (the gateway's half of Cisco's "Call from SIP IP
// Phone to Gateway"): INVITE -> SETUP (100 Trying from the stack); ALERTING
// -> 180 (183 with SDP when the PBX offers in-band tones); CONNECT -> 200 OK;
// ACK; then either side clears.
#include "gateway/call/call_manager.hpp"

#include "conf/values.hpp"
#include "gateway/call/cause_map.hpp"
#include "kernel/log.hpp"
#include "sip/sdp.hpp"

namespace gw {

namespace {

// A number the Calling Party Number IE can carry (Q.931 §4.5.10, IA5
// digits): a dial string of at most 15 digits after a '+' (E.164 §6.1) and
// 20 otherwise.
bool isCallingNumber(const std::string& s) {
    const bool plus = !s.empty() && s[0] == '+';
    const std::size_t digits = s.size() - (plus ? 1 : 0);
    return conf::isDialString(s) && digits > 0 && digits <= (plus ? 15u : 20u);
}

} // namespace

void CallManager::onInvite(sip::SipDialogId id, const sip::IncomingInvite& inv) {
    // Admission comes first: a refused source costs no call, and nothing of
    // the dial plan is looked at for it.
    switch (admission_.check(inv.remoteHost, now_())) {
    case SourceAdmission::Verdict::Untrusted: return refuseInvite(id, 403, q850::Cause::CallRejected, 0);
    case SourceAdmission::Verdict::OverRate: return refuseInvite(id, 503, q850::Cause::SwitchingEquipmentCongestion, 1);
    case SourceAdmission::Verdict::Admit: break;
    }
    Call& c = newCall(CallOrigin::Sip);
    c.sipId = id;
    c.called = inv.requestUser;
    c.calling = inv.fromUser;
    c.callingName = inv.fromDisplay;
    if (isCallingNumber(inv.diversion.user)) {   // a user name cannot go in the IE
        c.redirecting = inv.diversion.user;
        c.redirectingReason = q952ReasonFor(inv.diversion.reason);
    }
    c.sip = std::make_unique<sip::SipLeg>(c.id);
    c.sip->setDialogId(id);
    sipIndex_[id] = c.id;
    GW_CCAPI("call=%llu INVITE %s from %s (%s)", static_cast<unsigned long long>(c.id), inv.requestUri.c_str(),
            inv.fromUser.c_str(), inv.remoteHost.c_str());
    feed(c, sip::SipInput{sip::SipEvent::InviteInd});

    c.routes = router_->route(CallOrigin::Sip, -1, inv.requestUser, inv.fromUser);
    std::erase_if(c.routes, [](const OutboundRoute& r) { return r.voip; });
    if (c.routes.empty()) return refuseSip(c, 404, q850::Cause::UnallocatedNumber);   // RFC 3398 §7.2.4.1

    // RFC 3264 §6: answer the offer now, so the media is ready for early audio.
    std::string err;
    auto offer = inv.sdp.empty() ? std::nullopt : sip::parseSdp(inv.sdp, err);
    if (!offer) {
        GW_CCAPI("call=%llu no usable SDP offer (%s)", static_cast<unsigned long long>(c.id),
                inv.sdp.empty() ? "INVITE without SDP" : err.c_str());
        return refuseSip(c, 488, q850::Cause::BearerCapabilityNotImplemented);
    }
    auto port = media_.allocate(c.id);
    if (!port) return refuseSip(c, 503, q850::Cause::ResourceUnavailable);
    c.localRtpPort = *port;
    sip::LocalMedia local;
    local.addr = media_.localAddress();
    local.port = c.localRtpPort;
    local.sessId = std::to_string(c.id);
    local.sessVersion = std::to_string(sessionVersion_++);
    const OutboundRoute& first = c.routes.front();
    bool aLaw = spans_.count(first.span) ? spans_[first.span].law == kernel::Law::Alaw : true;
    auto codecs = sip::defaultCodecs(aLaw);
    sip::AnswerResult ans = sip::answerOffer(*offer, codecs, local);
    if (!ans.ok) {
        GW_CCAPI("call=%llu SDP offer refused: %s", static_cast<unsigned long long>(c.id), ans.error.c_str());
        return refuseSip(c, 488, q850::Cause::BearerCapabilityNotImplemented);
    }
    c.answerSdp = ans.sdp;
    c.localSdp = ans.sdp;
    c.sdpVersion = sessionVersion_ - 1;
    c.remote = rtpPeerOf(ans.media);
    media_.setRemote(c.id, c.remote);
    feed(c, CallInput{CallEvent::Incoming});
}

// An INVITE refused before any call exists: the final response (with its
// Reason and Retry-After) and the dialog handed back to the stack.
void CallManager::refuseInvite(sip::SipDialogId id, int status, q850::Cause cause, int retryAfter) {
    sipPort_->setReason(id, q850::value(cause), std::string(q850::text(cause)));
    if (retryAfter) sipPort_->setRetryAfter(id, retryAfter);
    sipPort_->respond(id, status, "", "");
    sipPort_->release(id);
}

// The call cannot be placed: the SIP side gets `status` (RFC 3398 §7.2.4.1
// for the cause when 0).
void CallManager::refuseSip(Call& c, int status, q850::Cause cause) {
    CallInput in{CallEvent::Refuse, cause};
    in.status = status;
    feed(c, in);
}

// A SIP caller's identity that is not a number never reaches the IE: the
// dial-peer's calling-number default, else the global one, else none.
std::string CallManager::callingNumberFor(const Call& c, const OutboundRoute& r) const {
    if (r.calling.empty() || isCallingNumber(r.calling)) return r.calling;
    const std::string& fallback = r.callingDefault.empty() ? callingDefault_ : r.callingDefault;
    GW_CCAPI("call=%llu calling '%s' is not a number: %s", static_cast<unsigned long long>(c.id), r.calling.c_str(),
             fallback.empty() ? "no calling number sent" : ("calling-number default " + fallback).c_str());
    return fallback;
}

// Tries the pots peers in hunt order: a span whose D-channel is down or has
// no free B-channel is skipped. When none can take the call, Refuse.
void CallManager::startIsdnAttempt(Call& c, std::vector<CallInput>& out) {
    q850::Cause cause = q850::Cause::NoCircuitAvailable;
    while (c.routeIndex < c.routes.size()) {
        const OutboundRoute& r = c.routes[c.routeIndex++];
        auto it = spans_.find(r.span);
        if (it == spans_.end() || !it->second.port) {
            cause = q850::Cause::NoRouteToDestination;
            continue;
        }
        SpanAttachment& span = it->second;
        if (span.blocked) {
            cause = q850::Cause::NoCircuitAvailable;   // shut down or busied out
            continue;
        }
        if (!span.dchannelUp) {
            cause = q850::Cause::NetworkOutOfOrder;   // D-channel down
            continue;
        }
        auto channel = span.pool->reserve(c.id, c.refusedChannel);
        if (!channel) {
            cause = q850::Cause::NoCircuitAvailable;
            continue;
        }
        c.span = r.span;
        c.channel = *channel;
        c.called = r.called;
        c.isdn = std::make_unique<isdn::IsdnLeg>(c.id, r.span);
        isdn::IsdnInput in{isdn::IsdnEvent::SetupReq};
        in.setup.called = r.called;
        in.setup.calling = callingNumberFor(c, r);
        in.setup.callingName = c.callingName;
        in.setup.redirecting = c.redirecting;
        in.setup.redirectingReason = c.redirectingReason;
        in.setup.channel = *channel;
        in.setup.exclusive = span.network;   // Q.931 §5.1.2: the user side prefers
        in.setup.complete = !(span.overlapSending && r.variableLength);
        feed(c, in);
        GW_CCAPI("call=%llu SETUP to %s on span %d channel %d via dial-peer %d%s",
                 static_cast<unsigned long long>(c.id), r.called.c_str(), r.span, *channel, r.peerTag,
                 in.setup.complete ? "" : ", overlap sending (no Sending Complete)");
        onChannelKnown(c, *channel);
        return;
    }
    // Nothing on the PSTN side can take the call now: say when to try again.
    CallInput refuse{CallEvent::Refuse, cause};
    refuse.retryAfter = retryAfterFor(cause);
    out.push_back(refuse);
}

void CallManager::onAck(sip::SipDialogId id) {
    if (Call* c = bySip(id)) feed(*c, sip::SipInput{sip::SipEvent::AckInd});
}

void CallManager::onBye(sip::SipDialogId id, int reasonCause) {
    if (Call* c = bySip(id)) {
        sip::SipInput in{sip::SipEvent::ByeInd};
        in.farCause = reasonCause;
        feed(*c, in);
    }
}

void CallManager::onCancel(sip::SipDialogId id, int reasonCause) {
    if (Call* c = bySip(id)) {
        sip::SipInput in{sip::SipEvent::CancelInd};
        in.farCause = reasonCause;
        feed(*c, in);
    }
}

void CallManager::onTerminated(sip::SipDialogId id, int status) {
    if (Call* c = bySip(id)) {
        sip::SipInput in{sip::SipEvent::TerminatedInd};
        in.status = status;
        feed(*c, in);
    }
}

void CallManager::onResponse(sip::SipDialogId id, const sip::Response& rsp) {
    Call* c = bySip(id);
    if (!c) return;
    sip::SipInput in{sip::SipEvent::ProvisionalInd};
    if (rsp.status >= 300) in.event = sip::SipEvent::FailureInd;
    else if (rsp.status >= 200) in.event = sip::SipEvent::SuccessInd;
    in.status = rsp.status;
    in.reason = rsp.reason;
    in.sdp = rsp.sdp;
    in.farCause = rsp.reasonCause;
    in.contacts = rsp.contacts;
    in.diversionReason = rsp.diversion.reason;
    in.cause = q850::value(c->cause != q850::Cause::None ? c->cause : q850::Cause::NormalClearing);
    feed(*c, in);
}

} // namespace gw
