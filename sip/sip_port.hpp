// SipPort: what the call core asks of the SIP stack, and SipPortListener:
// what the stack tells the core. The sofia adapter implements SipPort over
// nua; scenario tests use a fake. Dialog ids (SipDialogId) are opaque numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gw::sip {

using SipDialogId = std::uint64_t;

// A diversion: who diverted the call, and why. Received in a Diversion
// header (RFC 5806, the first, most recent one); sent as Diversion and as
// History-Info (RFC 7044).
struct Diversion {
    std::string user;     // the diverting party's number, "" = none
    std::string reason;   // RFC 5806 §4 token: "user-busy", "no-answer", "unconditional", ...
};

// An INVITE the gateway sends.
struct OutgoingInvite {
    std::string requestUri;   // "sip:5552000@127.0.0.1:5070"
    std::string fromUser;     // calling number, "" for anonymous
    std::string fromDisplay;  // calling name, may be empty
    std::string toUser;       // called number
    std::string sdp;          // offer
    // The caller asked that its identity not be shown (ISDN presentation
    // restricted): From is anonymous (RFC 3323 §4.1.1.3), Privacy: id, and
    // the identity goes in P-Asserted-Identity (RFC 3325 §9.1) for the
    // next hop, which removes it before the call leaves its trust domain.
    bool privacy = false;
    // Expires (RFC 3261 §13.2.1): seconds the INVITE may go unanswered; the
    // gateway cancels it then (sip-ua timers expires). 0 sends none.
    int expiresS = 0;
    Diversion diversion;      // user "" = not diverted
};

// An INVITE the gateway received.
struct IncomingInvite {
    std::string requestUser;  // user part of the Request-URI
    std::string requestUri;
    std::string fromUser;
    std::string fromDisplay;
    std::string toUser;
    std::string callId;
    std::string remoteHost;   // source address of the request
    std::string contentType;  // of the body, "" if none
    std::string sdp;          // body when application/sdp, else ""
    Diversion diversion;      // user "" = none
};

struct Response {
    int status = 0;
    std::string reason;
    std::string sdp;          // body when application/sdp, else ""
    // 3xx: the Contact URIs, highest q first (RFC 3261 §8.1.3.4), else none.
    std::vector<std::string> contacts;
    int reasonCause = 0;      // Q.850 cause of its Reason header (RFC 3326), 0 = none
    Diversion diversion;      // 3xx: the redirecting server's Diversion, user "" = none
};

// Digest credentials for one realm (sip-ua credentials), answered to a 401
// or 407 challenge of that realm (RFC 3261 §22).
struct Credential {
    std::string username, password, realm;
    bool operator==(const Credential&) const = default;
};

// The gateway's numbers registered with a registrar (sip-ua registrar):
// each number is an address of record sip:NUMBER@registrar-host whose
// Contact is the gateway.
struct RegistrarSettings {
    std::string registrarUri;            // "sip:127.0.0.1:5090"; "" = register nothing
    int expiresS = 3600;                 // requested registration lifetime
    std::vector<std::string> numbers;
    bool operator==(const RegistrarSettings&) const = default;
};

// How one number's registration stands (show sip-ua register status).
struct RegistrationStatus {
    std::string number;
    bool registered = false;
    int expiresS = 0;                    // granted lifetime, 0 while unregistered
    int lastStatus = 0;                  // final status of the last REGISTER, 0 = none yet
    std::string lastPhrase;
};

class SipPort {
public:
    virtual ~SipPort() = default;
    // Sends an INVITE; returns the new dialog's id (never 0).
    virtual SipDialogId invite(const OutgoingInvite& inv) = 0;
    // Answers an incoming INVITE: 1xx (except 100, sent by the stack), 2xx
    // with sdp, or a final failure. reason "" means the standard phrase.
    virtual void respond(SipDialogId id, int status, const std::string& reason,
                         const std::string& sdp) = 0;
    // Adds `Reason: Q.850;cause=N;text="..."` (RFC 3326) to the next
    // BYE/CANCEL/failure response.
    virtual void setReason(SipDialogId id, int q850Cause, const std::string& text) = 0;
    // Adds Retry-After (RFC 3261 §20.33) to the next failure response.
    virtual void setRetryAfter(SipDialogId id, int seconds) = 0;
    // Answers a re-INVITE the listener was told of (onReinvite): 200 with
    // the SDP answer (or our offer, when the re-INVITE had none), or a
    // failure (488, 491) that leaves the session as it was (RFC 3261 §14.2).
    virtual void answerReinvite(SipDialogId id, int status, const std::string& sdp) = 0;
    virtual void bye(SipDialogId id) = 0;
    virtual void cancel(SipDialogId id) = 0;
    // The core is done with this dialog; the stack frees it (after any
    // transaction in progress completes).
    virtual void release(SipDialogId id) = 0;
    // Traces every SIP message sent and received into the log
    // (`debug ccsip messages`); adapters without a trace ignore it.
    virtual void setTrace(bool) {}
    // The User-Agent header of what the stack sends from now on; "" sends none.
    virtual void setUserAgent(const std::string& userAgent) = 0;
    // Whether the gateway can take calls now (some span has its D-channel
    // up and is not shut down). OPTIONS outside a dialog is answered 200
    // when it can, 503 with Retry-After `retryAfterS` when not (RFC 3261
    // §11.2: as an INVITE would be).
    virtual void setAvailable(bool available, int retryAfterS) = 0;
    // The credentials answered to challenges from now on. A request whose
    // challenge names a realm without credentials, or challenges again a
    // realm already answered (the credentials were refused), fails with
    // the 401/407 itself.
    virtual void setCredentials(const std::vector<Credential>& credentials) = 0;
    // Registers (and keeps registered) these numbers, unregistering those
    // no longer listed or all of them when the registrar changes.
    virtual void setRegistrar(const RegistrarSettings& settings) = 0;
    virtual std::vector<RegistrationStatus> registrations() const = 0;
};

class SipPortListener {
public:
    virtual ~SipPortListener() = default;
    virtual void onInvite(SipDialogId id, const IncomingInvite& inv) = 0;
    // A response to our INVITE (provisional or final). The stack sends ACK
    // for 2xx itself.
    virtual void onResponse(SipDialogId id, const Response& rsp) = 0;
    virtual void onAck(SipDialogId id) = 0;
    // A re-INVITE that changes the session (hold, resume, a new address), or
    // one without SDP (offer = ""): answer with SipPort::answerReinvite. A
    // re-INVITE repeating the session (a refresh) is answered by the stack.
    virtual void onReinvite(SipDialogId id, const std::string& offer) = 0;
    // The ACK of an answered re-INVITE that had no offer: `sdp` is the
    // answer to the offer sent in the 200 ("" if it brought none).
    virtual void onReinviteAck(SipDialogId id, const std::string& sdp) = 0;
    // reasonCause: the Q.850 cause of the request's Reason header, 0 = none.
    virtual void onBye(SipDialogId id, int reasonCause) = 0;      // the stack has answered 200
    virtual void onCancel(SipDialogId id, int reasonCause) = 0;   // the stack has answered 200 + 487
    // Our BYE or CANCEL completed, or the dialog ended otherwise (timeout).
    virtual void onTerminated(SipDialogId id, int status) = 0;
};

} // namespace gw::sip
