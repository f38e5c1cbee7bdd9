// SDP (RFC 4566) parsing and building, and the offer/answer model (RFC 3264)
// for one G.711 audio stream plus telephone-event (RFC 4733). Pure: strings
// in, values out; no I/O, no C library. The SIP stack runs with its own
// negotiator off, so every SDP the gateway sends or accepts goes through here.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gw::sip {

constexpr int kPtPcmu = 0;                 // RFC 3551 §6 static payload types
constexpr int kPtPcma = 8;
constexpr int kPtTelephoneEvent = 101;     // our dynamic PT for RFC 4733 events
constexpr int kDefaultPtime = 20;          // ms, RFC 3551 §4.5 default for G.711

// One payload format of an m-line: "a=rtpmap:<pt> <name>/<rate>" plus its
// "a=fmtp:<pt> <fmtp>". Static PTs without rtpmap get their RFC 3551 name.
// A dynamic PT without rtpmap has an empty name (and matches nothing).
struct SdpCodec {
    int pt = -1;
    std::string name;      // "PCMU", "PCMA", "telephone-event" (case as received)
    int rate = 8000;
    std::string fmtp;      // "0-15", "" if none
};

// One m-line with its effective connection address (media-level c=, else the
// session-level one). direction is the effective one (media attribute, else
// session attribute, else "sendrecv"). ptime is 0 when absent.
struct SdpMedia {
    std::string type;      // "audio", "video", ...
    int port = 0;          // 0 = rejected / disabled stream (RFC 3264 §6)
    std::string proto;     // "RTP/AVP", ...
    std::vector<std::string> formats;   // the <fmt> list as written
    std::vector<SdpCodec> codecs;       // RTP formats, in the m-line's order
    std::string addr;      // "192.0.2.1", "2001:db8::1"; "" if none
    std::string direction = "sendrecv"; // sendrecv | sendonly | recvonly | inactive
    int ptime = 0;
};

struct SdpSession {
    std::string originUser;    // o=<username> <sess-id> <sess-version> IN <type> <addr>
    std::string sessId;
    std::string sessVersion;
    std::string originAddr;
    std::string connAddr;      // session-level c=, "" if none
    std::vector<SdpMedia> media;
};

// Parses an SDP body. Accepts CRLF or LF line ends, IPv4 and IPv6 (c=IN IP6),
// static and dynamic payload types. Fails (nullopt, error set to a sentence
// naming the line) when v= is not first, a line is not "<letter>=<value>", an
// o=, c= or m= line is malformed, or an active m-line has no c= at any level
// (RFC 4566 §5.7).
std::optional<SdpSession> parseSdp(const std::string& text, std::string& error);

// The codecs the gateway offers, in preference order: the span's law first
// (aLawFirst for E1), the other law, then telephone-event/8000 0-15 at PT 101.
std::vector<SdpCodec> defaultCodecs(bool aLawFirst);

// What we put in our SDP: our RTP address/port and session identity.
// sessVersion must grow by one each time the session changes (RFC 3264 §8).
struct LocalMedia {
    std::string addr;              // "192.0.2.5" or "2001:db8::5"
    int port = 0;                  // our RTP port
    std::string sessId = "0";
    std::string sessVersion = "0";
    std::string user = "gatewayd"; // o= username
    int ptime = kDefaultPtime;
    std::string direction = "sendrecv";
};

// An initial offer: one audio m-line listing `codecs` in order (RFC 3264 §5).
std::string buildOffer(const LocalMedia& local, const std::vector<SdpCodec>& codecs);

// The outcome of a negotiation, from our point of view.
struct Negotiated {
    SdpCodec codec;                // the voice codec, with the peer's PT
    int tePt = -1;                 // telephone-event PT, -1 if not agreed
    std::string remoteAddr;        // where to send RTP
    int remotePort = 0;
    std::string direction;         // ours: "sendonly" means we send only
    int ptime = kDefaultPtime;     // what the peer asked to receive
    int mediaIndex = 0;            // which m-line carries the audio
};

struct AnswerResult {
    bool ok = false;
    std::string error;             // why not (the gateway answers 488)
    Negotiated media;
    std::string sdp;               // the answer, when ok
};

// Answers an offer (RFC 3264 §6): the first audio RTP/AVP m-line with a
// codec from `ours` (our preference order wins; PTs are the offer's) is
// accepted with that one codec plus telephone-event if offered; the
// direction is mirrored (sendonly -> recvonly ...). Every other m-line is
// answered with port 0, so the answer has as many m-lines as the offer.
AnswerResult answerOffer(const SdpSession& offer, const std::vector<SdpCodec>& ours,
                         const LocalMedia& local);

struct ProcessResult {
    bool ok = false;
    std::string error;
    Negotiated media;
};

// Applies the answer to the offer we sent (RFC 3264 §7): checks the m-line
// count, takes the first accepted audio m-line and the first of its codecs
// that we offered, plus telephone-event if both sides listed it.
ProcessResult processAnswer(const SdpSession& ourOffer, const SdpSession& answer);

// Text equal up to the o= line (a session refresh keeps the SDP, RFC 3264 §8).
bool sameSdpIgnoringOrigin(const std::string& a, const std::string& b);

// "sendonly" -> "recvonly" and back; others unchanged (RFC 3264 §6.1).
std::string mirrorDirection(const std::string& direction);

} // namespace gw::sip
