// CliSession: exec/config mode switching, parsing errors shown the IOS way
// (caret under the bad word), `do` in configuration mode, `?` and TAB, and
// the session-level exec commands (configure, exit, end).
#include "gateway/cli/cli_session.hpp"

#include "conf/values.hpp"
#include "gateway/cli/cli_exec.hpp"

#include <algorithm>

namespace gw {
namespace {

// A parse failure as IOS prints it, the caret under the bad word of a line
// typed after a prompt `promptWidth` characters wide.
void parseError(const conf::ParseResult& p, const std::string& line, std::size_t promptWidth, CliReply& r) {
    using S = conf::ParseResult::Status;
    if (p.status == S::Incomplete) return r.fail("% Incomplete command.");
    if (p.status == S::Ambiguous) return r.fail("% Ambiguous command:  \"" + line + "\"");
    r.fail(std::string(promptWidth + static_cast<std::size_t>(std::max(p.column, 0)), ' ') + "^");
    r.fail("% Invalid input detected at '^' marker.");
    if (!p.detail.empty()) r.fail("% " + p.detail);
}

void configError(const conf::Result& res, std::size_t promptWidth, CliReply& r) {
    if (res.status == conf::Result::Status::Incomplete || res.status == conf::Result::Status::Ambiguous)
        return r.fail(res.message);
    if (res.column >= 0) r.fail(res.caretLine(promptWidth));
    r.fail(res.message);
    if (res.status == conf::Result::Status::Invalid && !res.detail.empty()) r.fail("% " + res.detail);
}

// "do show run" -> "   show run" (columns kept for the caret); "" when not `do`.
std::string afterDo(const std::string& line) {
    auto words = conf::splitWords(line);
    if (words.empty() || !conf::equalsNoCase(words[0].text, "do")) return "";
    std::size_t end = static_cast<std::size_t>(words[0].column) + 2;
    if (words.size() == 1 && end >= line.size()) return "";   // "do" still being typed
    std::string rest = line;
    std::fill(rest.begin(), rest.begin() + static_cast<long>(end), ' ');
    return rest;
}

void formatHelp(const std::vector<conf::HelpItem>& items, CliReply& r) {
    std::size_t width = 0;
    for (const auto& h : items) width = std::max(width, h.word.size());
    for (const auto& h : items) {
        std::string s = "  " + h.word;
        if (!h.help.empty()) s += std::string(width - h.word.size() + 2, ' ') + h.help;
        r.add(s);
    }
}

} // namespace

void CliReply::addText(const std::string& text) {
    std::size_t start = 0;
    while (start < text.size()) {
        auto nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
}

CliSession::CliSession(CliRuntime& runtime, int id) : runtime_(runtime), id_(id), config_(runtime.running()) {}

std::string CliSession::prompt() const {
    return configMode_ ? config_.prompt() : runtime_.running().hostname + "#";
}

void CliSession::setTrace(DebugCat cat, bool on) {
    if (on) traces_ |= static_cast<unsigned>(cat);
    else traces_ &= ~static_cast<unsigned>(cat);
}

void CliSession::enterConfig() {
    if (configMode_) return;
    config_.reset();
    configMode_ = true;
    changed_ = false;
}

CliReply CliSession::execute(const std::string& line) {
    promptWidth_ = prompt().size();
    return configMode_ ? runConfig(line) : runExec(line);
}

CliReply CliSession::runExec(const std::string& line) {
    CliReply r;
    conf::ParseResult p = execTree().parse(conf::Mode::Global, line);
    if (p.status == conf::ParseResult::Status::Empty) return r;
    if (p.status != conf::ParseResult::Status::Ok) {
        parseError(p, line, promptWidth_, r);
        return r;
    }
    const ExecEntry& e = execEntry(p.spec->id);
    ExecCall call{*this, runtime_, p.args, p.negated || e.negate, r};
    e.fn(call);
    return r;
}

CliReply CliSession::runConfig(const std::string& line) {
    if (std::string rest = afterDo(line); !rest.empty()) return runExec(rest);
    CliReply r;
    conf::Config before = runtime_.running();
    conf::Result res = config_.execute(line);
    if (!res.ok()) {
        configError(res, promptWidth_, r);
        return r;
    }
    if (!(before == runtime_.running())) {
        changed_ = true;
        for (auto& note : runtime_.applyConfig(before)) r.add(std::move(note));
    }
    if (config_.leftConfig()) {
        configMode_ = false;
        if (changed_) GW_INFO("%%SYS-5-CONFIG_I: Configured from gwctl session %d", id_);
    }
    return r;
}

CliReply CliSession::help(const std::string& partial) const {
    CliReply r;
    std::vector<conf::HelpItem> items;
    std::string rest = configMode_ ? afterDo(partial) : "";
    if (!configMode_ || !rest.empty()) items = execTree().help(conf::Mode::Global, configMode_ ? rest : partial);
    else items = config_.help(partial);
    if (items.empty()) {
        r.fail("% Unrecognized command");
        return r;
    }
    formatHelp(items, r);
    return r;
}

std::vector<std::string> CliSession::complete(const std::string& partial) const {
    std::vector<conf::Completion> list;
    std::string rest = configMode_ ? afterDo(partial) : "";
    if (!configMode_ || !rest.empty()) list = execTree().complete(conf::Mode::Global, configMode_ ? rest : partial);
    else list = config_.complete(partial);
    std::vector<std::string> words;
    for (auto& c : list) words.push_back(c.word);
    return words;
}

void execConfigure(ExecCall& c) {
    if (!c.session.inConfig()) c.reply.add("Enter configuration commands, one per line.  End with CNTL/Z.");
    c.session.enterConfig();
}

void execExit(ExecCall& c) { c.reply.close = true; }

void execNothing(ExecCall&) {}

} // namespace gw
