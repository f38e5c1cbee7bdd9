// Mid-call session changes from the SIP side (Cisco B-2 to B-5 as the
// gateway sees them): hold with a=sendonly, a=inactive or c=0.0.0.0, resume,
// a re-INVITE that moves the RTP to another address or port, and a
// re-INVITE without SDP, which gets our offer in the 200 and its answer in
// the ACK (RFC 3261 §14, RFC 3264 §8). The ISDN call stays up throughout;
// the media follows the negotiated direction.
#include "gateway/call/call_manager.hpp"

#include "kernel/log.hpp"

namespace gw {

RtpPeer rtpPeerOf(const sip::Negotiated& media) {
    RtpPeer peer;
    peer.addr = media.remoteAddr;
    peer.port = media.remotePort;
    peer.payloadType = media.codec.pt;
    peer.codecLaw = media.codec.name == "PCMA" || media.codec.name == "pcma" ? kernel::Law::Alaw : kernel::Law::Ulaw;
    peer.telephoneEventPt = media.tePt;
    // `direction` is ours: recvonly or inactive means the far end holds us.
    peer.send = media.direction == "sendrecv" || media.direction == "sendonly";
    peer.receive = media.direction == "sendrecv" || media.direction == "recvonly";
    return peer;
}

sip::LocalMedia CallManager::localMedia(const Call& c) const {
    sip::LocalMedia local;
    local.addr = media_.localAddress();
    local.port = c.localRtpPort;
    local.sessId = std::to_string(c.id);
    local.sessVersion = std::to_string(c.sdpVersion);
    return local;
}

void CallManager::onReinvite(sip::SipDialogId id, const std::string& offer) {
    Call* c = bySip(id);
    if (!c) {
        sipPort_->answerReinvite(id, 481, "");   // no call of ours holds this dialog
        return;
    }
    sip::SipInput in{sip::SipEvent::ReinviteInd};
    in.sdp = offer;
    feed(*c, in);
}

void CallManager::onReinviteAck(sip::SipDialogId id, const std::string& sdp) {
    if (Call* c = bySip(id)) {
        sip::SipInput in{sip::SipEvent::ReinviteAckInd};
        in.sdp = sdp;
        feed(*c, in);
    }
}

namespace {

const char* describe(const RtpPeer& p) {
    if (p.send && p.receive) return "sendrecv";
    if (p.receive) return "held by the far end";
    if (p.send) return "holding the far end";
    return "inactive";
}

} // namespace

void CallManager::handleReinvite(Call& c, const std::string& offer) {
    sip::SipInput answer{sip::SipEvent::ReinviteAnswerReq};
    const bool aLaw = spans_.count(c.span) ? spans_[c.span].law == kernel::Law::Alaw : true;
    const auto codecs = sip::defaultCodecs(aLaw);
    sip::LocalMedia local = localMedia(c);
    if (offer.empty()) {
        // RFC 3264 §8: our offer goes in the 200, offering the whole session
        // again (sendrecv); the ACK brings the answer.
        local.sessVersion = std::to_string(++c.sdpVersion);
        c.reoffer = sip::buildOffer(local, codecs);
        c.localSdp = c.reoffer;
        answer.status = 200;
        answer.sdp = c.reoffer;
        GW_CCAPI("call=%llu re-INVITE without SDP: offering in the 200", static_cast<unsigned long long>(c.id));
        feed(c, answer);
        return;
    }
    std::string err;
    auto parsed = sip::parseSdp(offer, err);
    sip::AnswerResult ans = parsed ? sip::answerOffer(*parsed, codecs, local) : sip::AnswerResult{};
    if (!parsed || !ans.ok) {
        // RFC 3261 §14.2: 488 leaves the session as it was.
        GW_CCAPI("call=%llu re-INVITE refused with 488: %s", static_cast<unsigned long long>(c.id),
                 parsed ? ans.error.c_str() : err.c_str());
        answer.status = 488;
        feed(c, answer);
        return;
    }
    // RFC 3264 §8: the version grows only when our SDP changes.
    if (!sip::sameSdpIgnoringOrigin(ans.sdp, c.localSdp)) {
        local.sessVersion = std::to_string(++c.sdpVersion);
        ans = sip::answerOffer(*parsed, codecs, local);
    }
    c.localSdp = ans.sdp;
    c.remote = rtpPeerOf(ans.media);
    media_.setRemote(c.id, c.remote);
    GW_CCAPI("call=%llu re-INVITE: RTP %s:%d, %s", static_cast<unsigned long long>(c.id), c.remote.addr.c_str(),
             c.remote.port, describe(c.remote));
    answer.status = 200;
    answer.sdp = ans.sdp;
    feed(c, answer);
}

void CallManager::handleReinviteAck(Call& c, const std::string& sdp) {
    const std::string offer = std::exchange(c.reoffer, std::string());
    if (offer.empty()) return;
    // RFC 3261 §13.3.1.4 would end a session whose ACK brings no usable
    // answer; the call goes on with the media as it was instead.
    if (sdp.empty() || !applyAnswer(c, sdp, offer)) {
        GW_WARN("call=%llu the ACK brought no usable answer to our offer; media unchanged",
                static_cast<unsigned long long>(c.id));
        return;
    }
    GW_CCAPI("call=%llu answer in the ACK: RTP %s:%d, %s", static_cast<unsigned long long>(c.id),
             c.remote.addr.c_str(), c.remote.port, describe(c.remote));
}

} // namespace gw
