// SofiaSipPort, digest authentication as a client (RFC 3261 §22) and the
// registration of the gateway's numbers (§10). The digest itself is
// Sofia's (nua_authenticate with NUTAG_AUTH); this file decides which
// challenges get which credentials: a realm is answered once per request,
// so a second challenge of the same realm means the credentials were
// refused, and the 401/407 then ends the request.
#include "sip/sofia_sip_port.hpp"

#include "kernel/log.hpp"
#include "sip/sofia_sip_text.hpp"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag.h>

namespace gw::sip {
namespace {

// A registration refused or unanswered is tried again after this long.
constexpr std::chrono::milliseconds kRegisterRetry{30000};
// An un-REGISTER nobody answers: the handle is freed after 64*T1.
constexpr std::chrono::milliseconds kUnregisterLimit{32000};

std::string hostOfUri(const std::string& uri) {
    std::string s = uri;
    if (auto colon = s.find(':'); colon != std::string::npos && s.compare(0, 3, "sip") == 0) s = s.substr(colon + 1);
    if (auto at = s.find('@'); at != std::string::npos) s = s.substr(at + 1);
    if (!s.empty() && s[0] == '[') return s.substr(0, s.find(']') + 1);
    return s.substr(0, s.find_first_of(":;?>"));
}

} // namespace

void SofiaSipPort::setCredentials(const std::vector<Credential>& credentials) {
    credentials_ = credentials;
    // Registrations refused for want of credentials try the new ones now.
    for (auto& [number, r] : registrations_) {
        if (r.status.registered) continue;
        if (r.status.lastStatus != 401 && r.status.lastStatus != 407) continue;
        startRegistration(r);
    }
}

// Answers each realm of the challenge with its credentials, unless one has
// none or was answered before for this request. True when nua retries.
bool SofiaSipPort::answerChallenge(nua_handle_t* nh, std::set<std::string>& answered, const sip_t* sip) {
    std::vector<std::string> realms = sofia::challengeRealms(sip);
    std::vector<std::string> auth;
    for (const std::string& realm : realms) {
        const Credential* c = nullptr;
        for (const Credential& k : credentials_)
            if (k.realm == realm) c = &k;
        if (!c) {
            GW_INFO("sip: challenged for realm \"%s\", which has no sip-ua credentials", realm.c_str());
            return false;
        }
        if (answered.count(realm)) {
            GW_INFO("sip: the credentials of realm \"%s\" were refused", realm.c_str());
            return false;
        }
        auth.push_back(sofia::digestCredential(*c));
    }
    if (auth.empty()) return false;
    std::vector<tagi_t> tags;
    for (const std::string& a : auth) tags.push_back({nutag_auth, reinterpret_cast<tag_value_t>(a.c_str())});
    tags.push_back({TAG_END()});
    for (const std::string& realm : realms) answered.insert(realm);
    nua_authenticate(nh, TAG_NEXT(tags.data()));
    return true;
}

// A BYE challenged: answered when we can; otherwise nua is told there are no
// credentials, so the BYE fails and the dialog ends.
void SofiaSipPort::onByeResponse(Dialog& d, int status, const sip_t* sip) {
    if (status != 401 && status != 407) return;
    if (answerChallenge(d.nh, d.authRealms, sip)) return;
    GW_WARN("sip: BYE refused with %d; the dialog is ended here", status);
    nua_authenticate(d.nh, TAG_END());
}

void SofiaSipPort::setRegistrar(const RegistrarSettings& settings) {
    const bool moved = settings.registrarUri != registrar_.registrarUri || settings.expiresS != registrar_.expiresS;
    registrar_ = settings;
    std::set<std::string> wanted;
    if (!settings.registrarUri.empty()) wanted.insert(settings.numbers.begin(), settings.numbers.end());
    std::vector<std::string> gone;
    for (auto& [number, r] : registrations_)
        if (moved || !wanted.count(number)) gone.push_back(number);
    for (const std::string& number : gone) removeRegistration(number);
    for (const std::string& number : wanted) {
        if (registrations_.count(number)) continue;
        Registration& r = registrations_[number];
        r.status.number = number;
        startRegistration(r);
    }
}

// Each attempt gets a fresh handle: one whose request failed (or whose
// credentials were refused) may still hold that request.
void SofiaSipPort::startRegistration(Registration& r) {
    if (r.retryTimer) loop_.cancelTimer(std::exchange(r.retryTimer, 0));
    dropRegistrationHandle(r);
    r.authRealms.clear();
    std::string aor = "sip:" + sofia::escapeUser(r.status.number) + "@" + hostOfUri(registrar_.registrarUri);
    r.nh = nua_handle(nua_.get(), nullptr, SIPTAG_TO_STR(aor.c_str()), SIPTAG_FROM_STR(aor.c_str()), TAG_END());
    if (!r.nh) {
        GW_ERROR("sip: no SIP handle to register %s", r.status.number.c_str());
        retryRegistrationLater(r);
        return;
    }
    registrationByHandle_[r.nh] = r.status.number;
    std::string expires = std::to_string(registrar_.expiresS);
    nua_register(r.nh, NUTAG_REGISTRAR(registrar_.registrarUri.c_str()),
                 NUTAG_M_USERNAME(r.status.number.c_str()),
                 SIPTAG_EXPIRES_STR(expires.c_str()), TAG_END());
}

void SofiaSipPort::dropRegistrationHandle(Registration& r) {
    if (!r.nh) return;
    registrationByHandle_.erase(r.nh);
    nua_handle_destroy(std::exchange(r.nh, nullptr));
}

void SofiaSipPort::retryRegistrationLater(Registration& r) {
    if (r.retryTimer) loop_.cancelTimer(r.retryTimer);
    std::string number = r.status.number;
    r.retryTimer = loop_.startTimer(kRegisterRetry, [this, number] {
        auto it = registrations_.find(number);
        if (it == registrations_.end()) return;
        it->second.retryTimer = 0;
        startRegistration(it->second);
    });
}

// A registered number is unregistered (Expires 0) on its own handle, which
// is freed when that is answered; any other is just forgotten.
void SofiaSipPort::removeRegistration(const std::string& number) {
    auto it = registrations_.find(number);
    if (it == registrations_.end()) return;
    Registration& r = it->second;
    if (r.retryTimer) loop_.cancelTimer(r.retryTimer);
    if (r.status.registered && r.nh) {
        nua_handle_t* nh = std::exchange(r.nh, nullptr);
        registrationByHandle_.erase(nh);
        nua_unregister(nh, TAG_END());
        unregistering_[nh] = loop_.startTimer(kUnregisterLimit, [this, nh] { endUnregister(nh); });
    }
    dropRegistrationHandle(r);
    registrations_.erase(it);
}

void SofiaSipPort::endUnregister(nua_handle_t* nh) {
    auto it = unregistering_.find(nh);
    if (it == unregistering_.end()) return;
    loop_.cancelTimer(it->second);
    unregistering_.erase(it);
    nua_handle_destroy(nh);
}

std::vector<RegistrationStatus> SofiaSipPort::registrations() const {
    std::vector<RegistrationStatus> out;
    for (const auto& [number, r] : registrations_) out.push_back(r.status);
    return out;
}

// nua_r_register / nua_r_unregister of a registration handle. nua refreshes
// a registration before it expires; each refresh reports here too.
bool SofiaSipPort::onRegistrationEvent(nua_event_t event, int status, const char* phrase,
                                       nua_handle_t* nh, const sip_t* sip) {
    if (auto u = nh ? unregistering_.find(nh) : unregistering_.end(); u != unregistering_.end()) {
        if (status >= 200) endUnregister(nh);   // a challenged un-REGISTER is not pursued
        return true;
    }
    auto h = nh ? registrationByHandle_.find(nh) : registrationByHandle_.end();
    if (h == registrationByHandle_.end()) return false;
    Registration& r = registrations_.at(h->second);
    if (event != nua_r_register || status < 200) return true;
    if ((status == 401 || status == 407) && answerChallenge(nh, r.authRealms, sip)) return true;
    r.status.lastStatus = status;
    r.status.lastPhrase = phrase ? phrase : "";
    if (status < 300) {
        r.authRealms.clear();   // the next refresh may be challenged afresh
        r.status.expiresS = sofia::grantedExpires(sip, r.status.number, registrar_.expiresS);
        r.status.registered = r.status.expiresS > 0;
        GW_INFO("sip: %s registered with %s for %d s", r.status.number.c_str(),
                registrar_.registrarUri.c_str(), r.status.expiresS);
        return true;
    }
    GW_WARN("sip: registration of %s with %s failed: %d %s", r.status.number.c_str(),
               registrar_.registrarUri.c_str(), status, r.status.lastPhrase.c_str());
    r.status.registered = false;
    r.status.expiresS = 0;
    dropRegistrationHandle(r);
    retryRegistrationLater(r);
    return true;
}

} // namespace gw::sip
