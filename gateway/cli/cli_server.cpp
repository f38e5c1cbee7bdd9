// CliServer: accepting sessions, buffering their input into lines, running
// each request through its CliSession and writing the reply without ever
// blocking the signalling loop. A session that misbehaves (overlong lines,
// garbage, not reading its output) is refused or dropped, never the daemon.
#include "gateway/cli/cli_server.hpp"

#include "gateway/cli/cli_protocol.hpp"
#include "kernel/log.hpp"

#include <cerrno>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>

namespace gw {

using cli::EndStatus;

std::unique_ptr<CliServer> CliServer::open(kernel::EventLoop& loop, CliRuntime& runtime, const std::string& path,
                                           std::string& error) {
    kernel::UniqueFd fd = listenCliSocket(path, error);
    if (!fd) return nullptr;
    std::unique_ptr<CliServer> s(new CliServer(loop, runtime, path));
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0) s->dev_ = st.st_dev, s->ino_ = st.st_ino;
    s->listen_ = std::move(fd);
    s->wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!s->wake_) {
        error = "eventfd failed";
        return nullptr;
    }
    CliServer* self = s.get();
    loop.watchFd(s->listen_.get(), [self] { self->onAccept(); });
    loop.watchFd(s->wake_.get(), [self] { self->onTraces(); });
    logSetTap([self](DebugCat cat, const std::string& line) { self->queueTrace(cat, line); });
    return s;
}

CliServer::CliServer(kernel::EventLoop& loop, CliRuntime& runtime, std::string path)
    : loop_(loop), runtime_(runtime), path_(std::move(path)) {}

CliServer::~CliServer() {
    logSetTap({});
    for (auto& [id, c] : clients_) {
        if (c->flushTimer) loop_.cancelTimer(c->flushTimer);
        if (c->fd) loop_.unwatchFd(c->fd.get());
    }
    if (reapTimer_) loop_.cancelTimer(reapTimer_);
    if (wake_) loop_.unwatchFd(wake_.get());
    if (listen_) loop_.unwatchFd(listen_.get());
    struct stat st{};
    if (::stat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) ::unlink(path_.c_str());
}

void CliServer::onAccept() {
    for (;;) {
        kernel::UniqueFd fd(::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) return;   // EAGAIN, or a connection that went away
        if (clients_.size() >= kMaxSessions) {
            std::string msg = cli::outputLine("% Too many CLI sessions (" + std::to_string(kMaxSessions) + ")") +
                              cli::endLine(EndStatus::Bye, "");
            [[maybe_unused]] auto n = ::send(fd.get(), msg.data(), msg.size(), MSG_NOSIGNAL);
            continue;
        }
        auto c = std::make_unique<Client>();
        c->id = nextId_++;
        c->fd = std::move(fd);
        c->session = std::make_unique<CliSession>(runtime_, c->id);
        int id = c->id;
        loop_.watchFd(c->fd.get(), [this, id] { onReadable(id); });
        Client& ref = *c;
        clients_[id] = std::move(c);
        GW_INFO("cli: session %d opened", id);
        send(ref, cli::endLine(EndStatus::Ok, ref.session->prompt()));
    }
}

void CliServer::onReadable(int id) {
    auto it = clients_.find(id);
    if (it == clients_.end() || it->second->dead) return;
    Client& c = *it->second;
    char buf[4096];
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return drop(c, "closed by the client");
    if (n < 0) return;
    c.in.append(buf, static_cast<std::size_t>(n));
    takeLines(c);
}

// Runs every complete line; an overlong line is refused once and skipped.
void CliServer::takeLines(Client& c) {
    std::size_t start = 0;
    for (std::size_t nl; !c.dead && !c.closing && (nl = c.in.find('\n', start)) != std::string::npos; start = nl + 1) {
        if (c.discarding) {
            c.discarding = false;
            continue;
        }
        if (nl - start > cli::kMaxLine) {
            send(c, cli::outputLine("% Line too long") + cli::endLine(EndStatus::Error, c.session->prompt()));
            continue;
        }
        handleLine(c, c.in.substr(start, nl - start));
    }
    c.in.erase(0, std::min(start, c.in.size()));
    if (c.in.size() > cli::kMaxLine && !c.discarding) {
        send(c, cli::outputLine("% Line too long") + cli::endLine(EndStatus::Error, c.session->prompt()));
        c.discarding = true;
    }
    if (c.discarding) c.in.clear();
}

