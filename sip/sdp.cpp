// SDP parse/build and offer/answer; see sdp.hpp. Parsing walks the body line
// by line (RFC 4566 §5: "<type>=<value>"), session lines first, then one
// section per m=. Building writes CRLF lines in the RFC 4566 §5 order.
#include "sip/sdp.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

namespace gw::sip {
namespace {

constexpr std::string_view kCrlf = "\r\n";

struct StaticPt {
    int pt;
    const char* name;
    int rate;
};

// RFC 3551 §6 tables 4 and 5 (audio and video static payload types).
constexpr StaticPt kStaticPts[] = {
    {0, "PCMU", 8000},   {3, "GSM", 8000},    {4, "G723", 8000},  {5, "DVI4", 8000},
    {6, "DVI4", 16000},  {7, "LPC", 8000},    {8, "PCMA", 8000},  {9, "G722", 8000},
    {10, "L16", 44100},  {11, "L16", 44100},  {12, "QCELP", 8000}, {13, "CN", 8000},
    {14, "MPA", 90000},  {15, "G728", 8000},  {16, "DVI4", 11025}, {17, "DVI4", 22050},
    {18, "G729", 8000},  {25, "CelB", 90000}, {26, "JPEG", 90000}, {28, "nv", 90000},
    {31, "H261", 90000}, {32, "MPV", 90000},  {33, "MP2T", 90000}, {34, "H263", 90000},
};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::vector<std::string> splitWords(std::string_view s) {
    std::vector<std::string> out;
    std::istringstream in{std::string(s)};
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::optional<int> toInt(std::string_view s, int lo, int hi) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
    return v;
}

bool isDirection(std::string_view a) {
    return a == "sendrecv" || a == "sendonly" || a == "recvonly" || a == "inactive";
}

bool isTelephoneEvent(const SdpCodec& c) { return iequals(c.name, "telephone-event"); }

bool sameCodec(const SdpCodec& a, const SdpCodec& b) {
    return !a.name.empty() && iequals(a.name, b.name) && a.rate == b.rate;
}

std::string addrType(const std::string& addr) {
    return addr.find(':') != std::string::npos ? "IP6" : "IP4";
}

// "<name>/<rate>[/<channels>]" -> name and rate (RFC 4566 §6, a=rtpmap).
std::optional<std::pair<std::string, int>> splitRtpmap(std::string_view map) {
    auto slash = map.find('/');
    if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
    std::string_view rate = map.substr(slash + 1);
    rate = rate.substr(0, rate.find('/'));
    auto r = toInt(rate, 1, 1000000);
    if (!r) return std::nullopt;
    return std::pair{std::string(map.substr(0, slash)), *r};
}

// Per-m-line attributes collected while parsing, resolved at the end.
struct RawMedia {
    SdpMedia media;
    std::string direction;                         // "" = inherit session's
    std::vector<std::pair<int, std::string>> rtpmaps;
    std::vector<std::pair<int, std::string>> fmtps;
};

struct Parser {
    SdpSession session;
    std::string sessionDirection = "sendrecv";
    std::vector<RawMedia> media;
    std::string error;
    int lineNo = 0;

    bool fail(const std::string& what, std::string_view line) {
        error = "SDP line " + std::to_string(lineNo) + ": " + what + " '" + std::string(line) + "'";
        return false;
    }

    bool origin(std::string_view v, std::string_view line) {
        auto w = splitWords(v);
        if (w.size() != 6 || w[3] != "IN") return fail("malformed o= line", line);
        session.originUser = w[0];
        session.sessId = w[1];
        session.sessVersion = w[2];
        session.originAddr = w[5];
        return true;
    }

    // RFC 4566 §5.7: c=IN IP4 <addr>[/<ttl>[/<n>]] or c=IN IP6 <addr>[/<n>].
    bool connection(std::string_view v, std::string_view line) {
        auto w = splitWords(v);
        if (w.size() != 3 || w[0] != "IN" || (w[1] != "IP4" && w[1] != "IP6") || w[2].empty())
            return fail("malformed c= line", line);
        std::string addr = w[2].substr(0, w[2].find('/'));
        if (addr.empty()) return fail("malformed c= line", line);
        (media.empty() ? session.connAddr : media.back().media.addr) = addr;
        return true;
    }

