// Conversions between Sofia's parsed SIP message (sip_t, url_t, msg_t) and
// the plain strings the SipPort interface carries, plus the From/To header
// values the gateway sends (RFC 3261 §20.20, §20.39, §25.1 quoting).
#pragma once

#include "sip/sip_port.hpp"

#include <sofia-sip/sip.h>

#include <string>
#include <vector>

namespace gw::sip::sofia {

// "sip:5551000@192.0.2.1:5060;user=phone"; "" for null.
std::string urlString(const url_t* url);
// A url user part with %-escapes decoded; "" for none.
std::string urlUser(const url_t* url);
// A display-name as shown to people: quotes and quoted-pairs removed.
std::string displayName(const char* display);
// The body when Content-Type is application/sdp (RFC 3261 §20.15), else "".
std::string sdpBody(const sip_t* sip);
// The Contact URIs of a 3xx, highest q first, equal q in the order received
// (RFC 3261 §8.1.3.4; no q counts as 1.0).
std::vector<std::string> contactsByQ(const sip_t* sip);
// The first Diversion header (RFC 5806): its URI's user part and reason.
Diversion diversionOf(const sip_t* sip);
// Diversion and History-Info header values (RFC 5806 §4, RFC 7044 §10.1
// with RFC 4458's cause) for a call to `requestUri` diverted by `d` at `host`.
std::string diversionHeader(const Diversion& d, const std::string& host);
std::string historyInfoHeader(const Diversion& d, const std::string& host, const std::string& requestUri);
// The numeric source address of a received message, "" if unknown.
std::string sourceHost(msg_t* msg);
// The fields of an incoming INVITE; remoteHost comes from msg.
IncomingInvite incomingInvite(const sip_t* sip, msg_t* msg);

// '"Name" <sip:user@host>' for From; anonymous (RFC 3323 §4.1.1.3) when
// user is empty.
std::string fromHeader(const std::string& user, const std::string& display,
                       const std::string& host);
// '<sip:user@host...>' taking host, port and parameters from requestUri;
// '<requestUri>' when user is empty or the URI has no host.
std::string toHeader(const std::string& user, const std::string& requestUri);
// The user part escaped per RFC 3261 §25.1 (user = unreserved / escaped /
// user-unreserved).
std::string escapeUser(const std::string& user);
// The cause of the first `Reason: Q.850;cause=N` header (RFC 3326 §2), 0
// when there is none or it is not a value 1..127.
int q850Reason(const sip_t* sip);
// The realms of a 401/407's WWW-Authenticate and Proxy-Authenticate
// challenges (RFC 3261 §22.1), unquoted, in the order received.
std::vector<std::string> challengeRealms(const sip_t* sip);
// A realm as NUTAG_AUTH wants it: "Digest:\"realm\":user:password".
std::string digestCredential(const Credential& c);
// The lifetime a 2xx to REGISTER granted the Contact whose user is `user`
// (its expires parameter, else the Expires header), `requested` when the
// response names neither (RFC 3261 §10.2.4).
int grantedExpires(const sip_t* sip, const std::string& user, int requested);
// The Reason header value for a Q.850 cause: 'Q.850;cause=17;text="user busy"'.
std::string reasonValue(int cause, const std::string& text);

} // namespace gw::sip::sofia
