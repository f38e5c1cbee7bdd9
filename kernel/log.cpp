// Log sink: stderr, whole lines per write so lines from threads do not mix;
// per-thread batches (a thread_local buffer, flushed by the thread's own
// timer, at once for errors and warnings, or when it grows past kBatchBytes);
// the trace tap (guarded by a mutex, taken only for lines of a category that
// is on).
#include "kernel/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <climits>
#include <csignal>
#include <functional>
#include <mutex>
#include <string>
#include <unistd.h>

namespace gw {
namespace {

std::atomic<int> gLevel{static_cast<int>(LogLevel::Info)};
std::atomic<int> gDebug{0};
const char* const kLevelNames[] = {"ERROR", "WARN", "INFO", "DEBUG"};

std::mutex gTapMutex;
LogTap gTap;

// Formats "HH:MM:SS.mmm LEVEL text\n" into `line`; returns its length. The
// HH:MM:SS part is worked out once a second per thread.
std::size_t formatLine(char (&line)[2048], LogLevel level, const char* fmt, va_list ap) {
    thread_local std::time_t cachedSecond = -1;
    thread_local char clock[9];
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    if (t != cachedSecond) {
        std::tm tm{};
        localtime_r(&t, &tm);
        std::snprintf(clock, sizeof clock, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
        cachedSecond = t;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    int n = std::snprintf(line, sizeof line, "%s.%03d %-5s ", clock, static_cast<int>(ms),
                          kLevelNames[static_cast<int>(level)]);
    int m = std::vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    std::size_t len = n + (m < 0 ? 0 : std::min<std::size_t>(m, sizeof line - n - 2));
    line[len++] = '\n';
    return len;
}

constexpr std::size_t kBatchBytes = 16384;

struct Batch {
    std::function<void()> armFlush;   // empty: this thread writes each line at once
    std::string pending;
};
thread_local Batch tBatch;
// The batching thread's buffer, for the fatal-signal handler (any thread).
std::atomic<const std::string*> gBatched{nullptr};

void onFatalSignal(int sig) {
    if (const std::string* pending = gBatched.load()) {
        // Best effort from a crashing process: write() is async-signal-safe.
        [[maybe_unused]] ssize_t w = ::write(STDERR_FILENO, pending->data(), pending->size());
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

void writeOut(const char* data, std::size_t len) {
    while (len > 0) {
        const ssize_t w = ::write(STDERR_FILENO, data, len);
        if (w <= 0) return;   // nowhere to log to: drop, never block the caller
        data += w;
        len -= static_cast<std::size_t>(w);
    }
}

void writeLine(LogLevel level, const char* line, std::size_t len) {
    Batch& b = tBatch;
    if (!b.armFlush) {
        writeOut(line, len);
        return;
    }
    const bool first = b.pending.empty();
    b.pending.append(line, len);
    if (level <= LogLevel::Warning || b.pending.size() >= kBatchBytes) {
        logFlush();
    } else if (first) {
        b.armFlush();
    }
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
    writeLine(level, line, formatLine(line, level, fmt, ap));
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
    writeLine(level, line, len);
    if (!on) return;
    std::lock_guard<std::mutex> lock(gTapMutex);
    if (gTap) gTap(cat, std::string(line, len - 1));
}

void logSetTap(LogTap tap) {
    std::lock_guard<std::mutex> lock(gTapMutex);
    gTap = std::move(tap);
}

void logBatchThisThread(std::function<void()> armFlush) {
    if (!armFlush) logFlush();
    gBatched = armFlush ? &tBatch.pending : nullptr;
    tBatch.armFlush = std::move(armFlush);
}

void logFlushOnFatalSignals() {
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, onFatalSignal);
}

// Written in pieces of whole lines no longer than PIPE_BUF, so that a pipe
// never interleaves another thread's line inside one of these.
void logFlush() {
    Batch& b = tBatch;
    std::size_t from = 0;
    while (from < b.pending.size()) {
        std::size_t len = std::min<std::size_t>(b.pending.size() - from, PIPE_BUF);
        if (from + len < b.pending.size()) {
            const std::size_t nl = b.pending.rfind('\n', from + len - 1);
            if (nl != std::string::npos && nl >= from) len = nl + 1 - from;
        }
        writeOut(b.pending.data() + from, len);
        from += len;
    }
    b.pending.clear();
}

} // namespace gw
