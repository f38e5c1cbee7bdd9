// gwctl: the gateway's management CLI client. Interactive with line editing
// when standard input is a terminal; otherwise it runs the -c commands, or
// the lines of standard input, in order in one session, for scripts.
#include "gateway/cli/cli_client.hpp"
#include "gateway/cli/cli_paths.hpp"
#include "gateway/cli/readline_shell.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using gw::cli::ClientReply;
using gw::cli::EndStatus;
using gw::cli::RequestKind;

void usage(FILE* to) {
    std::fprintf(to,
                 "usage: gwctl [--socket PATH] [-c COMMAND]...\n"
                 "  --socket PATH   the CLI socket of gatewayd (default %s)\n"
                 "  -c COMMAND      run COMMAND; may repeat: the commands run in order in one\n"
                 "                  session, so -c 'conf t' -c 'dial-peer voice 7 voip' works\n"
                 "Without -c, gwctl is interactive on a terminal (TAB completes, '?' helps,\n"
                 "history in ~/.gwctl_history) and otherwise runs the lines of standard input.\n"
                 "A command ending in '?' shows help. The exit status is 1 when any command\n"
                 "failed or the daemon cannot be reached.\n",
                 gw::cli::defaultSocketPath().c_str());
}

// Runs one scripted line; false when it failed. Output goes to stdout; a
// refused command is echoed after its prompt on stderr, caret and message.
bool runScripted(gw::cli::CliClient& client, const std::string& line, bool& ended) {
    std::string prompt = client.prompt();
    bool help = !line.empty() && line.back() == '?';
    ClientReply r = client.request(help ? RequestKind::Help : RequestKind::Exec,
                                   help ? line.substr(0, line.size() - 1) : line);
    if (r.lost) {
        std::fprintf(stderr, "gwctl: connection to gatewayd lost\n");
        ended = true;
        return false;
    }
    bool ok = r.status != EndStatus::Error;
    if (!ok) std::fprintf(stderr, "%s%s\n", prompt.c_str(), line.c_str());
    for (const auto& l : r.lines) std::fprintf(ok ? stdout : stderr, "%s\n", l.c_str());
    if (r.status == EndStatus::Bye) ended = true;
    return ok;
}

int runScript(gw::cli::CliClient& client, const std::vector<std::string>& commands, bool fromStdin) {
    client.onTrace = [](const std::string& t) { std::printf("%s\n", t.c_str()); };
    bool failed = false, ended = false;
    auto run = [&](const std::string& line) {
        if (!runScripted(client, line, ended)) failed = true;
        std::fflush(stdout);
    };
    for (const auto& c : commands) {
        if (ended) break;
        run(c);
    }
    std::string line;
    while (fromStdin && !ended && std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        run(line);
    }
    return failed ? 1 : 0;
}

std::string historyFile() {
    const char* home = std::getenv("HOME");
    return home && *home ? std::string(home) + "/.gwctl_history" : "";
}

} // namespace

int main(int argc, char** argv) {
    std::string socketPath = gw::cli::defaultSocketPath();
    std::vector<std::string> commands;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if ((a == "--socket" || a == "-s") && i + 1 < argc) {
            socketPath = argv[++i];
        } else if (a == "-c" && i + 1 < argc) {
            commands.push_back(argv[++i]);
        } else if (a == "-h" || a == "--help") {
            usage(stdout);
            return 0;
        } else {
            std::fprintf(stderr, "gwctl: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    gw::cli::CliClient client;
    std::string error;
    if (!client.connect(socketPath, error)) {
        std::fprintf(stderr, "gwctl: cannot connect to %s: %s (is gatewayd running?)\n", socketPath.c_str(),
                     error.c_str());
        return 1;
    }
    if (!commands.empty()) return runScript(client, commands, false);
    if (::isatty(STDIN_FILENO)) return gw::cli::runInteractiveShell(client, historyFile());
    return runScript(client, {}, true);
}
