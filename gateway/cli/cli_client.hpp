// CliClient: gwctl's end of the CLI socket. Connects, reads the greeting,
// sends one request at a time and collects its reply lines up to the end
// line; debug trace lines met on the way (or read while idle) go to onTrace.
#pragma once

#include "gateway/cli/cli_protocol.hpp"
#include "kernel/unique_fd.hpp"

#include <functional>
#include <string>
#include <vector>

namespace gw::cli {

struct ClientReply {
    std::vector<std::string> lines;         // output lines
    std::vector<std::string> completions;   // TAB candidates
    EndStatus status = EndStatus::Ok;
    std::string prompt;
    bool lost = false;                      // the connection closed before the end line
};

class CliClient {
public:
    // Connects and reads the greeting; false and a sentence in `error` when
    // the daemon cannot be reached or refuses the session.
    bool connect(const std::string& path, std::string& error);
    ClientReply request(RequestKind kind, const std::string& text);
    // Reads what the socket has now (trace lines); false when it closed.
    bool pump();
    int fd() const { return fd_.get(); }
    const std::string& prompt() const { return prompt_; }

    std::function<void(const std::string&)> onTrace;

private:
    // One line from the buffer, reading (blocking) as needed; false on EOF.
    bool readLine(std::string& line);
    bool takeLine(std::string& line);
    bool fill(bool block);

    kernel::UniqueFd fd_;
    std::string buf_;
    std::string prompt_;
};

} // namespace gw::cli
