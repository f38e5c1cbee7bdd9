// SofiaSipPort, INVITE: sending one (RFC 3261 §13.2), receiving one
// (§13.3; nua has sent 100 Trying before we hear of it), responses to ours,
// and session-refresh re-INVITEs (§14.2) that the core never sees.
#include "sip/sofia_sip_port.hpp"

#include "kernel/log.hpp"
#include "sip/sdp.hpp"
#include "sip/sofia_sip_text.hpp"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag.h>

namespace gw::sip {

SipDialogId SofiaSipPort::invite(const OutgoingInvite& inv) {
    std::string host = config_.bindAddr == "*" ? "localhost" : config_.bindAddr;
    std::string from = sofia::fromHeader(inv.privacy ? "" : inv.fromUser, inv.privacy ? "" : inv.fromDisplay, host);
    std::string asserted = inv.privacy && !inv.fromUser.empty() ? sofia::fromHeader(inv.fromUser, inv.fromDisplay, host) : "";
    std::string to = sofia::toHeader(inv.toUser, inv.requestUri);
    nua_handle_t* nh = nua_handle(nua_.get(), nullptr, SIPTAG_TO_STR(to.c_str()),
                                  SIPTAG_FROM_STR(from.c_str()), TAG_END());
    if (!nh) {
        // Out of memory in the stack: the core expects an id now, so fail
        // the dialog from the loop as a response would.
        SipDialogId id = nextId_++;
        Dialog& d = dialogs_[id];
        d.id = id;
        d.terminated = true;
        d.reapTimer = loop_.startTimer(std::chrono::milliseconds(0), [this, id] {
            Response failed;
            failed.status = 500;
            failed.reason = "No SIP handle";
            if (Dialog* x = find(id); x && !x->released) listener_.onResponse(id, failed);
            if (Dialog* x = find(id); x && !x->released) listener_.onTerminated(id, 500);
        });
        return id;
    }
    Dialog& d = addDialog(nh, false);
    d.localSdp = inv.sdp;
    bool body = !inv.sdp.empty();
    std::string expires = std::to_string(inv.expiresS);
    const bool diverted = !inv.diversion.user.empty();
    std::string diversion = diverted ? "Diversion: " + sofia::diversionHeader(inv.diversion, host) : "";
    std::string history = diverted ? "History-Info: " + sofia::historyInfoHeader(inv.diversion, host, inv.requestUri) : "";
    nua_invite(nh, NUTAG_URL(inv.requestUri.c_str()),
               TAG_IF(inv.expiresS > 0, SIPTAG_EXPIRES_STR(expires.c_str())),
               TAG_IF(diverted, SIPTAG_HEADER_STR(diversion.c_str())),
               TAG_IF(diverted, SIPTAG_HEADER_STR(history.c_str())),
               TAG_IF(inv.privacy, SIPTAG_PRIVACY_STR("id")),
               TAG_IF(!asserted.empty(), SIPTAG_HEADER_STR(("P-Asserted-Identity: " + asserted).c_str())),
               TAG_IF(body, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
               TAG_IF(body, SIPTAG_PAYLOAD_STR(inv.sdp.c_str())), TAG_END());
    return d.id;
}

void SofiaSipPort::onIncomingInvite(nua_handle_t* nh, int status, const sip_t* sip) {
    // A status >= 300 means nua refused the INVITE itself (e.g. 420 for an
    // unsupported Require) on its default handle: nothing for the core.
    if (!nh || !sip || status >= 300) return;
    Dialog& d = addDialog(nh, true);
    IncomingInvite in = sofia::incomingInvite(sip, nua_current_request(nua_.get()));
    d.remoteSdp = in.sdp;
    listener_.onInvite(d.id, in);
}

// RFC 4028 refreshes and keep-alive re-INVITEs repeat the session: answered
// here with our current SDP. Changes (hold, resume, a new address) and
// offerless re-INVITEs go to the core, which answers with answerReinvite.
void SofiaSipPort::onReinvite(Dialog& d, const sip_t* sip) {
    std::string offer = sofia::sdpBody(sip);
    if (d.released || d.localSdp.empty()) {
        nua_respond(d.nh, SIP_488_NOT_ACCEPTABLE, TAG_END());   // a dialog being torn down
        return;
    }
    if (!offer.empty() && sameSdpIgnoringOrigin(offer, d.remoteSdp)) {
        nua_respond(d.nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
                    SIPTAG_PAYLOAD_STR(d.localSdp.c_str()), TAG_END());
        return;
    }
    d.reinvitePending = true;
    d.reinviteOffer = offer;
    listener_.onReinvite(d.id, offer);
}

void SofiaSipPort::answerReinvite(SipDialogId id, int status, const std::string& sdp) {
    Dialog* d = find(id);
    if (!d || !d->reinvitePending) return;
    d->reinvitePending = false;
    const bool ok = status >= 200 && status < 300 && !sdp.empty();
    if (!ok && status < 300) status = 500;   // a 2xx needs SDP here
    nua_respond(d->nh, status, phraseFor(status, ""), TAG_IF(ok, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                TAG_IF(ok, SIPTAG_PAYLOAD_STR(sdp.c_str())), TAG_END());
    if (!ok) return;
    d->localSdp = sdp;
    if (d->reinviteOffer.empty()) d->offerInAck = true;
    else d->remoteSdp = d->reinviteOffer;
    d->reinviteOffer.clear();
}

void SofiaSipPort::onInviteResponse(Dialog& d, int status, const char* phrase, const sip_t* sip) {
    if (d.released) {
        if (status >= 300) d.finalSent = true;
        return;
    }
    Response rsp;
    // nua reports its own failures as 9xx (bad URI, stack errors): to the
    // core they are a server error (RFC 3261 §21.5.1).
    rsp.status = status < 100 || status > 699 ? 500 : status;
    rsp.reason = phrase ? phrase : "";
    rsp.sdp = sofia::sdpBody(sip);
    if (status >= 300 && status < 400) rsp.contacts = sofia::contactsByQ(sip);
    rsp.reasonCause = sofia::q850Reason(sip);
    if (status >= 300 && status < 400) rsp.diversion = sofia::diversionOf(sip);
    if (!rsp.sdp.empty()) d.remoteSdp = rsp.sdp;
    // A challenge answered with our credentials: nua ACKs it and sends the
    // INVITE again (same Call-ID, CSeq + 1). The 401/407 is held until the
    // retry shows, and told to the core if the dialog ends first.
    d.challengeHeld = false;
    if ((status == 401 || status == 407) && answerChallenge(d.nh, d.authRealms, sip)) {
        d.challengeHeld = true;
        d.heldChallenge = rsp;
        return;
    }
    if (status >= 300) d.finalSent = true;
    listener_.onResponse(d.id, rsp);
}

} // namespace gw::sip
