// Virtual span socket set-up: the Device end binds the path (replacing a
// stale socket file after probing it), the Peer end connects to it; then
// openVirtualSpan wraps the socket in a running VirtualSpan.
#include "kernel/virtual_span.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gw::kernel {

namespace {

bool makeAddress(const std::string& path, sockaddr_un& addr, std::string& error) {
    std::memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) {
        error = "span path '" + path + "' is empty or longer than " +
                std::to_string(sizeof addr.sun_path - 1) + " bytes";
        return false;
    }
    std::memcpy(addr.sun_path, path.data(), path.size());
    return true;
}

UniqueFd newSocket(bool nonBlocking) {
    const int flags = SOCK_SEQPACKET | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0);
    return UniqueFd(::socket(AF_UNIX, flags, 0));
}

std::string sysError(const std::string& what, const std::string& path, int err) {
    return what + " " + path + ": " + std::strerror(err);
}

// The path exists: a live Device answers a connect(), a stale socket file
// refuses it. Returns true when the stale file was removed.
bool removeStaleSocket(const std::string& path, const sockaddr_un& addr, std::string& error) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode)) {
        error = "span path " + path + " exists and is not a socket";
        return false;
    }
    UniqueFd probe = newSocket(true);
    if (!probe) {
        error = sysError("cannot probe span path", path, errno);
        return false;
    }
    if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 ||
        errno == EAGAIN || errno == EINPROGRESS) {
        error = "span path " + path + " is in use by another process";
        return false;
    }
    if (errno != ECONNREFUSED) {
        error = sysError("cannot probe span path", path, errno);
        return false;
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        error = sysError("cannot remove stale span socket", path, errno);
        return false;
    }
    return true;
}

} // namespace

UniqueFd listenSpanSocket(const std::string& path, std::string& error) {
    sockaddr_un addr;
    if (!makeAddress(path, addr, error)) return {};
    UniqueFd fd = newSocket(true);
    if (!fd) {
        error = sysError("cannot create span socket", path, errno);
        return {};
    }
    int rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    if (rc != 0 && errno == EADDRINUSE) {
        if (!removeStaleSocket(path, addr, error)) return {};
        rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    }
    if (rc != 0) {
        error = sysError("cannot create span socket", path, errno);
        return {};
    }
    if (::listen(fd.get(), 4) != 0) {
        error = sysError("cannot listen on span socket", path, errno);
        ::unlink(path.c_str());
        return {};
    }
    return fd;
}

UniqueFd connectSpanSocket(const std::string& path, std::string& error) {
    sockaddr_un addr;
    if (!makeAddress(path, addr, error)) return {};
    UniqueFd fd = newSocket(false);
    if (!fd) {
        error = sysError("cannot create socket for span", path, errno);
        return {};
    }
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno == ENOENT || errno == ECONNREFUSED) {
            error = "no span device at " + path + " (is gatewayd running?)";
        } else {
            error = sysError("cannot connect to span", path, errno);
        }
        return {};
    }
    const int flags = ::fcntl(fd.get(), F_GETFL);
    ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
    return fd;
}

std::unique_ptr<Span> openVirtualSpan(const std::string& path, SpanType type, SpanEnd end,
                                      std::string& error, bool reattach) {
    UniqueFd sock = end == SpanEnd::Device ? listenSpanSocket(path, error)
                                           : connectSpanSocket(path, error);
    if (!sock) return nullptr;
    auto span = std::make_unique<VirtualSpan>(path, type, end, std::move(sock));
    span->setReattach(reattach && end == SpanEnd::Peer);
    if (!span->start(error)) return nullptr;
    return span;
}

} // namespace gw::kernel
