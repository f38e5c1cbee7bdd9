// Where gatewayd serves its CLI and gwctl looks for it when not told:
// /run/gatewayd/cli.sock for root, else $XDG_RUNTIME_DIR/gatewayd.sock or
// /tmp/gatewayd-UID.sock.
#pragma once

#include <string>

namespace gw::cli {

std::string defaultSocketPath();

} // namespace gw::cli
