// One configuration session (a config file being loaded or an operator in
// `configure terminal`): executes command lines against a Config through the
// command tree, keeping the current mode, with IOS-style errors, help and TAB.
#pragma once

#include "conf/command_tree.hpp"
#include "conf/config.hpp"

#include <string>
#include <vector>

namespace gw::conf {

struct Result {
    enum class Status { Ok, Invalid, Incomplete, Ambiguous, Refused } status = Status::Ok;
    int column = -1;          // start of the bad word in the line (-1: none)
    std::string word;         // the bad word
    std::string message;      // IOS text: "% Invalid input detected at '^' marker." ...
    std::string detail;       // why, when known ("timeslots must be within 1-24: '1-31'")

    bool ok() const { return status == Status::Ok; }
    // Spaces and a '^' under the bad word, for a line echoed after `promptWidth` characters.
    std::string caretLine(std::size_t promptWidth = 0) const;
    // One line for a log or a file diagnostic: message, bad word and detail.
    std::string describe() const;
};

class ConfigSession {
public:
    explicit ConfigSession(Config& config, const CommandTree& tree = CommandTree::standard());

    // Runs one line. A refused line changes neither the config nor the mode.
    // Blank lines and `!` comments are accepted and do nothing.
    Result execute(const std::string& line);
    std::vector<Completion> complete(const std::string& partialLine) const;
    std::vector<HelpItem> help(const std::string& partialLine) const;

    Mode mode() const { return ctx_.mode; }
    std::string prompt() const;              // "gw1(config-dial-peer)#"
    bool leftConfig() const { return ctx_.leftConfig; }   // `end`, or `exit` at the top
    void reset();                            // back to the global mode

private:
    Result run(const ParseResult& parsed, const std::string& line, Mode mode);
    bool contextExists() const;
    Config& config_;
    const CommandTree& tree_;
    Context ctx_;
};

} // namespace gw::conf
