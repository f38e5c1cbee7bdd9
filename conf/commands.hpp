// The command tables of the configuration language, one function per group
// of modes, plus the small builders the tables are written with. Each row is
// data: modes, tokens, apply and undo (`no`) functions.
#pragma once

#include "conf/command_tree.hpp"

#include <initializer_list>
#include <string>
#include <vector>

namespace gw::conf {

std::vector<CommandSpec> globalCommands();     // hostname, isdn, controller, sip-ua, exit/end
std::vector<CommandSpec> dialPeerCommands();   // dial-peer voice and its sub-mode
std::vector<CommandSpec> voiceCommands();      // voice translation-rule / -profile

inline Token kw(std::string text, std::string help) {
    return Token{TokenType::Keyword, std::move(text), std::move(help), 0, 0, {}, nullptr, false};
}
inline Token choice(std::vector<Choice> options, bool repeat = false) {
    return Token{TokenType::Choice, "", "", 0, 0, std::move(options), nullptr, repeat};
}
inline Token number(long min, long max, std::string help) {
    return Token{TokenType::Number, "", std::move(help), min, max, {}, nullptr, false};
}
inline Token word(std::string placeholder, std::string help, Validator v = nullptr) {
    return Token{TokenType::Word, std::move(placeholder), std::move(help), 0, 0, {}, v, false};
}
inline Token pattern(std::string help, Validator v) {
    return Token{TokenType::Pattern, "WORD", std::move(help), 0, 0, {}, v, false};
}
inline Token rest(std::string help) {
    return Token{TokenType::Rest, "LINE", std::move(help), 0, 0, {}, nullptr, false};
}

inline std::optional<Fault> ok() { return std::nullopt; }
inline std::optional<Fault> fault(int arg, std::string message) { return Fault{arg, std::move(message)}; }

// Validators shared by several tables.
std::string validateDialPattern(std::string_view text);
std::string validateDialString(std::string_view text);

} // namespace gw::conf