void CliServer::handleLine(Client& c, const std::string& line) {
    auto req = cli::parseRequest(line);
    if (!req) {
        send(c, cli::outputLine("% Bad request (expected 'x', '?' or 't' and a command line)") +
                    cli::endLine(EndStatus::Error, c.session->prompt()));
        return;
    }
    CliReply r;
    try {
        if (req->kind == cli::RequestKind::Exec) {
            r = c.session->execute(req->text);
        } else if (req->kind == cli::RequestKind::Help) {
            r = c.session->help(req->text);
        } else {
            std::string out;
            for (const auto& w : c.session->complete(req->text)) out += cli::completionLine(w);
            send(c, out + cli::endLine(EndStatus::Ok, c.session->prompt()));
            return;
        }
    } catch (const std::exception& e) {
        GW_ERROR("cli: session %d: '%s' failed: %s", c.id, req->text.c_str(), e.what());
        r = CliReply{};
        r.fail(std::string("% Internal error: ") + e.what());
    }
    reply(c, r);
}

void CliServer::reply(Client& c, const CliReply& r) {
    std::string out;
    for (const auto& l : r.lines) out += cli::outputLine(l);
    if (r.close) {
        out += cli::endLine(EndStatus::Bye, "");
        c.closing = true;
    } else {
        out += cli::endLine(r.ok ? EndStatus::Ok : EndStatus::Error, c.session->prompt());
    }
    send(c, out);
}

void CliServer::send(Client& c, const std::string& data) {
    if (c.dead) return;
    if (c.out.size() + data.size() > kMaxPendingOutput) return drop(c, "not reading its output");
    c.out += data;
    flush(c);
}

void CliServer::flush(Client& c) {
    while (!c.out.empty()) {
        ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        if (n <= 0) return drop(c, "write failed");
        c.out.erase(0, static_cast<std::size_t>(n));
    }
    if (c.out.empty()) {
        if (c.closing) drop(c, "session ended");
        return;
    }
    if (!c.flushTimer) {
        int id = c.id;
        c.flushTimer = loop_.startTimer(std::chrono::milliseconds(10), [this, id] {
            auto it = clients_.find(id);
            if (it == clients_.end()) return;
            it->second->flushTimer = 0;
            flush(*it->second);
        });
    }
}

// Stops watching the client now; the object is freed from a timer, so a
// callback that is still running on it finds it intact.
void CliServer::drop(Client& c, const char* why) {
    if (c.dead) return;
    c.dead = true;
    loop_.unwatchFd(c.fd.get());
    if (c.flushTimer) loop_.cancelTimer(c.flushTimer);
    c.flushTimer = 0;
    GW_INFO("cli: session %d closed (%s)", c.id, why);
    if (!reapTimer_) reapTimer_ = loop_.startTimer(std::chrono::milliseconds(0), [this] { reap(); });
}

void CliServer::reap() {
    reapTimer_ = 0;
    std::erase_if(clients_, [](const auto& kv) { return kv.second->dead; });
}

void CliServer::dropTraces(DebugCat cat) {
    for (auto& [id, c] : clients_) c->session->setTrace(cat, false);
}

// Any thread: queue the line and wake the loop.
void CliServer::queueTrace(DebugCat cat, const std::string& line) {
    std::lock_guard<std::mutex> lock(traceMutex_);
    if (traces_.size() >= kMaxPendingTraces) {
        ++droppedTraces_;
        return;
    }
    bool wake = traces_.empty();
    traces_.emplace_back(cat, line);
    if (wake) {
        std::uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
    }
}

void CliServer::onTraces() {
    std::uint64_t count;
    [[maybe_unused]] auto n = ::read(wake_.get(), &count, sizeof count);
    std::deque<std::pair<DebugCat, std::string>> lines;
    std::size_t dropped = 0;
    {
        std::lock_guard<std::mutex> lock(traceMutex_);
        lines.swap(traces_);
        std::swap(dropped, droppedTraces_);
    }
    for (auto& [id, c] : clients_) {
        if (c->dead) continue;
        std::string out;
        for (const auto& [cat, line] : lines)
            if (c->session->traces() & static_cast<unsigned>(cat)) out += cli::traceLine(line);
        if (dropped && c->session->traces()) out += cli::traceLine("% " + std::to_string(dropped) + " trace lines dropped");
        // A session far behind loses traces rather than the connection.
        if (!out.empty() && c->out.size() + out.size() <= kMaxPendingOutput / 2) send(*c, out);
    }
}

} // namespace gw
