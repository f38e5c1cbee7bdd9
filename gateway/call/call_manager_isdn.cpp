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
    c.sipDone = true;   // until an INVITE goes out
    c.isdn = std::make_unique<isdn::IsdnLeg>(c.id, spanNo);
    isdnIndex_[id] = c.id;
    SpanAttachment& span = spans_[spanNo];
    c.isdn->setCallRef(setup.callRef);
    GW_CCAPI("call=%llu span=%d Setup called=%s calling=%s (%s, presentation %s) name=\"%s\" channel=%d",
            static_cast<unsigned long long>(c.id), spanNo, setup.called.c_str(), setup.calling.c_str(),
            isdn::typeOfNumberName(setup.callingTon), isdn::toString(setup.callingPresentation),
            setup.callingName.c_str(), setup.channel);

    // Q.931 §5.2.3: channel selection on an incoming SETUP. A shut-down or
    // busied-out span has no channel to give (cause 34).
    if (span.blocked) GW_CCAPI("call=%llu span %d is shut down or busied out", static_cast<unsigned long long>(c.id), spanNo);
    auto granted = span.pool && !span.blocked
                       ? span.pool->claimIncoming(c.id, setup.channel, setup.exclusive, span.network)
                       : std::nullopt;
    isdn::IsdnInput in{isdn::IsdnEvent::SetupInd};
    in.setup = setup;
    if (granted) in.setup.channel = *granted;
    else in.setup.channel = 0;
    feedIsdn(c, in);
    if (!granted) {
        // Q.931 §5.2.3.1: an exclusive channel we cannot give is cause 44;
        // no channel at all (or a span refusing calls) is cause 34.
        q850::Cause cause = setup.exclusive && !span.blocked ? q850::Cause::RequestedChannelNotAvailable
                                                             : q850::Cause::NoCircuitAvailable;
        c.cause = cause;
        feedIsdn(c, {isdn::IsdnEvent::DisconnectReq, 0, cause});
        return;
    }
    c.routes = router_->route(CallOrigin::Isdn, spanNo, setup.called, setup.calling);
    std::erase_if(c.routes, [](const OutboundRoute& r) { return !r.voip; });
    if (c.routes.empty()) {
        GW_CCAPI("call=%llu no dial-peer for %s", static_cast<unsigned long long>(c.id), setup.called.c_str());
        c.cause = q850::Cause::UnallocatedNumber;
        feedIsdn(c, {isdn::IsdnEvent::DisconnectReq, 0, c.cause});
        return;
    }
    startSipAttempt(c);
    if (!c.isdnDone && c.isdn->state() == isdn::IsdnState::CallPresent)
        feedIsdn(c, {isdn::IsdnEvent::ProceedingReq});
}

void CallManager::startSipAttempt(Call& c) {
    if (c.routeIndex >= c.routes.size()) return;
    const OutboundRoute& r = c.routes[c.routeIndex++];
    if (c.localRtpPort == 0) {
        auto port = media_.allocate(c.id);
        if (!port) {
            GW_WARN("call=%llu no RTP port free", static_cast<unsigned long long>(c.id));
            c.cause = q850::Cause::ResourceUnavailable;
            feedIsdn(c, {isdn::IsdnEvent::DisconnectReq, 0, c.cause});
            return;
        }
        c.localRtpPort = *port;
        if (c.channel && !c.bearerConnected) c.bearerConnected = media_.connectBearer(c.id, c.span, c.channel);
    }
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

    sip::OutgoingInvite inv;
    std::string hostPort = r.host.find(':') != std::string::npos ? "[" + r.host + "]" : r.host;
    inv.requestUri = "sip:" + r.called + "@" + hostPort + ":" + std::to_string(r.port);
    inv.fromUser = c.calling;
    inv.fromDisplay = c.callingName;
    inv.privacy = c.callingPresentation == isdn::Presentation::Restricted;
    inv.toUser = r.called;
    inv.sdp = c.offerSdp;
    c.sip = std::make_unique<sip::SipLeg>(c.id);
    c.sipDone = false;
    sip::SipInput in{sip::SipEvent::InviteReq};
    in.invite = inv;
    feedSip(c, in);
    if (c.pddMicros < 0)
        c.pddMicros = std::chrono::duration_cast<std::chrono::microseconds>(now_() - c.started).count();
    GW_CCAPI("call=%llu INVITE %s via dial-peer %d (setup->invite %lld us)", static_cast<unsigned long long>(c.id),
            inv.requestUri.c_str(), r.peerTag, static_cast<long long>(c.pddMicros));
}

