// Q.931 trace decoding: Q.921 §3 frame formats, Q.931 §4 message structure,
// Table 4-2 message types, Table 4-3 information elements, and the contents
// of §4.5.5 Bearer capability, §4.5.8/10 party numbers, §4.5.12 Cause,
// §4.5.13 Channel identification, §4.5.23 Progress indicator, §4.5.25
// Restart indicator and the Display IE.
#include "isdn/q931_decode.hpp"

#include <cstdio>

namespace gw::isdn {

namespace {

constexpr std::size_t kQ921Header = 4;     // 2 address + 2 control octets (I frame)
constexpr std::size_t kQ921UiHeader = 3;   // 2 address + 1 control octet (UI frame)
constexpr std::uint8_t kIeCause = 0x08;
constexpr std::uint8_t kIeChannelId = 0x18;

// Q.931 §4.5.12: octet 3 (coding/location), optional 3a (recommendation)
// when octet 3 has its extension bit clear, then octet 4 = cause value.
std::optional<int> decodeCause(const std::uint8_t* ie, std::size_t len) {
    std::size_t i = 0;
    if (len == 0) return std::nullopt;
    if ((ie[i++] & 0x80) == 0) ++i;
    if (i >= len) return std::nullopt;
    return ie[i] & 0x7F;
}

// Q.931 §4.5.13: octet 3 says whether an interface id follows, the interface
// type (bit 6: primary rate), exclusivity (bit 4) and the channel selection.
void decodeChannelId(const std::uint8_t* ie, std::size_t len, Q931Message& out) {
    if (len == 0) return;
    const std::uint8_t octet3 = ie[0];
    const bool interfacePresent = octet3 & 0x40;
    const bool primaryRate = octet3 & 0x20;
    const int selection = octet3 & 0x03;
    out.channelExclusive = octet3 & 0x08;
    if (!primaryRate) {   // basic rate: selection 1 or 2 is the B-channel
        if (selection == 1 || selection == 2) out.channel = selection;
        return;
    }
    if (selection != 1) return;   // no channel, or "any channel"
    std::size_t i = 1;
    if (interfacePresent) {
        while (i < len && (ie[i] & 0x80) == 0) ++i;   // octet 3.1, extended
        ++i;
    }
    // Octet 3.2: channel type; bit 5 set means a slot map follows, not a number.
    if (i >= len || (ie[i] & 0x10) != 0) return;
    ++i;
    if (i < len) out.channel = ie[i] & 0x7F;   // octet 3.3
}

const char* ieName(int id) {
    switch (id) {
    case 0x00: return "Segmented message";
    case 0x04: return "Bearer capability";
    case 0x08: return "Cause";
    case 0x10: return "Call identity";
    case 0x14: return "Call state";
    case 0x18: return "Channel identification";
    case 0x1C: return "Facility";
    case 0x1E: return "Progress indicator";
    case 0x20: return "Network-specific facilities";
    case 0x27: return "Notification indicator";
    case 0x28: return "Display";
    case 0x29: return "Date/time";
    case 0x2C: return "Keypad facility";
    case 0x34: return "Signal";
    case 0x40: return "Information rate";
    case 0x4C: return "Connected number";
    case 0x4D: return "Connected subaddress";
    case 0x6C: return "Calling party number";
    case 0x6D: return "Calling party subaddress";
    case 0x70: return "Called party number";
    case 0x71: return "Called party subaddress";
    case 0x74: return "Redirecting number";
    case 0x76: return "Redirection number";
    case 0x78: return "Transit network selection";
    case 0x79: return "Restart indicator";
    case 0x7C: return "Low layer compatibility";
    case 0x7D: return "High layer compatibility";
    case 0x7E: return "User-user";
    case 0x7F: return "Escape for extension";
    case 0xA0: return "More data";
    case 0xA1: return "Sending complete";
    default: break;
    }
    if ((id & 0xF0) == 0x90) return "Shift";
    if ((id & 0xF0) == 0xB0) return "Congestion level";
    if ((id & 0xF0) == 0xD0) return "Repeat indicator";
    return nullptr;
}

std::string printable(const std::uint8_t* p, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += p[i] >= 0x20 && p[i] < 0x7F ? static_cast<char>(p[i]) : '.';
    return out;
}

const char* tonName(int ton) {
    static const char* const names[] = {"unknown", "international", "national", "network-specific",
                                        "subscriber", "type 5", "abbreviated", "type 7"};
    return names[ton & 0x07];
}

const char* planName(int plan) {
    switch (plan & 0x0F) {
    case 0: return "unknown plan";
    case 1: return "E.164";
    case 3: return "X.121";
    case 4: return "F.69";
    case 8: return "national plan";
    case 9: return "private plan";
    default: return "reserved plan";
    }
}

// Q.931 §4.5.8/§4.5.10: octet 3 type of number and plan, for calling-type
// numbers octet 3a presentation and screening, then the IA5 digits.
std::string decodeNumber(const std::uint8_t* p, std::size_t n, bool withPresentation) {
    if (n == 0) return "";
    std::string out;
    std::size_t i = 0;
    const std::uint8_t octet3 = p[i++];
    std::string extra;
    if (withPresentation && (octet3 & 0x80) == 0 && i < n) {
        static const char* const pres[] = {"allowed", "restricted", "not available", "reserved"};
        static const char* const screen[] = {"user-provided, not screened", "user-provided, verified and passed",
                                             "user-provided, verified and failed", "network-provided"};
        const std::uint8_t octet3a = p[i++];
        extra = std::string(", presentation ") + pres[(octet3a >> 5) & 0x03] + ", " + screen[octet3a & 0x03];
    }
    out = "'" + printable(p + i, n - i) + "' (" + tonName(octet3 >> 4) + ", " + planName(octet3) + extra + ")";
    return out;
}

std::string decodeBearer(const std::uint8_t* p, std::size_t n) {
    if (n < 2) return "";
    std::string out;
    switch (p[0] & 0x1F) {
    case 0x00: out = "speech"; break;
    case 0x08: out = "unrestricted digital"; break;
    case 0x09: out = "restricted digital"; break;
    case 0x10: out = "3.1 kHz audio"; break;
    case 0x11: out = "7 kHz audio"; break;
    case 0x18: out = "video"; break;
    default: out = "transfer capability " + std::to_string(p[0] & 0x1F); break;
    }
    if ((p[1] & 0x1F) == 0x10) out += ", 64 kbit/s";
    if (n >= 3 && (p[2] & 0x60) == 0x20) {   // octet 5: layer 1 protocol
        switch (p[2] & 0x1F) {
        case 0x02: out += ", mu-law"; break;
        case 0x03: out += ", A-law"; break;
        case 0x01: out += ", V.110"; break;
        default: break;
        }
    }
    return out;
}

std::string decodeProgress(const std::uint8_t* p, std::size_t n) {
    if (n < 2) return "";
    const int description = p[1] & 0x7F;
    const char* text = description == 1   ? "call is not end-to-end ISDN"
                       : description == 2 ? "destination address is non-ISDN"
                       : description == 3 ? "origination address is non-ISDN"
                       : description == 4 ? "call has returned to the ISDN"
                       : description == 8 ? "in-band information available"
                                          : "other";
    return "description " + std::to_string(description) + " (" + text + ")";
}

std::string decodeChannelText(const Q931Message& m, const std::uint8_t* p, std::size_t n) {
    if (n == 0) return "";
    Q931Message one;
    decodeChannelId(p, n, one);
    const std::string mode = (p[0] & 0x08) ? " exclusive" : " preferred";
    if (one.channel) return "B" + std::to_string(*one.channel) + mode;
    (void)m;
    return (p[0] & 0x03) == 3 ? "any channel" : (p[0] & 0x04) ? "D-channel" : "no channel";
}

std::string decodeValue(int id, const std::uint8_t* p, std::size_t n) {
    switch (id) {
    case 0x04: return decodeBearer(p, n);
    case 0x08: {
        auto cause = decodeCause(p, n);
        return cause ? "cause " + std::to_string(*cause) + ", location " + std::to_string(n ? p[0] & 0x0F : 0) : "";
    }
    case 0x14: return n ? "state " + std::to_string(p[0] & 0x3F) : "";
    case 0x1E: return decodeProgress(p, n);
    case 0x28:
    case 0x2C: return "'" + printable(p, n) + "'";
    case 0x4C:
    case 0x6C:
    case 0x74:
    case 0x76: return decodeNumber(p, n, true);
    case 0x70: return decodeNumber(p, n, false);
    case 0x79: {
        if (n == 0) return "";
        const int cls = p[0] & 0x07;
        return cls == 0 ? "indicated channels" : cls == 6 ? "single interface" : cls == 7 ? "all interfaces" : "class " + std::to_string(cls);
    }
    default: return "";
    }
}

// Walks the information elements (Q.931 §4.5.1): every one is listed, and
// Cause and Channel identification of codeset 0 are also kept as fields.
void decodeElements(const std::uint8_t* p, std::size_t n, Q931Message& out) {
    int locked = 0;
    std::size_t i = 0;
    bool once = false;   // a non-locking shift applies to the next IE only
    int onceCodeset = 0;
    while (i < n) {
        const int codeset = once ? onceCodeset : locked;
        once = false;
        const std::uint8_t id = p[i];
        if (id & 0x80) {   // single-octet IE
            Q931Ie ie;
            ie.codeset = codeset;
            ie.id = id;
            const char* name = ieName((id & 0xF0) == 0xA0 ? id : id & 0xF0);
            ie.name = name ? name : "IE 0x" + hexOf({id});
            if ((id & 0xF0) == 0x90) {   // shift: bit 4 set = non-locking (Q.931 §4.5.3/4)
                ie.value = std::string((id & 0x08) ? "non-locking" : "locking") + " to codeset " + std::to_string(id & 0x07);
                if (id & 0x08) {
                    once = true;
                    onceCodeset = id & 0x07;
                } else {
                    locked = id & 0x07;
                }
            }
            out.ies.push_back(std::move(ie));
            ++i;
            continue;
        }
        if (i + 1 >= n) return;
        const std::size_t len = p[i + 1];
        if (i + 2 + len > n) return;
        const std::uint8_t* body = p + i + 2;
        Q931Ie ie;
        ie.codeset = codeset;
        ie.id = id;
        const char* name = codeset == 0 ? ieName(id) : nullptr;
        ie.name = name ? name : "codeset " + std::to_string(codeset) + " IE 0x" + hexOf({id});
        ie.body.assign(body, body + len);
        if (codeset == 0) {
            ie.value = id == kIeChannelId ? decodeChannelText(out, body, len) : decodeValue(id, body, len);
            if (id == kIeCause && !out.cause) out.cause = decodeCause(body, len);
            if (id == kIeChannelId && !out.channel) decodeChannelId(body, len, out);
        }
        out.ies.push_back(std::move(ie));
        i += 2 + len;
    }
}

} // namespace

const char* q931MessageName(int type) {
    switch (type) {
    case 0x01: return "ALERTING";
    case 0x02: return "CALL PROCEEDING";
    case 0x03: return "PROGRESS";
    case 0x05: return "SETUP";
    case 0x07: return "CONNECT";
    case 0x0D: return "SETUP ACKNOWLEDGE";
    case 0x0F: return "CONNECT ACKNOWLEDGE";
    case 0x20: return "USER INFORMATION";
    case 0x21: return "SUSPEND REJECT";
    case 0x22: return "RESUME REJECT";
    case 0x24: return "HOLD";
    case 0x25: return "SUSPEND";
    case 0x26: return "RESUME";
    case 0x28: return "HOLD ACKNOWLEDGE";
    case 0x2D: return "SUSPEND ACKNOWLEDGE";
    case 0x2E: return "RESUME ACKNOWLEDGE";
    case 0x30: return "HOLD REJECT";
    case 0x31: return "RETRIEVE";
    case 0x33: return "RETRIEVE ACKNOWLEDGE";
    case 0x37: return "RETRIEVE REJECT";
    case 0x45: return "DISCONNECT";
    case 0x46: return "RESTART";
    case 0x4D: return "RELEASE";
    case 0x4E: return "RESTART ACKNOWLEDGE";
    case 0x5A: return "RELEASE COMPLETE";
    case 0x60: return "SEGMENT";
    case 0x62: return "FACILITY";
    case 0x64: return "REGISTER";
    case 0x6E: return "NOTIFY";
    case 0x75: return "STATUS ENQUIRY";
    case 0x79: return "CONGESTION CONTROL";
    case 0x7B: return "INFORMATION";
    case 0x7D: return "STATUS";
    default: return nullptr;
    }
}

std::string q921FrameKind(const std::uint8_t* frame, std::size_t n) {
    if (n < 3) return "?";
    const std::uint8_t control = frame[2];
    if ((control & 0x01) == 0) return "I";
    if ((control & 0x03) == 0x01) {   // supervisory (Q.921 §3.6.2)
        switch (control & 0x0C) {
        case 0x00: return "RR";
        case 0x04: return "RNR";
        case 0x08: return "REJ";
        default: return "?";
        }
    }
    switch (control & 0xEF) {   // unnumbered, P/F bit masked
    case 0x03: return "UI";
    case 0x6F: return "SABME";
    case 0x63: return "UA";
    case 0x43: return "DISC";
    case 0x0F: return "DM";
    case 0x87: return "FRMR";
    case 0xAF: return "XID";
    default: return "?";
    }
}

std::optional<Q931Message> decodeQ931Frame(const std::uint8_t* frame, std::size_t n) {
    if (n < kQ921UiHeader) return std::nullopt;
    const int sapi = frame[0] >> 2;
    if ((frame[0] & 0x01) != 0 || (frame[1] & 0x01) == 0 || sapi != 0) return std::nullopt;
    std::size_t header;
    if ((frame[2] & 0x01) == 0) {
        header = kQ921Header;
    } else if ((frame[2] & 0xEF) == 0x03) {
        header = kQ921UiHeader;
    } else {
        return std::nullopt;
    }
    if (n <= header) return std::nullopt;
    auto msg = decodeQ931(frame + header, n - header);
    if (msg) {
        msg->sapi = sapi;
        msg->tei = frame[1] >> 1;
    }
    return msg;
}

std::optional<Q931Message> decodeQ931(const std::uint8_t* p, std::size_t n) {
    if (n < 3 || p[0] != kQ931Discriminator) return std::nullopt;
    Q931Message msg;
    msg.callRefLength = p[1] & 0x0F;
    std::size_t i = 2;
    if (i + static_cast<std::size_t>(msg.callRefLength) >= n) return std::nullopt;
    for (int k = 0; k < msg.callRefLength; ++k) {
        std::uint8_t octet = p[i++];
        if (k == 0) {
            msg.callRefFlag = octet & 0x80;
            octet &= 0x7F;
        }
        msg.callRef = (msg.callRef << 8) | octet;
    }
    msg.type = p[i++];
    if (msg.type & 0x80) return std::nullopt;   // bit 8 is reserved (Q.931 §4.4)
    if (const char* name = q931MessageName(msg.type)) {
        msg.name = name;
    } else {
        char buf[24];
        std::snprintf(buf, sizeof buf, "UNKNOWN 0x%02X", msg.type);
        msg.name = buf;
    }
    decodeElements(p + i, n - i, msg);
    return msg;
}

std::string hexOf(const std::vector<std::uint8_t>& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : bytes) {
        if (!out.empty()) out += ' ';
        out += digits[b >> 4];
        out += digits[b & 0x0F];
    }
    return out;
}

std::string describeQ931(const Q931Message& msg) {
    char head[64];
    std::snprintf(head, sizeof head, " cr=0x%04x/%s", msg.callRef, msg.callRefFlag ? "dest" : "orig");
    std::string out = msg.name + (msg.callRefLength ? head : " cr=dummy");
    for (std::size_t i = 0; i < msg.ies.size(); ++i) {
        const Q931Ie& ie = msg.ies[i];
        out += i == 0 ? ": " : "; ";
        out += ie.name;
        if (!ie.value.empty()) out += " " + ie.value;
        else if (!ie.body.empty()) out += " [" + hexOf(ie.body) + "]";
    }
    return out;
}

} // namespace gw::isdn
