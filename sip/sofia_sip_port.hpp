// SofiaSipPort: the SipPort over Sofia's nua user agent, on a SofiaLoop.
// nua runs with its own SDP negotiator off (sip/sdp does offer/answer); each
// INVITE dialog is one nua_handle, which the core knows as a SipDialogId.
//
// nua events -> SipPortListener:
//   nua_i_invite (initial)     onInvite; nua has already sent 100 Trying
//   nua_r_invite 101..699      onResponse (the stack ACKs 2xx itself). 100
//                              Trying stays in nta (hop by hop, RFC 3261
//                              §17.1.1.2); NTATAG_PASS_100 would pass it, but
//                              nua 1.12.11 then leaks each 100's message.
//   nua_i_ack                  onAck
//   nua_i_bye                  onBye (nua has answered 200), with the Q.850
//                              cause of its Reason header (RFC 3326)
//   nua_i_cancel               onCancel (nua has answered 200 and 487), the same
//   nua_i_state terminated     onTerminated(status), exactly once per dialog,
//                              after every other event of it: after our BYE or
//                              CANCEL completes, after onBye/onCancel, after a
//                              final failure either way, on timeouts. Not
//                              delivered if the core called release() before.
//   nua_i_options              answered here: 200 (nua adds Allow, Accept,
//                              Supported) or 503 while the gateway cannot
//                              take calls (setAvailable)
//   nua_r_invite/nua_r_bye 401, 407
//                              answered with the sip-ua credentials of the
//                              challenge's realm (nua_authenticate; nua ACKs
//                              the challenge and resends with CSeq + 1); the
//                              core hears of it only if the credentials are
//                              missing or refused (a realm challenged twice)
//   nua_r_register             the gateway's numbers at the registrar
//                              (setRegistrar), refreshed by nua, tried again
//                              30 s after a failure, unregistered at shutdown
// A re-INVITE that only refreshes the session (the same SDP) is answered
// 200 with our last SDP without the core. One that changes the session, or
// has no SDP, goes to the core (onReinvite), which answers it; the ACK of a
// 200 that carried our offer brings the answer (onReinviteAck).
#pragma once

#include "sip/sip_port.hpp"
#include "sip/sofia_loop.hpp"

#include <sofia-sip/nua.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace gw::sip {

struct SofiaSipPortConfig {
    std::string bindAddr = "127.0.0.1";   // IPv4 or IPv6 literal, or "*" for all
    int port = 5060;
    std::string userAgent = "gatewayd";   // "" sends no User-Agent header
    bool tcp = true;                      // listen on TCP as well as UDP (RFC 3261 §18)
};

class SofiaSipPort final : public SipPort {
public:
    // Binds the SIP socket(s) and starts the user agent. On failure returns
    // nullptr and sets error, e.g. "cannot listen for SIP on
    // 127.0.0.1:5060: Address already in use".
    static std::unique_ptr<SofiaSipPort> create(SofiaLoop& loop, SipPortListener& listener,
                                                const SofiaSipPortConfig& config,
                                                std::string& error);
    // Shuts nua down: BYE/CANCEL for live dialogs, waiting (by running the
    // loop, at most a few seconds) for nua_r_shutdown. Call it outside run().
    ~SofiaSipPort() override;
    SofiaSipPort(const SofiaSipPort&) = delete;
    SofiaSipPort& operator=(const SofiaSipPort&) = delete;

    SipDialogId invite(const OutgoingInvite& inv) override;
    void respond(SipDialogId id, int status, const std::string& reason,
                 const std::string& sdp) override;
    void setReason(SipDialogId id, int q850Cause, const std::string& text) override;
    void setRetryAfter(SipDialogId id, int seconds) override;
    void answerReinvite(SipDialogId id, int status, const std::string& sdp) override;
    void bye(SipDialogId id) override;
    void cancel(SipDialogId id) override;
    // Frees the dialog now if it has ended, else ends it (BYE, CANCEL or 500
    // as its state calls for) and frees it when nua reports it terminated.
    void release(SipDialogId id) override;
    // tport's message log (TPTAG_LOG): each message sent and received goes to
    // Sofia's log, which the loop forwards to the gateway log.
    void setTrace(bool on) override;
    void setUserAgent(const std::string& userAgent) override;
    void setAvailable(bool available, int retryAfterS) override;
    void setCredentials(const std::vector<Credential>& credentials) override;
    void setRegistrar(const RegistrarSettings& settings) override;
    std::vector<RegistrationStatus> registrations() const override;

    // Dialogs whose nua handle still exists (released ones included).
    std::size_t dialogCount() const { return dialogs_.size(); }
    const SofiaSipPortConfig& config() const { return config_; }

