// Reading and saving config files (the one place in conf/ that does I/O).
#include "conf/loader.hpp"

#include "conf/render.hpp"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

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

std::string saveConfigFile(const std::string& path, const Config& config) {
    const std::string tmp = path + ".tmp";
    auto reason = [](const std::string& what) {
        return what + ": " + std::generic_category().message(errno != 0 ? errno : EIO);
    };
    errno = 0;
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return reason("cannot write " + tmp);
        out << renderRunningConfig(config);
        out.flush();
        if (!out) return reason("cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        return "cannot rename " + tmp + " to " + path + ": " + ec.message();
    }
    return "";
}

} // namespace gw::conf