    // RFC 4566 §5.14: m=<media> <port>[/<number>] <proto> <fmt> ...
    bool mline(std::string_view v, std::string_view line) {
        auto w = splitWords(v);
        if (w.size() < 4) return fail("malformed m= line", line);
        auto port = toInt(std::string_view(w[1]).substr(0, w[1].find('/')), 0, 65535);
        if (!port) return fail("bad port in m= line", line);
        RawMedia m;
        m.media.type = w[0];
        m.media.port = *port;
        m.media.proto = w[2];
        m.media.formats.assign(w.begin() + 3, w.end());
        media.push_back(std::move(m));
        return true;
    }

    // a=rtpmap:<pt> <name>/<rate>[/<channels>] and a=fmtp:<pt> <params>.
    bool ptAttribute(std::string_view v, bool isRtpmap, std::string_view line) {
        auto sp = v.find(' ');
        auto pt = toInt(v.substr(0, sp), 0, 127);
        if (!pt || sp == std::string_view::npos) return fail("malformed a=rtpmap/fmtp", line);
        auto start = v.find_first_not_of(' ', sp);
        std::string rest(start == std::string_view::npos ? "" : v.substr(start));
        if (isRtpmap && !splitRtpmap(rest)) return fail("malformed a=rtpmap", line);
        auto& list = isRtpmap ? media.back().rtpmaps : media.back().fmtps;
        list.emplace_back(*pt, rest);
        return true;
    }

    bool attribute(std::string_view v, std::string_view line) {
        if (isDirection(v)) {
            (media.empty() ? sessionDirection : media.back().direction) = std::string(v);
            return true;
        }
        if (media.empty()) return true;            // other session attributes: ignored
        if (v.starts_with("rtpmap:")) return ptAttribute(v.substr(7), true, line);
        if (v.starts_with("fmtp:")) return ptAttribute(v.substr(5), false, line);
        if (v.starts_with("ptime:")) {
            auto p = toInt(v.substr(6), 1, 1000);
            if (!p) return fail("malformed a=ptime", line);
            media.back().media.ptime = *p;
        }
        return true;
    }

