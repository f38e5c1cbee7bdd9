// Executes command lines: parse in the current mode, fall back to the global
// mode (implicit sub-mode exit, as IOS when loading a config), then apply the
// command to a copy of the context so a refused command changes nothing.
#include "conf/config_session.hpp"

#include "conf/commands.hpp"

namespace gw::conf {
namespace {

bool isComment(const std::string& line) {
    for (char c : line) {
        if (c == ' ' || c == '\t' || c == '\r') continue;
        return c == '!';
    }
    return false;
}

Result fromParse(const ParseResult& p) {
    Result r;
    switch (p.status) {
    case ParseResult::Status::Ok:
    case ParseResult::Status::Empty: return r;
    case ParseResult::Status::Invalid:
        r.status = Result::Status::Invalid;
        r.message = "% Invalid input detected at '^' marker.";
        break;
    case ParseResult::Status::Incomplete:
        r.status = Result::Status::Incomplete;
        r.message = "% Incomplete command.";
        return r;
    case ParseResult::Status::Ambiguous:
        r.status = Result::Status::Ambiguous;
        r.message = "% Ambiguous command: ";
        break;
    }
    r.column = p.column;
    r.word = p.word;
    r.detail = p.detail;
    return r;
}

// Which failure to report when both the sub-mode and the global mode refuse
// a line: an ambiguous first word in the sub-mode stays ambiguous; otherwise
// the parse that got further into the line (an ambiguous word counts as
// further than an unknown one at the same column).
const ParseResult& chooseFailure(const ParseResult& sub, const ParseResult& global, int firstColumn) {
    if (sub.status == ParseResult::Status::Ambiguous && sub.column == firstColumn) return sub;
    auto progress = [](const ParseResult& p) {
        return 2 * p.column + (p.status == ParseResult::Status::Invalid ? 0 : 1);
    };
    return progress(global) > progress(sub) ? global : sub;
}

} // namespace

std::string Result::caretLine(std::size_t promptWidth) const {
    if (column < 0) return "";
    return std::string(promptWidth + static_cast<std::size_t>(column), ' ') + "^";
}

std::string Result::describe() const {
    std::string s;
    switch (status) {
    case Status::Ok: return "";
    case Status::Invalid: s = "% Invalid input detected at '" + word + "'"; break;
    case Status::Incomplete: return message;
    case Status::Ambiguous: s = "% Ambiguous command at '" + word + "'"; break;
    case Status::Refused: s = "% " + detail + (word.empty() ? "" : " (at '" + word + "')"); return s;
    }
    if (!detail.empty()) s += ": " + detail;
    return s;
}

ConfigSession::ConfigSession(Config& config, const CommandTree& tree) : config_(config), tree_(tree) {
    ctx_.config = &config_;
}

void ConfigSession::reset() {
    ctx_ = Context{};
    ctx_.config = &config_;
}

std::string ConfigSession::prompt() const {
    return config_.hostname + "(" + std::string(modePrompt(ctx_.mode)) + ")#";
}

// Whether the object the current sub-mode edits still exists (another
// session may have removed it); if not, the session is back at the top.
bool ConfigSession::contextExists() const {
    switch (ctx_.mode) {
    case Mode::Global:
    case Mode::SipUa: return true;
    case Mode::Controller: return config_.controllers.count(ctx_.controller) != 0;
    case Mode::VoicePort: return config_.voicePorts.count(ctx_.controller) != 0;
    case Mode::VoiceServiceVoip:
    case Mode::TrustedList: return true;
    case Mode::DialPeerPots:
    case Mode::DialPeerVoip: return config_.dialPeers.count(ctx_.peer) != 0;
    case Mode::TranslationRule: return config_.translationRules.count(ctx_.rule) != 0;
    case Mode::TranslationProfile: return config_.translationProfiles.count(ctx_.profile) != 0;
    }
    return false;
}

Result ConfigSession::execute(const std::string& line) {
    if (isComment(line)) return {};
    if (!contextExists()) ctx_.mode = Mode::Global;
    ParseResult parsed = tree_.parse(ctx_.mode, line);
    Mode mode = ctx_.mode;
    // A line the sub-mode does not know leaves it for the enclosing modes
    // (implicit exit), as IOS does.
    for (Mode outer = mode; parsed.status != ParseResult::Status::Ok &&
                            parsed.status != ParseResult::Status::Empty && outer != Mode::Global;) {
        outer = parentMode(outer);
        ParseResult there = tree_.parse(outer, line);
        if (there.status == ParseResult::Status::Ok) {
            parsed = std::move(there);
            mode = outer;
        } else {
            parsed = chooseFailure(parsed, there, splitWords(line).front().column);
        }
    }
    if (parsed.status == ParseResult::Status::Empty) return {};
    if (parsed.status != ParseResult::Status::Ok) {
        Result r = fromParse(parsed);
        if (r.status == Result::Status::Ambiguous) r.message += "\"" + line + "\"";
        return r;
    }
    return run(parsed, line, mode);
}

Result ConfigSession::run(const ParseResult& parsed, const std::string& line, Mode mode) {
    ApplyFn fn = parsed.negated ? parsed.spec->undo : parsed.spec->apply;
    Result r;
    if (!fn) {
        r.status = Result::Status::Invalid;
        r.message = "% Invalid input detected at '^' marker.";
        r.column = 0;
        r.word = splitWords(line).front().text;
        return r;
    }
    Context next = ctx_;
    next.mode = mode;
    next.leftConfig = false;
    if (auto f = fn(next, parsed.args)) {
        r.status = Result::Status::Refused;
        r.detail = f->message;
        r.message = "% " + f->message;
        if (f->arg >= 0 && static_cast<std::size_t>(f->arg) < parsed.args.size()) {
            r.column = parsed.args.columns[static_cast<std::size_t>(f->arg)];
            r.word = parsed.args[static_cast<std::size_t>(f->arg)];
        }
        return r;
    }
    ctx_ = next;
    return r;
}

std::vector<Completion> ConfigSession::complete(const std::string& partialLine) const {
    return tree_.complete(ctx_.mode, partialLine);
}

std::vector<HelpItem> ConfigSession::help(const std::string& partialLine) const {
    return tree_.help(ctx_.mode, partialLine);
}

const CommandTree& CommandTree::standard() {
    static const CommandTree tree([] {
        std::vector<CommandSpec> all = globalCommands();
        for (auto& r : dialPeerCommands()) all.push_back(std::move(r));
        for (auto& r : voiceCommands()) all.push_back(std::move(r));
        return all;
    }());
    return tree;
}

} // namespace gw::conf
