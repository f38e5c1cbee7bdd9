// Builds per-mode command trees from the command rows and walks them to
// parse a line (with IOS abbreviations), list help and complete words.
#include "conf/command_tree.hpp"

#include "conf/values.hpp"

#include <algorithm>

namespace gw::conf {

struct CommandTree::Node {
    const Token* token = nullptr;                    // null at a root
    std::vector<std::unique_ptr<Node>> children;
    const CommandSpec* spec = nullptr;               // positive form may end here
    const CommandSpec* noSpec = nullptr;             // `no` form may end here
};

namespace {

constexpr int kModeCount = 10;   // one per Mode bit
static_assert(kSubModes == (1u << kModeCount) - 2, "kModeCount must cover every Mode bit");
constexpr std::string_view kNoHelp = "Negate a command or set its defaults";

int modeIndex(Mode m) {
    unsigned bit = static_cast<unsigned>(m);
    int i = 0;
    while (bit > 1) { bit >>= 1; ++i; }
    return i;
}

bool sameToken(const Token& a, const Token& b) {
    if (a.type != b.type || a.text != b.text || a.min != b.min || a.max != b.max ||
        a.validate != b.validate || a.repeat != b.repeat || a.choices.size() != b.choices.size())
        return false;
    for (std::size_t i = 0; i < a.choices.size(); ++i)
        if (a.choices[i].keyword != b.choices[i].keyword) return false;
    return true;
}

int defaultNoMin(const CommandSpec& s) {
    int n = 0;
    while (n < static_cast<int>(s.tokens.size()) && s.tokens[static_cast<std::size_t>(n)].type == TokenType::Keyword) ++n;
    return std::max(n, 1);
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A keyword-like candidate at a node: a Keyword child or one option of a Choice.
struct Candidate {
    const CommandTree::Node* node;
    std::string value;
};

std::vector<Candidate> keywordCandidates(const CommandTree::Node& n) {
    std::vector<Candidate> out;
    auto add = [&](const CommandTree::Node& c) {
        if (c.token->type == TokenType::Keyword) out.push_back({&c, c.token->text});
        if (c.token->type == TokenType::Choice)
            for (const auto& ch : c.token->choices) out.push_back({&c, ch.keyword});
    };
    if (n.token && n.token->repeat) add(n);
    for (const auto& c : n.children) add(*c);
    return out;
}

struct Match {
    const CommandTree::Node* node = nullptr;
    std::string value;
    bool ambiguous = false;
    std::string detail;
};

Match matchArgument(const CommandTree::Node& n, const std::string& word) {
    Match m;
    for (const auto& c : n.children) {
        const Token& t = *c->token;
        if (t.type == TokenType::Keyword || t.type == TokenType::Choice) continue;
        if (t.type == TokenType::Number) {
            auto v = parseNumber(word);
            if (!v) { if (m.detail.empty()) m.detail = "expected a number " + std::to_string(t.min) + "-" + std::to_string(t.max); continue; }
            if (*v < t.min || *v > t.max) { m.detail = "out of range " + std::to_string(t.min) + "-" + std::to_string(t.max); continue; }
        } else if (t.validate) {
            if (auto why = t.validate(word); !why.empty()) { if (m.detail.empty()) m.detail = why; continue; }
        }
        m.node = c.get();
        m.value = word;
        m.detail.clear();
        return m;
    }
    return m;
}

Match matchWord(const CommandTree::Node& n, const std::string& word) {
    std::vector<Candidate> exact, prefix;
    for (auto& c : keywordCandidates(n)) {
        if (equalsNoCase(c.value, word)) exact.push_back(c);
        else if (startsWithNoCase(c.value, word)) prefix.push_back(c);
    }
    Match m;
    if (!exact.empty()) { m.node = exact.front().node; m.value = exact.front().value; return m; }
    if (prefix.size() == 1) { m.node = prefix.front().node; m.value = prefix.front().value; return m; }
    if (prefix.size() > 1) { m.ambiguous = true; return m; }
    return matchArgument(n, word);
}

// `no` at the start of a line: "no" or a prefix of it no other root keyword shares.
bool isNegation(const CommandTree::Node& root, const std::string& word) {
    if (equalsNoCase(word, "no")) return true;
    if (!startsWithNoCase("no", word)) return false;
    for (auto& c : keywordCandidates(root))
        if (startsWithNoCase(c.value, word)) return false;
    return true;
}

std::string trimmedFrom(std::string_view line, int column) {
    auto rest = line.substr(static_cast<std::size_t>(column));
    while (!rest.empty() && isSpace(rest.back())) rest.remove_suffix(1);
    return std::string(rest);
}

std::string placeholder(const Token& t) {
    if (t.type == TokenType::Number) return "<" + std::to_string(t.min) + "-" + std::to_string(t.max) + ">";
    return t.text;
}

} // namespace

int Args::number(std::size_t i) const {
    auto v = parseNumber(values.at(i));
    return v ? static_cast<int>(*v) : 0;
}

std::string_view modePrompt(Mode m) {
    switch (m) {
    case Mode::Global: return "config";
    case Mode::Controller: return "config-controller";
    case Mode::DialPeerPots:
    case Mode::DialPeerVoip: return "config-dial-peer";
    case Mode::TranslationRule: return "cfg-translation-rule";
    case Mode::TranslationProfile: return "cfg-translation-profile";
    case Mode::SipUa: return "config-sip-ua";
    case Mode::VoicePort: return "config-voiceport";
    case Mode::VoiceServiceVoip: return "conf-voi-serv";
    case Mode::TrustedList: return "cfg-iptrust-list";
    }
    return "config";
}

Mode parentMode(Mode m) {
    return m == Mode::TrustedList ? Mode::VoiceServiceVoip : Mode::Global;
}

std::vector<Word> splitWords(std::string_view line) {
    std::vector<Word> words;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && isSpace(line[i])) ++i;
        if (i >= line.size()) break;
        std::size_t start = i;
        while (i < line.size() && !isSpace(line[i])) ++i;
        words.push_back({std::string(line.substr(start, i - start)), static_cast<int>(start)});
    }
    return words;
}

