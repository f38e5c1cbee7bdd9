// Q.931 trace decoding: Q.921 §3 frame formats, Q.931 §4 message structure,
// Table 4-2 message types, §4.5.12 Cause and §4.5.13 Channel identification.
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

// Walks the information elements (Q.931 §4.5.1), codeset 0 only.
void decodeElements(const std::uint8_t* p, std::size_t n, Q931Message& out) {
    int codeset = 0;
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t id = p[i];
        if (id & 0x80) {   // single-octet IE
            if ((id & 0xF0) == 0x90) {   // shift: bit 4 set = non-locking (Q.931 §4.5.3/4)
                if ((id & 0x08) == 0) codeset = id & 0x07;
            }
            ++i;
            continue;
        }
        if (i + 1 >= n) return;
        const std::size_t len = p[i + 1];
        if (i + 2 + len > n) return;
        const std::uint8_t* body = p + i + 2;
        if (codeset == 0 && id == kIeCause && !out.cause) out.cause = decodeCause(body, len);
        if (codeset == 0 && id == kIeChannelId && !out.channel) decodeChannelId(body, len, out);
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

} // namespace gw::isdn
