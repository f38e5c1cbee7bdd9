// listenCliSocket: the CLI's unix socket, set up with plain POSIX calls.
#include "gateway/cli/cli_server.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

namespace gw {
namespace {

std::string lastError() { return std::strerror(errno); }

bool makeParents(const std::string& path, std::string& error) {
    for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        std::string dir = path.substr(0, slash);
        if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) {
            error = "cannot create " + dir + ": " + lastError();
            return false;
        }
    }
    return true;
}

sockaddr_un addressOf(const std::string& path) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    return a;
}

// An existing file at `path`: a socket nobody answers on is removed.
bool clearStale(const std::string& path, std::string& error) {
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0) return true;
    if (!S_ISSOCK(st.st_mode)) {
        error = path + " exists and is not a socket";
        return false;
    }
    kernel::UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un a = addressOf(path);
    if (probe && ::connect(probe.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        error = "another gatewayd is serving " + path;
        return false;
    }
    ::unlink(path.c_str());
    return true;
}

} // namespace

kernel::UniqueFd listenCliSocket(const std::string& path, std::string& error) {
    if (path.empty() || path.size() >= sizeof(sockaddr_un{}.sun_path)) {
        error = "socket path must be 1-" + std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " characters";
        return {};
    }
    if (!makeParents(path, error) || !clearStale(path, error)) return {};
    kernel::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        error = "socket: " + lastError();
        return {};
    }
    sockaddr_un a = addressOf(path);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        error = "cannot bind " + path + ": " + lastError();
        return {};
    }
    if (::chmod(path.c_str(), 0660) != 0 || ::listen(fd.get(), 16) != 0) {
        error = path + ": " + lastError();
        ::unlink(path.c_str());
        return {};
    }
    return fd;
}

} // namespace gw