CommandTree::CommandTree(std::vector<CommandSpec> specs) : specs_(std::move(specs)) {
    for (int i = 0; i < kModeCount; ++i) roots_.push_back(std::make_unique<Node>());
    for (const auto& spec : specs_) {
        int noMin = spec.noMin >= 0 ? spec.noMin : defaultNoMin(spec);
        for (int m = 0; m < kModeCount; ++m) {
            if (!(spec.modes & (1u << m))) continue;
            Node* node = roots_[static_cast<std::size_t>(m)].get();
            int depth = 0;
            for (const auto& tok : spec.tokens) {
                auto it = std::find_if(node->children.begin(), node->children.end(),
                                       [&](const auto& c) { return sameToken(*c->token, tok); });
                if (it == node->children.end()) {
                    node->children.push_back(std::make_unique<Node>());
                    node->children.back()->token = &tok;
                    it = std::prev(node->children.end());
                }
                node = it->get();
                if (++depth >= noMin && !node->noSpec) node->noSpec = &spec;
            }
            if (!node->spec) node->spec = &spec;
        }
    }
}

CommandTree::~CommandTree() = default;

const CommandTree::Node& CommandTree::root(Mode mode) const {
    return *roots_[static_cast<std::size_t>(modeIndex(mode))];
}

ParseResult CommandTree::parse(Mode mode, std::string_view line) const {
    ParseResult r;
    auto words = splitWords(line);
    if (words.empty()) return r;
    const Node* node = &root(mode);
    std::size_t i = 0;
    if (isNegation(*node, words[0].text)) { r.negated = true; i = 1; }
    for (; i < words.size(); ++i) {
        Match m = matchWord(*node, words[i].text);
        if (!m.node) {
            r.status = m.ambiguous ? ParseResult::Status::Ambiguous : ParseResult::Status::Invalid;
            r.column = words[i].column;
            r.word = words[i].text;
            r.detail = m.detail;
            return r;
        }
        node = m.node;
        if (node->token->type == TokenType::Rest) {
            r.args.values.push_back(trimmedFrom(line, words[i].column));
            r.args.columns.push_back(words[i].column);
            break;
        }
        if (node->token->type != TokenType::Keyword) {
            r.args.values.push_back(m.value);
            r.args.columns.push_back(words[i].column);
        }
    }
    r.spec = r.negated ? node->noSpec : node->spec;
    r.status = r.spec ? ParseResult::Status::Ok : ParseResult::Status::Incomplete;
    r.column = static_cast<int>(line.size());
    return r;
}

