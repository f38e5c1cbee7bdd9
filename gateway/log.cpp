// Log sink: stderr, one write per line so lines from threads do not mix; the
// trace tap (guarded by a mutex, taken only for lines of a category that is on).
#include "gateway/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <unistd.h>

namespace gw {
namespace {

std::atomic<int> gLevel{static_cast<int>(LogLevel::Info)};
std::atomic<int> gDebug{0};
const char* const kLevelNames[] = {"ERROR", "WARN", "INFO", "DEBUG"};

std::mutex gTapMutex;
LogTap gTap;

// Formats "HH:MM:SS.mmm LEVEL text\n" into `line`; returns its length.
std::size_t formatLine(char (&line)[2048], LogLevel level, const char* fmt, va_list ap) {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    localtime_r(&t, &tm);
    int n = std::snprintf(line, sizeof line, "%02d:%02d:%02d.%03d %-5s ", tm.tm_hour, tm.tm_min,
                          tm.tm_sec, static_cast<int>(ms), kLevelNames[static_cast<int>(level)]);
    int m = std::vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    std::size_t len = n + (m < 0 ? 0 : std::min<std::size_t>(m, sizeof line - n - 2));
    line[len++] = '\n';
    return len;
}

void writeLine(const char* line, std::size_t len) {
    [[maybe_unused]] auto w = ::write(STDERR_FILENO, line, len);
}

} // namespace

void logSetLevel(LogLevel level) { gLevel = static_cast<int>(level); }

void logSetDebug(DebugCat cat, bool on) {
    if (on) gDebug |= static_cast<int>(cat);
    else gDebug &= ~static_cast<int>(cat);
}

bool logDebugOn(DebugCat cat) { return gDebug & static_cast<int>(cat); }

void logv(LogLevel level, const char* fmt, va_list ap) {
    if (static_cast<int>(level) > gLevel) return;
    char line[2048];
    writeLine(line, formatLine(line, level, fmt, ap));
}

void logf(LogLevel level, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    logv(level, fmt, ap);
    va_end(ap);
}

void logCat(DebugCat cat, LogLevel level, const char* fmt, ...) {
    bool on = logDebugOn(cat);
    if (!on && static_cast<int>(level) > gLevel) return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    std::size_t len = formatLine(line, level, fmt, ap);
    va_end(ap);
    writeLine(line, len);
    if (!on) return;
    std::lock_guard<std::mutex> lock(gTapMutex);
    if (gTap) gTap(cat, std::string(line, len - 1));
}

void logSetTap(LogTap tap) {
    std::lock_guard<std::mutex> lock(gTapMutex);
    gTap = std::move(tap);
}

} // namespace gw
