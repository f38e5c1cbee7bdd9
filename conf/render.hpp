// `show running-config`: prints a Config back in the configuration language,
// in IOS order with one-space indentation in sub-modes, `!` separators and
// defaults omitted, so loading the output reproduces the same Config.
#pragma once

#include "conf/config.hpp"

#include <string>

namespace gw::conf {

std::string renderRunningConfig(const Config& config);

} // namespace gw::conf
