// CallReport as one line of JSON (fields in a fixed order, null for
// unknowns) and the expectation check behind pbxsim's exit status.
#include "isdn/pbxsim/pbxsim_report.hpp"

#include <cmath>
#include <cstdio>

namespace gw::isdn {

namespace {

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string fixed(double v, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// "t": seconds since the call started; "epoch_us": the same instant on the
// wall clock, so a message can be lined up with another process's trace.
std::string messagesJson(const std::vector<TracedMessage>& messages, std::optional<long long> startEpochUs) {
    std::string out = "[";
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const TracedMessage& m = messages[i];
        if (i != 0) out += ",";
        out += "{\"t\":" + fixed(m.t, 3);
        if (startEpochUs) out += ",\"epoch_us\":" + std::to_string(*startEpochUs + std::llround(m.t * 1e6));
        out += ",\"dir\":\"" + std::string(m.tx ? "tx" : "rx") + "\",\"msg\":" + quoted(m.name);
        if (!m.ies.empty()) {
            out += ",\"ies\":[";
            for (std::size_t k = 0; k < m.ies.size(); ++k) {
                const Q931Ie& ie = m.ies[k];
                if (k != 0) out += ",";
                out += "{\"ie\":" + quoted(ie.name) + ",\"codeset\":" + std::to_string(ie.codeset) +
                       ",\"id\":" + std::to_string(ie.id) + ",\"hex\":" + quoted(hexOf(ie.body));
                if (!ie.value.empty()) out += ",\"value\":" + quoted(ie.value);
                out += "}";
            }
            out += "]";
        }
        out += "}";
    }
    return out + "]";
}

} // namespace

std::string toJson(const CallReport& r) {
    std::string out = "{\"call\":" + std::to_string(r.index);
    out += ",\"direction\":\"" + std::string(r.outgoing ? "out" : "in") + "\"";
    out += ",\"called\":" + quoted(r.called);
    out += ",\"calling\":" + quoted(r.calling);
    if (!r.outgoing) {
        out += ",\"calling_name\":" + quoted(r.callingName);
        out += ",\"calling_type\":" + quoted(r.callingType);
        out += ",\"calling_presentation\":" + quoted(r.callingPresentation);
        out += ",\"redirecting\":" + (r.redirecting.empty() ? std::string("null") : quoted(r.redirecting));
        out += ",\"redirecting_reason\":" + std::to_string(r.redirectingReason);
    }
    out += ",\"channel\":" + (r.channel > 0 ? std::to_string(r.channel) : "null");
    out += ",\"result\":" + quoted(r.result);
    out += ",\"cause\":" + (r.cause ? std::to_string(*r.cause) : "null");
    out += ",\"cause_from\":" + (r.causeFrom.empty() ? std::string("null") : quoted(r.causeFrom));
    out += ",\"messages\":" + messagesJson(r.messages, r.startEpochUs);
    if (r.heard) {
        out += ",\"heard\":{\"freq_hz\":" + fixed(r.heard->freqHz, 1) + ",\"level_dbm0\":" +
               fixed(r.heard->levelDbm0, 1) + ",\"frames\":" + std::to_string(r.heard->frames) + "}";
    } else {
        out += ",\"heard\":null";
    }
    out += ",\"setup_to_connect_ms\":" + (r.setupToConnectMs ? fixed(*r.setupToConnectMs, 1) : "null");
    if (!r.error.empty()) out += ",\"error\":" + quoted(r.error);
    return out + "}";
}

bool meetsExpectation(const PbxsimOptions& o, const CallReport& r) {
    if (o.mode == PbxsimOptions::Mode::Answer) {
        if (!o.reject) return r.result == "answer";
        return (r.result == "busy" || r.result == "rejected") && r.cause == o.reject;
    }
    switch (o.expect.kind) {
    case PbxsimExpect::Kind::Answer: return r.result == "answer";
    case PbxsimExpect::Kind::Busy: return r.result == "busy";
    case PbxsimExpect::Kind::Cause: return r.cause == o.expect.cause;
    }
    return false;
}

} // namespace gw::isdn
