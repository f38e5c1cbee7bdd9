// SofiaSipPort: creation, the nua event dispatcher, dialog bookkeeping and
// the in-dialog commands. INVITE handling is in sofia_sip_port_invite.cpp,
// termination and shutdown in sofia_sip_port_end.cpp.
#include "sip/sofia_sip_port.hpp"

#include "kernel/log.hpp"
#include "kernel/unique_fd.hpp"
#include "sip/sofia_sip_text.hpp"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/tport_tag.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <utility>
#include <netinet/in.h>
#include <sys/socket.h>

namespace gw::sip {
namespace {

void onNuaEventC(nua_event_t event, int status, char const* phrase, nua_t*, nua_magic_t* magic,
                 nua_handle_t* nh, nua_hmagic_t*, sip_t const* sip, tagi_t tags[]) noexcept {
    if (auto* port = static_cast<SofiaSipPort::CallbackContext*>(magic)->port)
        port->onNuaEvent(event, status, phrase, nh, sip, tags);
}

std::string hostForUri(const std::string& addr) {
    return addr.find(':') != std::string::npos ? "[" + addr + "]" : addr;
}

// RFC 3261 §19.1.1 sip:host:port. Without a transport parameter nta binds
// UDP and TCP (and SCTP where the kernel has it). A list such as
// ";transport=udp,tcp" is avoided: Sofia 1.12.11 keeps a pointer to an
// array out of scope while parsing it.
std::string bindUrl(const SofiaSipPortConfig& c) {
    return "sip:" + hostForUri(c.bindAddr) + ":" + std::to_string(c.port) +
           (c.tcp ? "" : ";transport=udp");
}

// Binds the SIP address the way nta will, to say in plain words why it
// cannot: nua_create only reports failure, and a failed nua_create leaks the
// root's port reference in Sofia 1.12.11. "" when binding works.
std::string whyNoBind(const SofiaSipPortConfig& c) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    std::string host = c.bindAddr == "*" ? "0.0.0.0" : c.bindAddr;
    if (c.port <= 0 || c.port > 65535) return "not a port number";
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET, v4->sin_port = htons(static_cast<uint16_t>(c.port));
        len = sizeof *v4;
    } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6, v6->sin6_port = htons(static_cast<uint16_t>(c.port));
        len = sizeof *v6;
    } else {
        return "not an IP address";
    }
    for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
        if (type == SOCK_STREAM && !c.tcp) break;
        kernel::UniqueFd fd(::socket(ss.ss_family, type | SOCK_CLOEXEC, 0));
        if (!fd) return std::strerror(errno);
        int one = 1;   // as tport does for TCP: a TIME_WAIT port is usable
        if (type == SOCK_STREAM) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return std::strerror(errno);
    }
    return "";
}

} // namespace

SofiaSipPort::SofiaSipPort(SofiaLoop& loop, SipPortListener& listener,
                           const SofiaSipPortConfig& config)
    : loop_(loop), listener_(listener), config_(config),
      context_(std::make_unique<CallbackContext>(CallbackContext{this})) {}

std::unique_ptr<SofiaSipPort> SofiaSipPort::create(SofiaLoop& loop, SipPortListener& listener,
                                                   const SofiaSipPortConfig& config,
                                                   std::string& error) {
    std::string where = "cannot listen for SIP on " + hostForUri(config.bindAddr) + ":" +
                        std::to_string(config.port) + ": ";
    if (std::string why = whyNoBind(config); !why.empty()) {
        error = where + why;
        return nullptr;
    }
    std::unique_ptr<SofiaSipPort> port(new SofiaSipPort(loop, listener, config));
    std::string url = bindUrl(config);
    errno = 0;
    port->nua_.reset(nua_create(
        loop.root(), onNuaEventC, port->context_.get(), NUTAG_URL(url.c_str()),
        NUTAG_MEDIA_ENABLE(0),         // offer/answer is ours (sip/sdp)
        NUTAG_AUTOACK(1), NUTAG_AUTOALERT(0), NUTAG_AUTOANSWER(0), NUTAG_ENABLEINVITE(1),
        NUTAG_APPL_METHOD("OPTIONS"),  // answered by onOptions: 503 while no span can take a call
        // 3xx goes to the core, which tries the Contacts through its own
        // records (nua would follow a 302 silently).
        NUTAG_AUTO302(0), NUTAG_AUTO305(0),
        SIPTAG_ALLOW_STR("INVITE, ACK, BYE, CANCEL, OPTIONS"),
        // RFC 4028: accept the peer's session timer, never run one ourselves
        // (nua would refresh with an SDP-less re-INVITE).
        SIPTAG_SUPPORTED_STR("timer"), NUTAG_SESSION_TIMER(0),
        NUTAG_SESSION_REFRESHER(nua_remote_refresher),
        TAG_END()));
    if (!port->nua_) {
        error = where + (errno ? std::strerror(errno) : "the SIP stack could not start");
        return nullptr;
    }
    port->setUserAgent(config.userAgent);
    return port;
}

