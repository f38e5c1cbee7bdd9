// The configuration language as data: per-mode trees of command nodes
// (keywords with help, typed arguments, apply/undo functions), built from the
// command tables, used to parse a line, list `?` help and TAB completions.
#pragma once

#include "conf/config.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::conf {

// Modes are bits so a command row can belong to several modes.
enum class Mode : unsigned {
    Global = 1, Controller = 2, DialPeerPots = 4, DialPeerVoip = 8,
    TranslationRule = 16, TranslationProfile = 32, SipUa = 64, VoicePort = 128,
    VoiceServiceVoip = 256, TrustedList = 512,
};
constexpr unsigned kModeBit(Mode m) { return static_cast<unsigned>(m); }
constexpr unsigned kDialPeerModes = kModeBit(Mode::DialPeerPots) | kModeBit(Mode::DialPeerVoip);
constexpr unsigned kSubModes = 2 | 4 | 8 | 16 | 32 | 64 | 128 | 256 | 512;
std::string_view modePrompt(Mode m);   // "config", "config-dial-peer", ...
// The mode `exit` returns to, and where a line the mode does not know is
// tried next: the enclosing sub-mode, else Global.
Mode parentMode(Mode m);

// What a command's apply function works on: the config and the current mode
// with the key of the object that mode edits.
struct Context {
    Config* config = nullptr;
    Mode mode = Mode::Global;
    int controller = 0;          // Controller mode; VoicePort mode: the port's controller
    int peer = 0;                // DialPeer modes
    int rule = 0;                // TranslationRule mode
    std::string profile;         // TranslationProfile mode
    bool leftConfig = false;     // `end` / `exit` typed at the top level
};

// The values of a parsed command's non-keyword tokens, in order.
struct Args {
    std::vector<std::string> values;
    std::vector<int> columns;
    std::size_t size() const { return values.size(); }
    const std::string& operator[](std::size_t i) const { return values[i]; }
    int number(std::size_t i) const;
};

// A refused command: message plus the argument it is about (-1 = none).
struct Fault {
    int arg = -1;
    std::string message;
};
using ApplyFn = std::optional<Fault> (*)(Context&, const Args&);

enum class TokenType { Keyword, Choice, Word, Number, Pattern, Rest };
using Validator = std::string (*)(std::string_view);   // "" = valid, else reason

struct Choice {
    std::string keyword;
    std::string help;
};

struct Token {
    TokenType type = TokenType::Keyword;
    std::string text;            // Keyword: the keyword; args: placeholder ("WORD", "LINE")
    std::string help;
    long min = 0, max = 0;       // Number
    std::vector<Choice> choices; // Choice
    Validator validate = nullptr;
    bool repeat = false;         // Choice: may be given several times
};

// One command: the modes it exists in, its tokens, the positive and `no`
// actions, and how many leading tokens the `no` form needs (-1: all leading
// keywords). A tree whose commands its user dispatches itself (the CLI's exec
// commands) leaves apply/undo null and tells its rows apart by `id`.
struct CommandSpec {
    unsigned modes = 0;
    std::vector<Token> tokens;
    ApplyFn apply = nullptr;
    ApplyFn undo = nullptr;
    int noMin = -1;
    int id = 0;
};

struct HelpItem {
    std::string word;   // keyword, "<1-10>", "WORD", "LINE" or "<cr>"
    std::string help;
    bool keyword = false;   // a word that completes (not a placeholder or <cr>)
};

struct Completion {
    std::string word;   // the completed keyword
    std::string line;   // the partial line with its last word completed, plus a space
};

// The outcome of parsing one line.
struct ParseResult {
    enum class Status { Ok, Empty, Invalid, Incomplete, Ambiguous } status = Status::Empty;
    const CommandSpec* spec = nullptr;
    bool negated = false;
    Args args;
    int column = 0;          // Invalid / Ambiguous: start of the bad word
    std::string word;        // the bad word
    std::string detail;      // why the word is invalid, when known
};

class CommandTree {
public:
    struct Node;
    explicit CommandTree(std::vector<CommandSpec> specs);
    ~CommandTree();
    CommandTree(const CommandTree&) = delete;
    CommandTree& operator=(const CommandTree&) = delete;

    // The gateway's configuration language (all tables in conf/commands_*).
    static const CommandTree& standard();

    ParseResult parse(Mode mode, std::string_view line) const;
    std::vector<HelpItem> help(Mode mode, std::string_view partialLine) const;
    std::vector<Completion> complete(Mode mode, std::string_view partialLine) const;

private:
    const Node& root(Mode mode) const;
    std::vector<CommandSpec> specs_;
    std::vector<std::unique_ptr<Node>> roots_;   // one per mode bit
};

// Splits a line into words with their 0-based columns.
struct Word {
    std::string text;
    int column = 0;
};
std::vector<Word> splitWords(std::string_view line);

} // namespace gw::conf
