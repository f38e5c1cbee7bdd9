// CliServer: the management CLI on a unix stream socket (mode 0660, never a
// network port), watched by the signalling loop: one CliSession per client,
// non-blocking reads and writes, debug traces queued from the log tap.
#pragma once

#include "gateway/cli/cli_runtime.hpp"
#include "gateway/cli/cli_session.hpp"
#include "kernel/event_loop.hpp"
#include "kernel/unique_fd.hpp"

#include <sys/types.h>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace gw {

// The listening socket (cli_server_socket.cpp): creates the parent
// directories (mode 0750), replaces a stale socket, refuses a live one or a
// file that is not a socket, binds, sets mode 0660 and listens.
kernel::UniqueFd listenCliSocket(const std::string& path, std::string& error);

class CliServer {
public:
    // Listens on `path` (its directory is created; a stale socket replaced,
    // a live one refused). nullptr and a sentence in `error` on failure.
    static std::unique_ptr<CliServer> open(kernel::EventLoop& loop, CliRuntime& runtime, const std::string& path,
                                           std::string& error);
    // Closes every session, removes the socket file and the log tap.
    ~CliServer();
    CliServer(const CliServer&) = delete;
    CliServer& operator=(const CliServer&) = delete;

    const std::string& path() const { return path_; }
    std::size_t sessionCount() const { return clients_.size(); }
    // A debug category was switched off: no session shows it any more.
    void dropTraces(DebugCat cat);

    static constexpr std::size_t kMaxSessions = 16;
    static constexpr std::size_t kMaxPendingOutput = 8u << 20;   // then the client is dropped
    static constexpr std::size_t kMaxPendingTraces = 10000;

private:
    struct Client {
        int id = 0;
        kernel::UniqueFd fd;
        std::string in, out;
        bool discarding = false;      // skipping the rest of an overlong line
        bool closing = false;         // close once `out` is sent
        bool dead = false;
        kernel::TimerId flushTimer = 0;
        std::unique_ptr<CliSession> session;
    };

    CliServer(kernel::EventLoop& loop, CliRuntime& runtime, std::string path);
    void onAccept();
    void onReadable(int id);
    void takeLines(Client& c);
    void handleLine(Client& c, const std::string& line);
    void reply(Client& c, const CliReply& r);
    void send(Client& c, const std::string& data);
    void flush(Client& c);
    void drop(Client& c, const char* why);
    void reap();
    void onTraces();
    void queueTrace(DebugCat cat, const std::string& line);

    kernel::EventLoop& loop_;
    CliRuntime& runtime_;
    std::string path_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    kernel::UniqueFd listen_;
    kernel::UniqueFd wake_;                  // eventfd: traces queued
    std::map<int, std::unique_ptr<Client>> clients_;
    int nextId_ = 1;
    kernel::TimerId reapTimer_ = 0;

    std::mutex traceMutex_;                  // guards traces_ and droppedTraces_
    std::deque<std::pair<DebugCat, std::string>> traces_;
    std::size_t droppedTraces_ = 0;
};

} // namespace gw
