// Interactive shell: readline's callback interface in a poll loop over the
// terminal and the CLI socket, so traces arrive while a line is edited.
// readline keeps global state; this file keeps the one shell it runs.
#include "gateway/cli/readline_shell.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

namespace gw::cli {
namespace {

struct Shell {
    CliClient* client = nullptr;
    bool done = false;
    bool lost = false;
    bool busy = false;                       // a command runs: no line is being edited
    std::vector<std::string> completions;
};
Shell gShell;

void printLines(const std::vector<std::string>& lines) {
    for (const auto& l : lines) std::printf("%s\n", l.c_str());
    std::fflush(stdout);
}

// A trace line above the line being edited, which is then redrawn.
void printAbove(const std::string& text) {
    if (gShell.busy) {
        std::printf("%s\n", text.c_str());
        std::fflush(stdout);
        return;
    }
    int point = rl_point;
    char* saved = rl_copy_text(0, rl_end);
    rl_save_prompt();
    rl_replace_line("", 0);
    rl_redisplay();
    std::printf("\r%s\n", text.c_str());
    rl_restore_prompt();
    rl_replace_line(saved, 0);
    rl_point = point;
    rl_redisplay();
    std::free(saved);
}

void onLine(char* raw) {
    if (!raw) {   // Ctrl-D
        std::printf("\n");
        gShell.done = true;
        rl_callback_handler_remove();
        return;
    }
    std::string line(raw);
    std::free(raw);
    if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
    gShell.busy = true;
    ClientReply r = gShell.client->request(RequestKind::Exec, line);
    gShell.busy = false;
    printLines(r.lines);
    if (r.lost) gShell.lost = gShell.done = true;
    if (r.status == EndStatus::Bye) gShell.done = true;
    if (gShell.done) rl_callback_handler_remove();   // no prompt after `exit`
    else rl_set_prompt(r.prompt.c_str());
}

// `?`: the daemon's help for the line up to the cursor; the line stays.
int onHelpKey(int, int) {
    std::string partial(rl_line_buffer, static_cast<std::size_t>(rl_point));
    std::printf("?\n");
    gShell.busy = true;
    ClientReply r = gShell.client->request(RequestKind::Help, partial);
    gShell.busy = false;
    printLines(r.lines);
    if (r.lost) gShell.lost = gShell.done = true;
    rl_on_new_line();
    rl_redisplay();
    return 0;
}

char* nextCompletion(const char*, int state) {
    static std::size_t i;
    if (state == 0) i = 0;
    if (i >= gShell.completions.size()) return nullptr;
    return strdup(gShell.completions[i++].c_str());
}

char** onComplete(const char* text, int, int end) {
    rl_attempted_completion_over = 1;   // never file names
    std::string partial(rl_line_buffer, static_cast<std::size_t>(end));
    ClientReply r = gShell.client->request(RequestKind::Complete, partial);
    if (r.lost) gShell.lost = gShell.done = true;
    gShell.completions = r.completions;
    return rl_completion_matches(text, nextCompletion);
}

} // namespace

int runInteractiveShell(CliClient& client, const std::string& historyFile) {
    gShell = Shell{};
    gShell.client = &client;
    client.onTrace = printAbove;
    rl_readline_name = "gwctl";
    rl_attempted_completion_function = onComplete;
    rl_bind_key('?', onHelpKey);
    using_history();
    stifle_history(1000);
    if (!historyFile.empty()) read_history(historyFile.c_str());
    rl_callback_handler_install(client.prompt().c_str(), onLine);
    while (!gShell.done) {
        pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {client.fd(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) continue;
        if (fds[1].revents && !client.pump()) gShell.lost = gShell.done = true;
        else if (fds[0].revents) rl_callback_read_char();
    }
    rl_callback_handler_remove();
    if (!historyFile.empty()) write_history(historyFile.c_str());
    if (gShell.lost) {
        std::fprintf(stderr, "gwctl: connection to gatewayd lost\n");
        return 1;
    }
    return 0;
}

} // namespace gw::cli
