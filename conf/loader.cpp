// Config text loading through a ConfigSession, all-or-nothing.
#include "conf/loader.hpp"

#include "conf/config_session.hpp"

namespace gw::conf {

std::string Diagnostic::toString() const {
    std::string s = source + ":";
    if (line > 0) s += std::to_string(line) + ":";
    s += " " + message;
    if (!text.empty()) s += " in \"" + text + "\"";
    return s;
}

bool loadConfigText(std::string_view text, const std::string& sourceName, Config& out,
                    std::vector<Diagnostic>& errors) {
    Config work;
    ConfigSession session(work);
    bool good = true;
    int lineNo = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto nl = text.find('\n', start);
        std::string line(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
        start = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++lineNo;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        Result r = session.execute(line);
        if (r.ok()) continue;
        good = false;
        std::size_t first = line.find_first_not_of(" \t");
        errors.push_back({sourceName, lineNo, r.column, r.word, r.describe(),
                          first == std::string::npos ? "" : line.substr(first)});
    }
    if (good) out = std::move(work);
    return good;
}

} // namespace gw::conf
