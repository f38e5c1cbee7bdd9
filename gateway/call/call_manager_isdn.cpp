// Calls from the PBX to SIP (Cisco "Gateway-to-SIP IP Phone" flow): SETUP ->
// INVITE and CALL PROCEEDING; 180 -> ALERTING; 200 -> CONNECT; then either
// side clears. Failures hunt to the next dial-peer, then clear with the
// RFC 3398 cause.
#include "gateway/call/call_manager.hpp"

#include "gateway/call/cause_map.hpp"
#include "kernel/log.hpp"
#include "sip/sdp.hpp"

namespace gw {

void CallManager::onSetup(int spanNo, isdn::IsdnCallId id, const isdn::SetupInfo& setup) {
    Call& c = newCall(CallOrigin::Isdn);
    c.span = spanNo;
    c.isdnId = id;
    c.called = setup.called;
    c.calling = setup.calling;
    c.callingName = setup.callingName;
    c.callingTon = setup.callingTon;
    c.callingPresentation = setup.callingPresentation;
    c.redirecting = setup.redirecting;
    c.redirectingReason = setup.redirectingReason;
    c.isdn = std::make_unique<isdn::IsdnLeg>(c.id, spanNo);
    isdnIndex_[id] = c.id;
    SpanAttachment& span = spans_[spanNo];
    c.isdn->setCallRef(setup.callRef);
    GW_CCAPI("call=%llu span=%d Setup called=%s calling=%s (%s, presentation %s) name=\"%s\" channel=%d",
            static_cast<unsigned long long>(c.id), spanNo, setup.called.c_str(), setup.calling.c_str(),
            isdn::typeOfNumberName(setup.callingTon), isdn::toString(setup.callingPresentation),
            setup.callingName.c_str(), setup.channel);

    // The RTP port first, so that the B-channel joins the media as soon as
    // it is known.
    if (auto port = media_.allocate(c.id)) c.localRtpPort = *port;
    else GW_WARN("call=%llu no RTP port free", static_cast<unsigned long long>(c.id));

    // Q.931 §5.2.3: channel selection on an incoming SETUP. A shut-down or
    // busied-out span has no channel to give (cause 34).
    if (span.blocked) GW_CCAPI("call=%llu span %d is shut down or busied out", static_cast<unsigned long long>(c.id), spanNo);
    auto granted = span.pool && !span.blocked
                       ? span.pool->claimIncoming(c.id, setup.channel, setup.exclusive, span.network)
                       : std::nullopt;
    isdn::IsdnInput in{isdn::IsdnEvent::SetupInd};
    in.setup = setup;
    in.setup.channel = granted ? *granted : 0;
    feed(c, in);

    CallInput next{CallEvent::Incoming};
    if (!granted) {
        // Q.931 §5.2.3.1: an exclusive channel we cannot give is cause 44;
        // no channel at all (or a span refusing calls) is cause 34.
        next = {CallEvent::Refuse, setup.exclusive && !span.blocked ? q850::Cause::RequestedChannelNotAvailable
                                                                   : q850::Cause::NoCircuitAvailable};
    } else if (!c.localRtpPort) {
        next = {CallEvent::Refuse, q850::Cause::ResourceUnavailable};
    } else {
        // Without Sending Complete, and with overlap receiving on, the
        // number may still grow (Q.931 §5.2.4); otherwise it is en-bloc.
        const bool complete = setup.complete || !span.overlapReceiving;
        next = numberComplete(c, complete).value_or(CallInput{CallEvent::Collect});
    }
    feed(c, next);
}

std::optional<CallInput> CallManager::numberComplete(Call& c, bool complete) {
    c.routes = router_->route(CallOrigin::Isdn, c.span, c.called, c.calling);
    std::erase_if(c.routes, [](const OutboundRoute& r) { return !r.voip; });
    if (!complete && router_->moreDigitsMayMatch(CallOrigin::Isdn, c.span, c.called, c.calling)) return std::nullopt;
    if (!c.routes.empty()) return CallInput{CallEvent::Incoming};
    GW_CCAPI("call=%llu no dial-peer for %s", static_cast<unsigned long long>(c.id), c.called.c_str());
    return CallInput{CallEvent::Refuse, q850::Cause::UnallocatedNumber};
}

void CallManager::collectDigits(Call& c) {
    GW_CCAPI("call=%llu number %s incomplete: SETUP ACKNOWLEDGE, collecting digits",
             static_cast<unsigned long long>(c.id), c.called.c_str());
    feed(c, isdn::IsdnInput{isdn::IsdnEvent::MoreInfoReq});
    startDigitTimer(c);
}

void CallManager::addDigits(Call& c, const CallInput& in, std::vector<CallInput>& out) {
    c.called += in.digits;
    GW_CCAPI("call=%llu digits %s, number now %s%s", static_cast<unsigned long long>(c.id), in.digits.c_str(),
             c.called.c_str(), in.complete ? " (sending complete)" : "");
    if (auto next = numberComplete(c, in.complete)) {
        out.push_back(*next);
        return;
    }
    startDigitTimer(c);   // Q.931 T302 restarts with each INFORMATION
}

void CallManager::startDigitTimer(Call& c) {
    stopDigitTimer(c);
    if (!loop_) return;
    const CallId id = c.id;
    // numberComplete() has just routed the digits so far: with a match, the
    // T pattern waits for the voice-port's interdigit timeout.
    const SpanAttachment& span = spans_[c.span];
    c.digitTimer = loop_->startTimer(c.routes.empty() ? span.t302 : span.interdigit, [this, id] {
        auto it = calls_.find(id);
        if (it == calls_.end()) return;
        it->second->digitTimer = 0;
        feed(*it->second, CallInput{CallEvent::DigitTimeout});
    });
}

void CallManager::stopDigitTimer(Call& c) {
    if (c.digitTimer && loop_) loop_->cancelTimer(c.digitTimer);
    c.digitTimer = 0;
}

void CallManager::setOverlapReceiving(int span, bool on, std::chrono::milliseconds t302) {
    spans_[span].overlapReceiving = on;
    spans_[span].t302 = t302;
}

void CallManager::setInterdigit(int span, std::chrono::milliseconds interdigit) {
    spans_[span].interdigit = interdigit;
}

void CallManager::setOverlapSending(int span, bool on) {
    spans_[span].overlapSending = on;
}

void CallManager::onInformation(isdn::IsdnCallId id, const std::string& digits, bool complete) {
    Call* c = byIsdn(id);
    if (!c) return;
    isdn::IsdnInput in{isdn::IsdnEvent::InfoInd};
    in.setup.called = digits;
    in.setup.complete = complete;
    feed(*c, in);
}

// Places the INVITE toward the next voip dial-peer (there always is one:
// Incoming needs a route, OutRetry one more).
void CallManager::startSipAttempt(Call& c, std::vector<CallInput>&) {
    const OutboundRoute& r = c.routes[c.routeIndex++];
    sip::LocalMedia local;
    local.addr = media_.localAddress();
    local.port = c.localRtpPort;
    local.sessId = std::to_string(c.id);
    local.sessVersion = std::to_string(sessionVersion_++);
    bool aLaw = spans_[c.span].law == kernel::Law::Alaw;
    auto codecs = sip::defaultCodecs(aLaw);
    if (r.codec) {
        // A dial-peer `codec` pins the voice codec (telephone-event stays).
        int pt = *r.codec == conf::Codec::G711Alaw ? sip::kPtPcma : sip::kPtPcmu;
        std::erase_if(codecs, [pt](const sip::SdpCodec& k) { return k.pt != pt && k.pt < 96; });
    }
    c.offerSdp = sip::buildOffer(local, codecs);
    c.localSdp = c.offerSdp;
    c.sdpVersion = sessionVersion_ - 1;

    sip::OutgoingInvite inv;
    std::string hostPort = r.host.find(':') != std::string::npos ? "[" + r.host + "]" : r.host;
    inv.requestUri = !r.requestUri.empty() ? r.requestUri : "sip:" + r.called + "@" + hostPort + ":" + std::to_string(r.port);
    c.triedUris.insert(inv.requestUri);
    inv.fromUser = c.calling;
    inv.fromDisplay = c.callingName;
    inv.privacy = c.callingPresentation == isdn::Presentation::Restricted;
    inv.toUser = r.called;
    inv.sdp = c.offerSdp;
    inv.expiresS = static_cast<int>((noAnswer_.count() + 999) / 1000);
    // RFC 5806 / RFC 7044: the diversion this attempt follows (a 3xx) or,
    // failing that, the one the PBX's Redirecting Number IE tells of.
    if (!r.divertedFrom.empty()) inv.diversion = {r.divertedFrom, r.diversionReason};
    else if (!c.redirecting.empty()) inv.diversion = {c.redirecting, diversionReasonFor(c.redirectingReason)};
    c.sip = std::make_unique<sip::SipLeg>(c.id);
    startNoAnswerTimer(c);
    sip::SipInput in{sip::SipEvent::InviteReq};
    in.invite = inv;
    feed(c, in);
}

// RFC 3261 §13.2.1: the INVITE carries Expires and the gateway CANCELs it
// when that passes unanswered (sip-ua timers expires). Each hunted attempt
// gets the full time.
void CallManager::startNoAnswerTimer(Call& c) {
    stopNoAnswerTimer(c);
    if (!loop_) return;
    const CallId id = c.id;
    c.noAnswerTimer = loop_->startTimer(noAnswer_, [this, id] {
        auto it = calls_.find(id);
        if (it == calls_.end()) return;
        it->second->noAnswerTimer = 0;
        GW_CCAPI("call=%llu no answer after %lld ms (timers expires)", static_cast<unsigned long long>(id),
                 static_cast<long long>(noAnswer_.count()));
        feed(*it->second, CallInput{CallEvent::NoAnswer, q850::Cause::NoAnswer});
    });
}

void CallManager::stopNoAnswerTimer(Call& c) {
    if (c.noAnswerTimer && loop_) loop_->cancelTimer(c.noAnswerTimer);
    c.noAnswerTimer = 0;
}

bool CallManager::applyAnswer(Call& c, const std::string& sdp, const std::string& ourOffer) {
    std::string err;
    auto offer = sip::parseSdp(ourOffer.empty() ? c.offerSdp : ourOffer, err);
    auto answer = offer ? sip::parseSdp(sdp, err) : std::nullopt;
    if (!offer || !answer) {
        GW_WARN("call=%llu bad SDP answer: %s", static_cast<unsigned long long>(c.id), err.c_str());
        return false;
    }
    sip::ProcessResult res = sip::processAnswer(*offer, *answer);
    if (!res.ok) {
        GW_WARN("call=%llu SDP answer refused: %s", static_cast<unsigned long long>(c.id), res.error.c_str());
        return false;
    }
    c.remote = rtpPeerOf(res.media);
    media_.setRemote(c.id, c.remote);
    return true;
}

void CallManager::onProceeding(isdn::IsdnCallId id, int channel) {
    if (Call* c = byIsdn(id)) feed(*c, isdn::IsdnInput{isdn::IsdnEvent::ProceedingInd, channel});
}

void CallManager::onSetupAck(isdn::IsdnCallId id, int channel) {
    Call* c = byIsdn(id);
    if (!c) return;
    GW_CCAPI("call=%llu SETUP ACKNOWLEDGE: the far end completes %s on its interdigit timer",
             static_cast<unsigned long long>(c->id), c->called.c_str());
    feed(*c, isdn::IsdnInput{isdn::IsdnEvent::SetupAckInd, channel});
}

void CallManager::onAlerting(isdn::IsdnCallId id, int channel, bool inband) {
    if (Call* c = byIsdn(id)) feed(*c, isdn::IsdnInput{isdn::IsdnEvent::AlertingInd, channel, q850::Cause::None, inband});
}

void CallManager::onProgress(isdn::IsdnCallId id, int channel, bool inband) {
    if (Call* c = byIsdn(id)) feed(*c, isdn::IsdnInput{isdn::IsdnEvent::ProgressInd, channel, q850::Cause::None, inband});
}

void CallManager::onConnect(isdn::IsdnCallId id, int channel) {
    if (Call* c = byIsdn(id)) feed(*c, isdn::IsdnInput{isdn::IsdnEvent::ConnectInd, channel});
}

void CallManager::onConnectAck(isdn::IsdnCallId id) {
    if (Call* c = byIsdn(id)) feed(*c, isdn::IsdnInput{isdn::IsdnEvent::ConnectAckInd});
}

void CallManager::onDisconnect(isdn::IsdnCallId id, q850::Cause cause) {
    if (Call* c = byIsdn(id)) feed(*c, isdn::IsdnInput{isdn::IsdnEvent::DisconnectInd, 0, cause});
}

void CallManager::onReleased(isdn::IsdnCallId id, q850::Cause cause) {
    if (Call* c = byIsdn(id)) feed(*c, isdn::IsdnInput{isdn::IsdnEvent::ReleaseInd, 0, cause});
}

} // namespace gw
