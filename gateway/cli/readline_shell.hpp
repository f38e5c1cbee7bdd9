// The interactive gwctl shell over GNU readline (the one file that includes
// it): line editing, history in a file, `?` answered by the daemon as soon
// as it is typed, TAB completion from the daemon, and debug traces printed
// above the line being edited.
#pragma once

#include "gateway/cli/cli_client.hpp"

#include <string>

namespace gw::cli {

// Runs until `exit`, end of input (Ctrl-D) or loss of the daemon; returns
// gwctl's exit status. `historyFile` "" keeps no history.
int runInteractiveShell(CliClient& client, const std::string& historyFile);

} // namespace gw::cli