namespace {

// Follows the first `count` words from the root; null when a word does not match.
struct Walk {
    const CommandTree::Node* node = nullptr;
    bool negated = false;
};

Walk walkWords(const CommandTree::Node& root, const std::vector<Word>& words, std::size_t count) {
    Walk w{&root, false};
    std::size_t i = 0;
    if (count > 0 && isNegation(root, words[0].text)) { w.negated = true; i = 1; }
    for (; i < count; ++i) {
        if (w.node->token && w.node->token->type == TokenType::Rest) continue;
        Match m = matchWord(*w.node, words[i].text);
        if (!m.node) return {};
        w.node = m.node;
    }
    return w;
}

bool endsInSpace(std::string_view s) { return s.empty() || isSpace(s.back()); }

// Whether a `no` form ends at this node or below it (for `no ?`).
bool hasNoForm(const CommandTree::Node& n) {
    if (n.noSpec) return true;
    for (const auto& c : n.children)
        if (hasNoForm(*c)) return true;
    return false;
}

} // namespace

std::vector<HelpItem> CommandTree::help(Mode mode, std::string_view partial) const {
    auto words = splitWords(partial);
    bool trailing = endsInSpace(partial);
    std::size_t complete = trailing ? words.size() : words.size() - 1;
    std::string prefix = trailing ? "" : words.back().text;
    Walk w = walkWords(root(mode), words, complete);
    std::vector<HelpItem> args, keywords, out;
    if (!w.node) return out;
    bool inRest = w.node->token && w.node->token->type == TokenType::Rest;
    auto digitsOnly = [](const std::string& s) { return s.find_first_not_of("0123456789") == std::string::npos; };
    if (!inRest)
        for (const auto& c : w.node->children) {
            const Token& t = *c->token;
            if (t.type == TokenType::Keyword || t.type == TokenType::Choice) continue;
            if (t.type == TokenType::Number && !digitsOnly(prefix)) continue;
            args.push_back({placeholder(t), t.help});
        }
    auto addKeyword = [&](const std::string& word, const std::string& help) {
        if (startsWithNoCase(word, prefix)) keywords.push_back({word, help, true});
    };
    if (!inRest) {
        if (w.node->token && w.node->token->repeat)
            for (const auto& ch : w.node->token->choices) addKeyword(ch.keyword, ch.help);
        for (const auto& c : w.node->children) {
            if (w.negated && !hasNoForm(*c)) continue;
            if (c->token->type == TokenType::Keyword) addKeyword(c->token->text, c->token->help);
            if (c->token->type == TokenType::Choice)
                for (const auto& ch : c->token->choices) addKeyword(ch.keyword, ch.help);
        }
        if (complete == 0) addKeyword("no", std::string(kNoHelp));
    }
    std::sort(keywords.begin(), keywords.end(), [](const auto& a, const auto& b) { return a.word < b.word; });
    out = args;
    out.insert(out.end(), keywords.begin(), keywords.end());
    bool terminal = w.negated ? w.node->noSpec != nullptr : w.node->spec != nullptr;
    if (prefix.empty() && terminal) out.push_back({"<cr>", ""});
    return out;
}

std::vector<Completion> CommandTree::complete(Mode mode, std::string_view partial) const {
    std::vector<Completion> out;
    std::string head(partial);
    if (!endsInSpace(partial)) head.resize(static_cast<std::size_t>(splitWords(partial).back().column));
    for (auto& h : help(mode, partial))
        if (h.keyword) out.push_back({h.word, head + h.word + " "});
    return out;
}

} // namespace gw::conf
