// Loading a configuration: every line of a config text runs through a
// ConfigSession on a fresh Config; all-or-nothing, so on any error the target
// is left untouched and each refused line is reported as FILE:LINE: message.
#pragma once

#include "conf/config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace gw::conf {

struct Diagnostic {
    std::string source;    // file name (or "<cli>", "<text>")
    int line = 0;          // 1-based; 0 when about the whole file
    int column = -1;       // 0-based column of the bad word; -1 when none
    std::string word;      // the bad word
    std::string message;   // "% Invalid input detected at 'potz': ..."
    std::string text;      // the offending line as written
    std::string toString() const;   // "FILE:LINE: message" (+ the line)
};

// Parses `text` (starting from Config defaults). Returns true and replaces
// `out` when every line is accepted; otherwise leaves `out` untouched and
// appends one Diagnostic per refused line.
bool loadConfigText(std::string_view text, const std::string& sourceName, Config& out,
                    std::vector<Diagnostic>& errors);

// Reads `path` and loads it as above. A missing or unreadable file is one
// Diagnostic naming the file and the system's reason (strerror).
bool loadConfigFile(const std::string& path, Config& out, std::vector<Diagnostic>& errors);

// Writes renderRunningConfig(config) to `path` atomically: a temporary file
// in the same directory (PATH.tmp, fsynced), the previous file copied to
// PATH.bak, then rename. Returns "" or the reason it failed; on failure the
// file at `path` is untouched.
std::string saveConfigFile(const std::string& path, const Config& config);

} // namespace gw::conf
