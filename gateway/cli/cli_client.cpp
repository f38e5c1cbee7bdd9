// CliClient over a blocking unix stream socket; pump() peeks without blocking.
#include "gateway/cli/cli_client.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>

namespace gw::cli {

bool CliClient::connect(const std::string& path, std::string& error) {
    sockaddr_un a{};
    if (path.empty() || path.size() >= sizeof a.sun_path) {
        error = "socket path too long";
        return false;
    }
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd_ || ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        error = std::strerror(errno);
        fd_.reset();
        return false;
    }
    std::vector<std::string> said;
    std::string line;
    while (readLine(line)) {
        auto r = parseReply(line);
        if (!r) continue;
        if (r->kind == ReplyKind::Output) said.push_back(r->text);
        if (r->kind != ReplyKind::End) continue;
        if (r->status == EndStatus::Ok) {
            prompt_ = r->text;
            return true;
        }
        break;
    }
    error = said.empty() ? "the daemon closed the connection" : said.front();
    fd_.reset();
    return false;
}

ClientReply CliClient::request(RequestKind kind, const std::string& text) {
    ClientReply reply;
    std::string msg = encodeRequest(kind, text);
    for (std::size_t done = 0; done < msg.size();) {
        ssize_t n = ::send(fd_.get(), msg.data() + done, msg.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            reply.lost = true;
            return reply;
        }
        done += static_cast<std::size_t>(n);
    }
    std::string line;
    while (readLine(line)) {
        auto r = parseReply(line);
        if (!r) continue;
        switch (r->kind) {
        case ReplyKind::Output: reply.lines.push_back(r->text); break;
        case ReplyKind::Completion: reply.completions.push_back(r->text); break;
        case ReplyKind::Trace:
            if (onTrace) onTrace(r->text);
            break;
        case ReplyKind::End:
            reply.status = r->status;
            reply.prompt = r->text;
            if (r->status != EndStatus::Bye) prompt_ = r->text;
            return reply;
        }
    }
    reply.lost = true;
    return reply;
}

bool CliClient::pump() {
    if (!fill(false)) return false;
    std::string line;
    while (takeLine(line))
        if (auto r = parseReply(line); r && r->kind == ReplyKind::Trace && onTrace) onTrace(r->text);
    return true;
}

bool CliClient::takeLine(std::string& line) {
    auto nl = buf_.find('\n');
    if (nl == std::string::npos) return false;
    line = buf_.substr(0, nl);
    buf_.erase(0, nl + 1);
    return true;
}

bool CliClient::readLine(std::string& line) {
    while (!takeLine(line))
        if (!fill(true)) return false;
    return true;
}

// Appends what the socket has; false on EOF or error (not on "nothing yet").
bool CliClient::fill(bool block) {
    char buf[8192];
    for (;;) {
        ssize_t n = ::recv(fd_.get(), buf, sizeof buf, block ? 0 : MSG_DONTWAIT);
        if (n > 0) {
            buf_.append(buf, static_cast<std::size_t>(n));
            return true;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && !block && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        return false;
    }
}

} // namespace gw::cli
