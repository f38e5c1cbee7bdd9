// Sofia message <-> string helpers; see sofia_sip_text.hpp.
#include "sip/sofia_sip_text.hpp"

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/url.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <netdb.h>
#include <strings.h>
#include <vector>

namespace gw::sip::sofia {
namespace {

bool iequalsPrefix(const char* s, const char* prefix) {
    return s && ::strncasecmp(s, prefix, std::strlen(prefix)) == 0;
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c != '\r' && c != '\n') out += c;
    }
    return out + "\"";
}

} // namespace

int q850Reason(const sip_t* sip) {
    for (const sip_reason_t* r = sip ? sip->sip_reason : nullptr; r; r = r->re_next) {
        if (!r->re_protocol || !r->re_cause || strcasecmp(r->re_protocol, "Q.850") != 0) continue;
        char* end = nullptr;
        long v = std::strtol(r->re_cause, &end, 10);
        return end && *end == '\0' && v >= 1 && v <= 127 ? static_cast<int>(v) : 0;
    }
    return 0;
}

std::vector<std::string> challengeRealms(const sip_t* sip) {
    std::vector<std::string> out;
    for (const msg_auth_t* list : {sip ? sip->sip_www_authenticate : nullptr, sip ? sip->sip_proxy_authenticate : nullptr}) {
        for (const msg_auth_t* a = list; a; a = a->au_next) {
            const char* realm = msg_params_find(a->au_params, "realm=");
            if (!realm) continue;
            std::string r = realm;
            if (r.size() >= 2 && r.front() == '"' && r.back() == '"') r = r.substr(1, r.size() - 2);
            out.push_back(r);
        }
    }
    return out;
}

std::string digestCredential(const Credential& c) {
    return "Digest:\"" + c.realm + "\":" + c.username + ":" + c.password;
}

int grantedExpires(const sip_t* sip, const std::string& user, int requested) {
    for (const sip_contact_t* m = sip ? sip->sip_contact : nullptr; m; m = m->m_next) {
        if (!m->m_expires || urlUser(m->m_url) != user) continue;
        return static_cast<int>(std::strtol(m->m_expires, nullptr, 10));
    }
    if (sip && sip->sip_expires) return static_cast<int>(sip->sip_expires->ex_delta);
    return requested;
}

std::string reasonValue(int cause, const std::string& text) {
    std::string v = "Q.850;cause=" + std::to_string(cause);
    return text.empty() ? v : v + ";text=" + quoted(text);
}

