// defaultSocketPath: by effective user and environment.
#include "gateway/cli/cli_paths.hpp"

#include <cstdlib>
#include <unistd.h>

namespace gw::cli {

std::string defaultSocketPath() {
    if (::geteuid() == 0) return "/run/gatewayd/cli.sock";
    if (const char* dir = std::getenv("XDG_RUNTIME_DIR"); dir && *dir) return std::string(dir) + "/gatewayd.sock";
    return "/tmp/gatewayd-" + std::to_string(::getuid()) + ".sock";
}

} // namespace gw::cli
