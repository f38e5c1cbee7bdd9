// CliSession: one operator session of the management CLI, as IOS: the exec
// mode (`gw1#`: show, clear, debug, write ...) and, after `configure
// terminal`, a ConfigSession on the running configuration whose accepted
// commands the gateway applies at once. Pure: it talks to a CliRuntime.
#pragma once

#include "conf/config_session.hpp"
#include "gateway/cli/cli_runtime.hpp"

#include <string>
#include <vector>

namespace gw {

struct CliReply {
    std::vector<std::string> lines;
    bool ok = true;
    bool close = false;        // the session ends (`exit` in exec mode)

    void add(std::string line) { lines.push_back(std::move(line)); }
    void addText(const std::string& text);   // split at '\n'
    void fail(std::string line) { lines.push_back(std::move(line)); ok = false; }
};

class CliSession {
public:
    CliSession(CliRuntime& runtime, int id);

    CliReply execute(const std::string& line);
    // `?`: the words that may follow `partial` (or complete its last word).
    CliReply help(const std::string& partial) const;
    // TAB: the keywords completing the last word of `partial`.
    std::vector<std::string> complete(const std::string& partial) const;
    std::string prompt() const;
    bool inConfig() const { return configMode_; }
    int id() const { return id_; }

    // Debug categories whose traces this session shows (DebugCat bits).
    unsigned traces() const { return traces_; }
    void setTrace(DebugCat cat, bool on);

    // For the exec command handlers.
    CliRuntime& runtime() { return runtime_; }
    void enterConfig();
    std::size_t promptWidth() const { return promptWidth_; }

private:
    CliReply runExec(const std::string& line);
    CliReply runConfig(const std::string& line);

    CliRuntime& runtime_;
    int id_;
    conf::ConfigSession config_;
    bool configMode_ = false;
    bool changed_ = false;            // the configuration changed in this config session
    unsigned traces_ = 0;
    std::size_t promptWidth_ = 0;     // of the prompt the current line was typed after
};

} // namespace gw