SofiaSipPort::~SofiaSipPort() { shutdown(); }

void SofiaSipPort::setTrace(bool on) {
    if (nua_) nua_set_params(nua_.get(), TPTAG_LOG(on ? 1 : 0), TAG_END());
}

void SofiaSipPort::setUserAgent(const std::string& userAgent) {
    if (!nua_) return;
    if (userAgent.empty()) nua_set_params(nua_.get(), SIPTAG_USER_AGENT(static_cast<const sip_user_agent_t*>(SIP_NONE)), TAG_END());
    else nua_set_params(nua_.get(), SIPTAG_USER_AGENT_STR(userAgent.c_str()), TAG_END());
}

void SofiaSipPort::setAvailable(bool available, int retryAfterS) {
    available_ = available;
    unavailableRetryAfter_ = retryAfterS;
}

// In a dialog OPTIONS is a keep-alive: 200. Outside one it asks whether an
// INVITE would be taken now.
void SofiaSipPort::onOptions(nua_handle_t* nh, Dialog* d) {
    if (!nh) return;
    if (d || available_) {
        nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nua_.get()), TAG_END());
    } else {
        std::string retry = std::to_string(unavailableRetryAfter_);
        nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE, NUTAG_WITH_THIS(nua_.get()),
                    TAG_IF(unavailableRetryAfter_ > 0, SIPTAG_RETRY_AFTER_STR(retry.c_str())), TAG_END());
    }
    if (!d) nua_handle_destroy(nh);   // a handle nua made for this request alone
}

void SofiaSipPort::onNuaEvent(nua_event_t event, int status, const char* phrase,
                              nua_handle_t* nh, const sip_t* sip, tagi_t tags[]) noexcept {
    try {
        dispatch(event, status, phrase, nh, sip, tags);
    } catch (const std::exception& e) {
        GW_ERROR("sip: exception while handling %s: %s", nua_event_name(event), e.what());
    } catch (...) {
        GW_ERROR("sip: unknown exception while handling %s", nua_event_name(event));
    }
}

void SofiaSipPort::dispatch(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                            const sip_t* sip, tagi_t tags[]) {
    if (event == nua_r_shutdown) {
        shutdownStatus_ = status;
        return;
    }
    if (shuttingDown_) return;
    Dialog* d = nh ? findByHandle(nh) : nullptr;
    if (event == nua_i_options) return onOptions(nh, d);
    if (event == nua_i_invite) {
        if (d) onReinvite(*d, sip);
        else onIncomingInvite(nh, status, sip);
        return;
    }
    if (!d && onRegistrationEvent(event, status, phrase, nh, sip)) return;
    if (!d) {
        // OPTIONS and other requests nua answered itself: their handles are
        // ours to free (nua hands each new handle to the application).
        if (nh && nua_event_is_incoming_request(event)) nua_handle_destroy(nh);
        return;
    }
    switch (event) {
    case nua_r_invite: onInviteResponse(*d, status, phrase, sip); break;
    case nua_i_state: onCallState(*d, status, tags); break;
    case nua_i_ack:   // the first one confirms the dialog; later ones ack re-INVITEs
        if (d->released) break;
        if (!std::exchange(d->acked, true)) {
            listener_.onAck(d->id);
        } else if (std::exchange(d->offerInAck, false)) {
            std::string answer = sofia::sdpBody(sip);
            if (!answer.empty()) d->remoteSdp = answer;
            listener_.onReinviteAck(d->id, answer);
        }
        break;
    case nua_i_bye:
        if (!d->released) listener_.onBye(d->id, sofia::q850Reason(sip));
        break;
    case nua_i_cancel:
        if (!d->released) listener_.onCancel(d->id, sofia::q850Reason(sip));
        break;
    case nua_r_bye: onByeResponse(*d, status, sip); break;
    default: break;   // nua_r_cancel: the call state event follows
    }
}