    bool line(std::string_view l) {
        if (l.size() < 2 || l[1] != '=' || l[0] < 'a' || l[0] > 'z')
            return fail("not a <type>=<value> line", l);
        if (lineNo == 1 && l != "v=0") return fail("first line must be v=0", l);
        std::string_view v = l.substr(2);
        switch (l[0]) {
        case 'o': return origin(v, l);
        case 'c': return connection(v, l);
        case 'm': return mline(v, l);
        case 'a': return attribute(v, l);
        default: return true;                      // s=, t=, b=, i= ...: not needed
        }
    }
};

SdpCodec resolveCodec(int pt, const RawMedia& m) {
    SdpCodec c;
    c.pt = pt;
    for (const auto& [p, map] : m.rtpmaps) {
        if (p != pt) continue;
        auto nameRate = splitRtpmap(map);     // checked while parsing
        c.name = nameRate->first;
        c.rate = nameRate->second;
    }
    if (c.name.empty()) {
        for (const auto& s : kStaticPts)
            if (s.pt == pt) c.name = s.name, c.rate = s.rate;
    }
    for (const auto& [p, f] : m.fmtps)
        if (p == pt) c.fmtp = f;
    return c;
}

// Fills codecs, effective address and direction; checks c= presence.
bool finish(Parser& p) {
    for (std::size_t i = 0; i < p.media.size(); ++i) {
        RawMedia& r = p.media[i];
        SdpMedia& m = r.media;
        if (m.proto.find("RTP/") != std::string::npos) {
            for (const auto& f : m.formats)
                if (auto pt = toInt(f, 0, 127)) m.codecs.push_back(resolveCodec(*pt, r));
        }
        if (m.addr.empty()) m.addr = p.session.connAddr;
        m.direction = r.direction.empty() ? p.sessionDirection : r.direction;
        if (m.port != 0 && m.addr.empty()) {
            p.error = "SDP m-line " + std::to_string(i + 1) +
                      " has no connection address (RFC 4566 §5.7)";
            return false;
        }
        p.session.media.push_back(std::move(m));
    }
    return true;
}

void appendCodecAttributes(std::string& out, const SdpCodec& c) {
    out += "a=rtpmap:" + std::to_string(c.pt) + " " + c.name + "/" + std::to_string(c.rate);
    out += kCrlf;
    if (!c.fmtp.empty()) out += "a=fmtp:" + std::to_string(c.pt) + " " + c.fmtp + std::string(kCrlf);
}

// v=, o=, s=, c=, t= (RFC 4566 §5: the order is mandatory).
std::string sessionHeader(const LocalMedia& local) {
    std::string at = addrType(local.addr);
    std::string out = "v=0\r\n";
    out += "o=" + local.user + " " + local.sessId + " " + local.sessVersion + " IN " + at + " " +
           local.addr + std::string(kCrlf);
    out += "s=-\r\n";
    out += "c=IN " + at + " " + local.addr + std::string(kCrlf);
    out += "t=0 0\r\n";
    return out;
}

std::string audioSection(const LocalMedia& local, const std::string& proto,
                         const std::vector<SdpCodec>& codecs, const std::string& direction) {
    std::string out = "m=audio " + std::to_string(local.port) + " " + proto;
    for (const auto& c : codecs) out += " " + std::to_string(c.pt);
    out += kCrlf;
    for (const auto& c : codecs) appendCodecAttributes(out, c);
    if (local.ptime > 0) out += "a=ptime:" + std::to_string(local.ptime) + std::string(kCrlf);
    out += "a=" + direction + std::string(kCrlf);
    return out;
}

// RFC 3264 §6: a rejected stream keeps its m-line with port 0 and at least
// one of the offered formats.
std::string rejectedSection(const SdpMedia& m) {
    std::string out = "m=" + m.type + " 0 " + m.proto;
    if (m.formats.empty()) out += " 0";
    for (const auto& f : m.formats) out += " " + f;
    out += kCrlf;
    return out;
}

bool acceptableProto(const std::string& proto) {
    return iequals(proto, "RTP/AVP") || iequals(proto, "RTP/AVPF");
}

// RFC 3264 §8.4: c=0.0.0.0 is the old (RFC 2543) way to say "do not send".
std::string effectiveDirection(const std::string& ours, const std::string& remoteAddr) {
    if (remoteAddr != "0.0.0.0") return ours;
    if (ours == "sendrecv") return "recvonly";
    if (ours == "sendonly") return "inactive";
    return ours;
}

// The voice codec for an offered m-line: our order wins (RFC 3264 §6.1).
std::optional<SdpCodec> pickCodec(const SdpMedia& offered, const std::vector<SdpCodec>& ours) {
    for (const auto& want : ours) {
        if (isTelephoneEvent(want)) continue;
        for (const auto& c : offered.codecs)
            if (sameCodec(c, want)) return c;
    }
    return std::nullopt;
}

std::optional<SdpCodec> pickTelephoneEvent(const SdpMedia& m, const std::vector<SdpCodec>& ours) {
    for (const auto& want : ours) {
        if (!isTelephoneEvent(want)) continue;
        for (const auto& c : m.codecs)
            if (sameCodec(c, want)) return c;
    }
    return std::nullopt;
}

} // namespace

std::optional<SdpSession> parseSdp(const std::string& text, std::string& error) {
    Parser p;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::string_view l(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
        pos = nl == std::string::npos ? text.size() : nl + 1;
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        if (l.empty()) continue;                     // tolerate blank lines
        ++p.lineNo;
        if (!p.line(l)) {
            error = p.error;
            return std::nullopt;
        }
    }
    if (p.lineNo == 0) {
        error = "SDP body is empty";
        return std::nullopt;
    }
    if (!finish(p)) {
        error = p.error;
        return std::nullopt;
    }
    return std::move(p.session);
}

std::vector<SdpCodec> defaultCodecs(bool aLawFirst) {
    SdpCodec pcmu{kPtPcmu, "PCMU", 8000, ""};
    SdpCodec pcma{kPtPcma, "PCMA", 8000, ""};
    SdpCodec te{kPtTelephoneEvent, "telephone-event", 8000, "0-15"};   // RFC 4733 §2.4.1
    if (aLawFirst) return {pcma, pcmu, te};
    return {pcmu, pcma, te};
}

std::string mirrorDirection(const std::string& direction) {
    if (direction == "sendonly") return "recvonly";
    if (direction == "recvonly") return "sendonly";
    return direction;
}

std::string buildOffer(const LocalMedia& local, const std::vector<SdpCodec>& codecs) {
    return sessionHeader(local) + audioSection(local, "RTP/AVP", codecs, local.direction);
}

AnswerResult answerOffer(const SdpSession& offer, const std::vector<SdpCodec>& ours,
                         const LocalMedia& local) {
    AnswerResult r;
    std::string body = sessionHeader(local);
    bool sawAudio = false;
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
        const SdpMedia& m = offer.media[i];
        bool candidate = !r.ok && m.type == "audio" && m.port != 0 && acceptableProto(m.proto);
        sawAudio = sawAudio || candidate;
        std::optional<SdpCodec> codec = candidate ? pickCodec(m, ours) : std::nullopt;
        if (!codec) {
            body += rejectedSection(m);
            continue;
        }
        std::vector<SdpCodec> answered{*codec};
        auto te = pickTelephoneEvent(m, ours);
        if (te) {
            if (te->fmtp.empty()) te->fmtp = "0-15";
            answered.push_back(*te);
        }
        // The answer says what we will do: to an old-style hold (c=0.0.0.0)
        // that is recvonly, not the sendrecv a mirror would give.
        std::string direction = effectiveDirection(mirrorDirection(m.direction), m.addr);
        body += audioSection(local, m.proto, answered, direction);
        r.ok = true;
        r.media = {*codec, te ? te->pt : -1, m.addr, m.port, direction, m.ptime > 0 ? m.ptime : kDefaultPtime,
                   static_cast<int>(i)};
    }
    if (!r.ok) {
        r.error = sawAudio ? "no common codec in the offer (RFC 3264 §6)"
                           : "the offer has no usable RTP/AVP audio stream";
        return r;
    }
    r.sdp = std::move(body);
    return r;
}