bool CallManager::applyAnswer(Call& c, const std::string& sdp) {
    std::string err;
    auto offer = sip::parseSdp(c.offerSdp, err);
    auto answer = sip::parseSdp(sdp, err);
    if (!offer || !answer) {
        GW_WARN("call=%llu bad SDP answer: %s", static_cast<unsigned long long>(c.id), err.c_str());
        return false;
    }
    sip::ProcessResult res = sip::processAnswer(*offer, *answer);
    if (!res.ok) {
        GW_WARN("call=%llu SDP answer refused: %s", static_cast<unsigned long long>(c.id), res.error.c_str());
        return false;
    }
    RtpPeer peer;
    peer.addr = res.media.remoteAddr;
    peer.port = res.media.remotePort;
    peer.payloadType = res.media.codec.pt;
    peer.codecLaw = res.media.codec.name == "PCMA" || res.media.codec.name == "pcma" ? kernel::Law::Alaw
                                                                                      : kernel::Law::Ulaw;
    peer.telephoneEventPt = res.media.tePt;
    c.remote = peer;
    media_.setRemote(c.id, peer);
    return true;
}

void CallManager::onSipRinging(Call& c, int status, const std::string& sdp) {
    bool early = !sdp.empty() && applyAnswer(c, sdp);
    if (c.origin != CallOrigin::Isdn || c.isdnDone) return;
    isdn::IsdnInput in{status == 183 && early ? isdn::IsdnEvent::ProgressReq : isdn::IsdnEvent::AlertingReq};
    in.inband = early;
    if (status == 183 && !early) in.event = isdn::IsdnEvent::AlertingReq;
    feedIsdn(c, in);
}

void CallManager::onSipAnswered(Call& c, const std::string& sdp) {
    if (c.origin != CallOrigin::Isdn) return;
    if (!applyAnswer(c, sdp)) {
        // RFC 3264 §7: an unusable answer ends the session.
        c.cause = q850::Cause::IncompatibleDestination;
        onIsdnCleared(c, c.cause);
        feedIsdn(c, {isdn::IsdnEvent::DisconnectReq, 0, c.cause});
        return;
    }
    c.answered = now_();
    feedIsdn(c, {isdn::IsdnEvent::ConnectReq});
}

// IOS hunts on most failures; a definite answer from the called user (busy,
// decline) or `huntstop` ends the hunt.
void CallManager::onSipFailed(Call& c, int status) {
    bool definite = status == 486 || status == 600 || status == 603 || status == 487;
    bool stop = c.routeIndex == 0 || c.routes[c.routeIndex - 1].huntstop;
    if (!definite && !stop && c.routeIndex < c.routes.size() && !c.isdnDone) {
        GW_CCAPI("call=%llu dial-peer %d failed with %d, hunting", static_cast<unsigned long long>(c.id),
                c.routes[c.routeIndex - 1].peerTag, status);
        c.huntPending = true;
        return;
    }
    q850::Cause cause = causeForSipStatus(status);
    c.cause = cause;
    if (c.origin == CallOrigin::Isdn && !c.isdnDone) feedIsdn(c, {isdn::IsdnEvent::DisconnectReq, 0, cause});
}

void CallManager::onProceeding(isdn::IsdnCallId id, int channel) {
    if (Call* c = byIsdn(id)) feedIsdn(*c, {isdn::IsdnEvent::ProceedingInd, channel});
}

void CallManager::onAlerting(isdn::IsdnCallId id, int channel, bool inband) {
    if (Call* c = byIsdn(id)) feedIsdn(*c, {isdn::IsdnEvent::AlertingInd, channel, q850::Cause::None, inband});
}

void CallManager::onProgress(isdn::IsdnCallId id, int channel, bool inband) {
    if (Call* c = byIsdn(id)) feedIsdn(*c, {isdn::IsdnEvent::ProgressInd, channel, q850::Cause::None, inband});
}

void CallManager::onConnect(isdn::IsdnCallId id, int channel) {
    if (Call* c = byIsdn(id)) feedIsdn(*c, {isdn::IsdnEvent::ConnectInd, channel});
}

void CallManager::onConnectAck(isdn::IsdnCallId id) {
    if (Call* c = byIsdn(id)) feedIsdn(*c, {isdn::IsdnEvent::ConnectAckInd});
}

void CallManager::onDisconnect(isdn::IsdnCallId id, q850::Cause cause) {
    if (Call* c = byIsdn(id)) feedIsdn(*c, {isdn::IsdnEvent::DisconnectInd, 0, cause});
}

void CallManager::onReleased(isdn::IsdnCallId id, q850::Cause cause) {
    if (Call* c = byIsdn(id)) feedIsdn(*c, {isdn::IsdnEvent::ReleaseInd, 0, cause});
}

} // namespace gw