SofiaSipPort::Dialog* SofiaSipPort::find(SipDialogId id) {
    auto it = dialogs_.find(id);
    return it == dialogs_.end() ? nullptr : &it->second;
}

SofiaSipPort::Dialog* SofiaSipPort::findByHandle(nua_handle_t* nh) {
    auto it = byHandle_.find(nh);
    return it == byHandle_.end() ? nullptr : find(it->second);
}

SofiaSipPort::Dialog& SofiaSipPort::addDialog(nua_handle_t* nh, bool incoming) {
    SipDialogId id = nextId_++;
    Dialog& d = dialogs_[id];
    d.id = id;
    d.nh = nh;
    d.incoming = incoming;
    byHandle_[nh] = id;
    return d;
}

void SofiaSipPort::destroyDialog(SipDialogId id) {
    auto it = dialogs_.find(id);
    if (it == dialogs_.end()) return;
    if (it->second.reapTimer) loop_.cancelTimer(it->second.reapTimer);
    byHandle_.erase(it->second.nh);
    nua_handle_destroy(it->second.nh);
    dialogs_.erase(it);
}

std::string SofiaSipPort::takeReason(Dialog& d) { return std::exchange(d.reason, std::string()); }

void SofiaSipPort::respond(SipDialogId id, int status, const std::string& reason,
                           const std::string& sdp) {
    Dialog* d = find(id);
    if (!d || !d->incoming || status <= 100 || status > 699) return;   // 100: nua sent it
    const char* phrase = phraseFor(status, reason);
    bool body = !sdp.empty() && status < 300;
    std::string why = status >= 300 ? takeReason(*d) : "";
    std::string retry = status >= 300 && d->retryAfter > 0 ? std::to_string(d->retryAfter) : "";
    d->retryAfter = 0;
    nua_respond(d->nh, status, phrase,
                TAG_IF(body, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                TAG_IF(body, SIPTAG_PAYLOAD_STR(sdp.c_str())),
                TAG_IF(!why.empty(), SIPTAG_REASON_STR(why.c_str())),
                TAG_IF(!retry.empty(), SIPTAG_RETRY_AFTER_STR(retry.c_str())), TAG_END());
    if (body) d->localSdp = sdp;
    if (status >= 300) d->finalSent = true;
}

const char* SofiaSipPort::phraseFor(int status, const std::string& reason) {
    constexpr std::size_t kMaxPhrases = 256;
    if (!reason.empty() && (phrases_.size() < kMaxPhrases || phrases_.count(reason)))
        return phrases_.insert(reason).first->c_str();
    const char* standard = sip_status_phrase(status);   // static text
    return standard ? standard : status < 300 ? "OK" : "Failed";
}

void SofiaSipPort::setReason(SipDialogId id, int q850Cause, const std::string& text) {
    if (Dialog* d = find(id)) d->reason = q850Cause > 0 ? sofia::reasonValue(q850Cause, text) : "";
}

void SofiaSipPort::setRetryAfter(SipDialogId id, int seconds) {
    if (Dialog* d = find(id)) d->retryAfter = seconds;
}

void SofiaSipPort::bye(SipDialogId id) {
    Dialog* d = find(id);
    if (!d || d->terminated) return;
    std::string why = takeReason(*d);
    d->authRealms.clear();
    nua_bye(d->nh, TAG_IF(!why.empty(), SIPTAG_REASON_STR(why.c_str())), TAG_END());
}

void SofiaSipPort::cancel(SipDialogId id) {
    Dialog* d = find(id);
    if (!d || d->incoming || d->terminated) return;
    std::string why = takeReason(*d);
    nua_cancel(d->nh, TAG_IF(!why.empty(), SIPTAG_REASON_STR(why.c_str())), TAG_END());
}

} // namespace gw::sip
