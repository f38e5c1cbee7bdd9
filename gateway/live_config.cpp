// restartNotes: compares two configurations field by field.
#include "gateway/live_config.hpp"

#include "conf/values.hpp"

namespace gw {
namespace {

std::string controllerName(const conf::Controller& c) {
    return "controller " + std::string(conf::controllerTypeName(c.type)) + " " + std::to_string(c.number);
}

// The fields of a controller that only take effect when its span is opened.
std::vector<std::string> changedAtStart(const conf::Controller& a, const conf::Controller& b) {
    std::vector<std::string> out;
    if (a.type != b.type) out.push_back("type");
    if (a.framing != b.framing) out.push_back("framing");
    if (a.linecode != b.linecode) out.push_back("linecode");
    if (a.clockSource != b.clockSource) out.push_back("clock source");
    if (a.timeslots != b.timeslots) out.push_back("pri-group");
    if (a.switchType != b.switchType) out.push_back("isdn switch-type");
    if (a.side != b.side) out.push_back("isdn protocol-emulate");
    if (a.source != b.source || a.sourcePath != b.sourcePath || a.dahdiSpan != b.dahdiSpan) out.push_back("source");
    return out;
}

void controllerNotes(const conf::Config& before, const conf::Config& after, const std::set<int>& open,
                     std::vector<std::string>& notes) {
    for (const auto& [n, ctl] : after.controllers) {
        auto old = before.controllers.find(n);
        bool running = open.count(n) != 0;
        if (old == before.controllers.end()) {
            if (!running) notes.push_back("% " + controllerName(ctl) + " takes effect after restart");
            continue;
        }
        for (const auto& field : changedAtStart(old->second, ctl))
            notes.push_back("% " + controllerName(ctl) + ": " + field + " takes effect after restart");
        if (old->second.shutdown && !ctl.shutdown && !running)
            notes.push_back("% " + controllerName(ctl) + ": no shutdown takes effect after restart");
    }
    for (const auto& [n, ctl] : before.controllers)
        if (!after.controllers.count(n) && open.count(n))
            notes.push_back("% " + controllerName(ctl) + " removed: new calls are refused; the span closes after restart");
}

} // namespace

std::vector<std::string> restartNotes(const conf::Config& before, const conf::Config& after,
                                      const std::set<int>& openSpans) {
    std::vector<std::string> notes;
    if (before.switchType != after.switchType)
        notes.push_back("% isdn switch-type takes effect after restart");
    controllerNotes(before, after, openSpans, notes);
    if (before.sipUa.bindAddr != after.sipUa.bindAddr || before.sipUa.bindPort != after.sipUa.bindPort)
        notes.push_back("% sip-ua bind takes effect after restart");
    return notes;
}

bool controllerBlocked(const conf::Config& config, int number) {
    auto it = config.controllers.find(number);
    return it == config.controllers.end() || it->second.shutdown;
}

} // namespace gw