std::vector<std::string> contactsByQ(const sip_t* sip) {
    std::vector<std::pair<double, std::string>> found;
    for (const sip_contact_t* m = sip ? sip->sip_contact : nullptr; m; m = m->m_next) {
        if (!m->m_url->url_host) continue;
        double q = m->m_q ? std::strtod(m->m_q, nullptr) : 1.0;
        found.emplace_back(q, urlString(m->m_url));
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
}

std::string urlString(const url_t* url) {
    if (!url) return "";
    issize_t n = url_e(nullptr, 0, url);
    if (n <= 0) return "";
    std::vector<char> buf(static_cast<std::size_t>(n) + 1);
    url_e(buf.data(), buf.size(), url);
    return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::string urlUser(const url_t* url) {
    if (!url || !url->url_user) return "";
    std::vector<char> buf(std::strlen(url->url_user) + 1);
    url_unescape(buf.data(), url->url_user);
    return buf.data();
}

std::string displayName(const char* display) {
    if (!display) return "";
    std::string s = display;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') return s;
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        if (s[i] == '\\' && i + 2 < s.size()) ++i;     // quoted-pair
        out += s[i];
    }
    return out;
}

std::string sdpBody(const sip_t* sip) {
    if (!sip || !sip->sip_payload || !sip->sip_payload->pl_data) return "";
    if (!sip->sip_content_type || !iequalsPrefix(sip->sip_content_type->c_type, "application/sdp"))
        return "";
    return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

std::string sourceHost(msg_t* msg) {
    su_addrinfo_t* ai = msg ? msg_addrinfo(msg) : nullptr;
    if (!ai || !ai->ai_addr || ai->ai_addrlen == 0) return "";
    char host[NI_MAXHOST];
    if (getnameinfo(ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen), host, sizeof host,
                    nullptr, 0, NI_NUMERICHOST) != 0)
        return "";
    return host;
}

Diversion diversionOf(const sip_t* sip) {
    Diversion d;
    for (const sip_unknown_t* u = sip ? sip->sip_unknown : nullptr; u; u = u->un_next) {
        if (!u->un_name || !u->un_value || strcasecmp(u->un_name, "Diversion") != 0) continue;
        const std::string v = u->un_value;
        const auto open = v.find('<'), close = v.find('>');
        if (open == std::string::npos || close == std::string::npos || close < open) break;
        url_t url[1];
        std::string uri = v.substr(open + 1, close - open - 1);
        if (url_d(url, uri.data()) < 0) break;
        d.user = urlUser(url);
        // The first entry's parameters only (a comma ends it; RFC 5806 §4).
        std::string params = v.substr(close + 1, v.find(',', close) - close - 1);
        for (std::size_t at = 0; (at = params.find(';', at)) != std::string::npos;) {
            const auto next = params.find(';', at + 1);
            std::string p = params.substr(at + 1, next - at - 1);
            p.erase(0, p.find_first_not_of(" \t"));
            if (iequalsPrefix(p.c_str(), "reason=")) {
                d.reason = p.substr(7);
                d.reason.erase(std::remove(d.reason.begin(), d.reason.end(), '"'), d.reason.end());
                d.reason.erase(d.reason.find_last_not_of(" \t") + 1);
            }
            at = next;
        }
        break;
    }
    return d;
}

namespace {

// RFC 4458 §3.2: the cause URI parameter of a retargeted History-Info entry.
const char* historyCause(const std::string& reason) {
    if (reason == "user-busy") return "486";
    if (reason == "no-answer") return "408";
    if (reason == "unconditional") return "302";
    if (reason == "deflection") return "480";
    if (reason == "unavailable" || reason == "out-of-service") return "503";
    return "404";
}

} // namespace

std::string diversionHeader(const Diversion& d, const std::string& host) {
    return "<sip:" + escapeUser(d.user) + "@" + host + ">;reason=" + (d.reason.empty() ? "unknown" : d.reason) +
           ";counter=1";
}

std::string historyInfoHeader(const Diversion& d, const std::string& host, const std::string& requestUri) {
    std::string target = requestUri;
    const auto headers = target.find('?');
    if (headers != std::string::npos) target.erase(headers);
    return "<sip:" + escapeUser(d.user) + "@" + host + ">;index=1,<" + target + ";cause=" + historyCause(d.reason) +
           ">;index=1.1";
}

IncomingInvite incomingInvite(const sip_t* sip, msg_t* msg) {
    IncomingInvite in;
    if (sip->sip_request) {
        in.requestUser = urlUser(sip->sip_request->rq_url);
        in.requestUri = urlString(sip->sip_request->rq_url);
    }
    if (sip->sip_from) {
        in.fromUser = urlUser(sip->sip_from->a_url);
        in.fromDisplay = displayName(sip->sip_from->a_display);
    }
    if (sip->sip_to) in.toUser = urlUser(sip->sip_to->a_url);
    if (sip->sip_call_id && sip->sip_call_id->i_id) in.callId = sip->sip_call_id->i_id;
    in.remoteHost = sourceHost(msg);
    if (sip->sip_content_type && sip->sip_content_type->c_type)
        in.contentType = sip->sip_content_type->c_type;
    in.sdp = sdpBody(sip);
    in.diversion = diversionOf(sip);
    return in;
}

std::string escapeUser(const std::string& user) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : user) {
        // unreserved (alphanum / mark) and user-unreserved, RFC 3261 §25.1
        if (std::isalnum(c) || std::strchr("-_.!~*'()&=+$,;?/", c)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string fromHeader(const std::string& user, const std::string& display,
                       const std::string& host) {
    if (user.empty()) return "\"Anonymous\" <sip:anonymous@anonymous.invalid>";
    std::string h = host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]"
                                                                                : host;
    std::string uri = "<sip:" + escapeUser(user) + "@" + h + ">";
    return display.empty() ? uri : quoted(display) + " " + uri;
}

std::string toHeader(const std::string& user, const std::string& requestUri) {
    std::string uri = requestUri;
    if (!user.empty() && uri.starts_with("sip:")) {
        std::size_t at = uri.find('@');
        std::size_t hostStart = at == std::string::npos ? 4 : at + 1;
        uri = "sip:" + escapeUser(user) + "@" + uri.substr(hostStart);
    }
    return "<" + uri + ">";
}

} // namespace gw::sip::sofia
