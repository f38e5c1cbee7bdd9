// Reading and saving config files (the one place in conf/ that does I/O).
#include "conf/loader.hpp"

#include "conf/render.hpp"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace gw::conf {

bool loadConfigFile(const std::string& path, Config& out, std::vector<Diagnostic>& errors) {
    auto fail = [&](const std::string& why) {
        errors.push_back({path, 0, -1, "", "cannot read config file: " + why, ""});
        return false;
    };
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec) return fail(ec.message());
    if (std::filesystem::is_directory(status)) return fail(std::make_error_code(std::errc::is_a_directory).message());
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(std::generic_category().message(errno != 0 ? errno : EIO));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return fail(std::generic_category().message(errno != 0 ? errno : EIO));
    return loadConfigText(text.str(), path, out, errors);
}

namespace {

std::string systemReason(const std::string& what) {
    return what + ": " + std::generic_category().message(errno != 0 ? errno : EIO);
}

// Writes `text` to `path` (created or truncated) and fsyncs it.
std::string writeSynced(const std::string& path, const std::string& text) {
    errno = 0;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return systemReason("cannot write " + path);
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::string why = systemReason("cannot write " + path);
            ::close(fd);
            return why;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        std::string why = systemReason("cannot sync " + path);
        ::close(fd);
        return why;
    }
    if (::close(fd) != 0) return systemReason("cannot write " + path);
    return "";
}

// The directory entry of a rename survives a crash once the directory is synced.
void syncDirectory(const std::string& path) {
    std::string dir = std::filesystem::path(path).parent_path().string();
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// Copies the current file at `path` to `path`.bak (through a temporary, so a
// half-written backup never replaces a good one). A missing file needs none.
std::string keepBackup(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return "";
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) return systemReason("cannot read " + path + " to back it up");
    std::ostringstream old;
    old << in.rdbuf();
    const std::string bak = path + ".bak";
    if (std::string why = writeSynced(bak + ".tmp", old.str()); !why.empty()) return why;
    std::filesystem::rename(bak + ".tmp", bak, ec);
    if (ec) {
        std::filesystem::remove(bak + ".tmp", ec);
        return "cannot rename " + bak + ".tmp to " + bak + ": " + ec.message();
    }
    return "";
}

} // namespace

std::string saveConfigFile(const std::string& path, const Config& config) {
    const std::string tmp = path + ".tmp";
    std::error_code ec;
    if (std::string why = writeSynced(tmp, renderRunningConfig(config)); !why.empty()) {
        std::filesystem::remove(tmp, ec);
        return why;
    }
    if (std::string why = keepBackup(path); !why.empty()) {
        std::filesystem::remove(tmp, ec);
        return why;
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        return "cannot rename " + tmp + " to " + path + ": " + ec.message();
    }
    syncDirectory(path);
    return "";
}

} // namespace gw::conf
