// Which configuration changes the running gateway applies at once and which
// wait for a restart: a pure comparison of the configuration before and
// after a command, giving the IOS-style notes the CLI prints.
#pragma once

#include "conf/config.hpp"

#include <set>
#include <string>
#include <vector>

namespace gw {

// `openSpans`: the controllers whose spans run now. Dial-peers, translation
// rules and profiles, hostname and controller `shutdown` of a running span
// apply live; everything that opens a span or a socket needs a restart.
std::vector<std::string> restartNotes(const conf::Config& before, const conf::Config& after,
                                      const std::set<int>& openSpans);

// Whether new calls on controller `number` must be refused: it is shut down
// or no longer configured.
bool controllerBlocked(const conf::Config& config, int number);

} // namespace gw