    // nua's callback magic. It outlives the port if nua could not be shut
    // down (then port is null and late events are ignored).
    struct CallbackContext {
        SofiaSipPort* port = nullptr;
    };
    // From the nua callback trampoline only.
    void onNuaEvent(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                    const sip_t* sip, tagi_t tags[]) noexcept;

private:
    struct Dialog {
        SipDialogId id = 0;
        nua_handle_t* nh = nullptr;        // owned: nua_handle_destroy in destroyDialog
        bool incoming = false;
        int callState = 0;                 // enum nua_callstate, as last reported
        std::string reason;                // Reason header value for the next BYE/CANCEL/failure
        int retryAfter = 0;                // seconds, for the next failure response
        bool finalSent = false;            // a final response went or came (>= 300)
        bool acked = false;                // onAck reported (later ACKs are re-INVITEs')
        bool reinvitePending = false;      // onReinvite told, answerReinvite not yet called
        bool offerInAck = false;           // a 200 to an offerless re-INVITE carried our offer
        std::string reinviteOffer;         // the offer of the pending re-INVITE
        bool released = false;             // the core is done; no more listener calls
        bool terminated = false;           // nua reported callstate terminated
        kernel::TimerId reapTimer = 0;     // frees a released dialog nua never ends
        std::string localSdp;              // last SDP we sent (session refresh answers)
        std::string remoteSdp;             // last SDP received
        // Digest: the realms answered for the request in progress (a second
        // challenge of one is a refusal), and a 401/407 held back while nua
        // retries with credentials, told to the core if the retry never comes.
        std::set<std::string> authRealms;
        bool challengeHeld = false;
        Response heldChallenge;
    };
    // One number registered with the registrar (its own nua handle).
    struct Registration {
        RegistrationStatus status;
        nua_handle_t* nh = nullptr;        // owned
        std::set<std::string> authRealms;
        kernel::TimerId retryTimer = 0;    // re-REGISTER after a failure
    };
    struct NuaDeleter {
        void operator()(nua_t* nua) const noexcept { nua_destroy(nua); }
    };

    SofiaSipPort(SofiaLoop& loop, SipPortListener& listener, const SofiaSipPortConfig& config);
    void dispatch(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                  const sip_t* sip, tagi_t tags[]);
    Dialog* find(SipDialogId id);
    Dialog* findByHandle(nua_handle_t* nh);
    Dialog& addDialog(nua_handle_t* nh, bool incoming);
    void destroyDialog(SipDialogId id);
    std::string takeReason(Dialog& d);
    const char* phraseFor(int status, const std::string& reason);

    // sofia_sip_port_invite.cpp
    void onIncomingInvite(nua_handle_t* nh, int status, const sip_t* sip);
    void onOptions(nua_handle_t* nh, Dialog* d);
    void onReinvite(Dialog& d, const sip_t* sip);
    void onInviteResponse(Dialog& d, int status, const char* phrase, const sip_t* sip);
    // sofia_sip_port_auth.cpp
    bool answerChallenge(nua_handle_t* nh, std::set<std::string>& answered, const sip_t* sip);
    void onByeResponse(Dialog& d, int status, const sip_t* sip);
    bool onRegistrationEvent(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                             const sip_t* sip);
    void startRegistration(Registration& r);
    void retryRegistrationLater(Registration& r);
    void dropRegistrationHandle(Registration& r);
    void removeRegistration(const std::string& number);
    void endUnregister(nua_handle_t* nh);
    // sofia_sip_port_end.cpp
    void onCallState(Dialog& d, int status, tagi_t tags[]);
    void endLiveDialog(Dialog& d);
    void shutdown();

    SofiaLoop& loop_;
    SipPortListener& listener_;
    SofiaSipPortConfig config_;
    std::unique_ptr<CallbackContext> context_;
    std::unique_ptr<nua_t, NuaDeleter> nua_;
    std::unordered_map<SipDialogId, Dialog> dialogs_;
    std::unordered_map<nua_handle_t*, SipDialogId> byHandle_;
    // nua_respond keeps the phrase pointer until the stack runs: custom
    // phrases are kept here (node-based, so pointers stay valid).
    std::unordered_set<std::string> phrases_;
    SipDialogId nextId_ = 1;
    std::vector<Credential> credentials_;
    RegistrarSettings registrar_;
    std::map<std::string, Registration> registrations_;   // by number
    std::unordered_map<nua_handle_t*, std::string> registrationByHandle_;
    // Handles whose un-REGISTER is out, each with the timer that frees it
    // if no answer comes.
    std::unordered_map<nua_handle_t*, kernel::TimerId> unregistering_;
    bool available_ = true;                // OPTIONS: 200, else 503
    int unavailableRetryAfter_ = 0;
    bool shuttingDown_ = false;
    int shutdownStatus_ = 0;               // of the last nua_r_shutdown
};

} // namespace gw::sip