ProcessResult processAnswer(const SdpSession& ourOffer, const SdpSession& answer) {
    ProcessResult r;
    if (answer.media.size() != ourOffer.media.size()) {
        r.error = "the answer has " + std::to_string(answer.media.size()) +
                  " m-lines, the offer had " + std::to_string(ourOffer.media.size()) +
                  " (RFC 3264 §6)";
        return r;
    }
    for (std::size_t i = 0; i < answer.media.size(); ++i) {
        const SdpMedia& offered = ourOffer.media[i];
        const SdpMedia& m = answer.media[i];
        if (offered.type != "audio" || offered.port == 0 || m.port == 0) continue;
        // The answer's first codec that we offered wins, not our order (RFC 3264 §7).
        std::optional<SdpCodec> codec;
        for (const auto& c : m.codecs) {
            bool offeredIt = std::any_of(offered.codecs.begin(), offered.codecs.end(),
                                         [&](const SdpCodec& o) { return sameCodec(o, c); });
            if (offeredIt && !isTelephoneEvent(c)) {
                codec = c;
                break;
            }
        }
        if (!codec) {
            r.error = "the answer has no codec we offered";
            return r;
        }
        auto te = pickTelephoneEvent(m, offered.codecs);
        std::string direction = mirrorDirection(m.direction);
        r.ok = true;
        r.media = {*codec, te ? te->pt : -1, m.addr, m.port,
                   effectiveDirection(direction, m.addr), m.ptime > 0 ? m.ptime : kDefaultPtime,
                   static_cast<int>(i)};
        return r;
    }
    r.error = "the answer rejected the audio stream";
    return r;
}

namespace {

std::string withoutOrigin(const std::string& sdp) {
    std::string out;
    std::size_t pos = 0;
    while (pos < sdp.size()) {
        std::size_t nl = sdp.find('\n', pos);
        std::size_t end = nl == std::string::npos ? sdp.size() : nl + 1;
        if (sdp.compare(pos, 2, "o=") != 0) out.append(sdp, pos, end - pos);
        pos = end;
    }
    return out;
}

} // namespace

bool sameSdpIgnoringOrigin(const std::string& a, const std::string& b) {
    return withoutOrigin(a) == withoutOrigin(b);
}

} // namespace gw::sip
