// Logging to stderr: one line per event, timestamped, with a level.
// `debug` categories (isdn, sip, ccapi) can be switched on at run time; their
// lines also go to a tap, through which the CLI shows them to its sessions.
// A thread may batch its lines (the signalling thread does): they are written
// together at most kLogBatchMs after the first, errors and warnings at once.
#pragma once

#include <cstdarg>
#include <functional>
#include <string>

namespace gw {

enum class LogLevel { Error, Warning, Info, Debug };
enum class DebugCat { IsdnQ931 = 1, SipMessages = 2, Ccapi = 4 };

void logSetLevel(LogLevel level);
void logSetDebug(DebugCat cat, bool on);
bool logDebugOn(DebugCat cat);
void logf(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void logv(LogLevel level, const char* fmt, va_list ap);

// A line of a debug category: logged at `level` like any other line, or
// whatever the level while the category is on; while it is on, the line
// (timestamp included, no newline) also goes to the tap.
void logCat(DebugCat cat, LogLevel level, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
// The tap runs on the thread that logs; it must be quick and thread-safe.
// An empty function removes it.
using LogTap = std::function<void(DebugCat, const std::string&)>;
void logSetTap(LogTap tap);

// Batching for the calling thread. `armFlush` is called (on this thread) when
// a line enters an empty batch; it must see that logFlush() runs on this
// thread within kLogBatchMs (a loop timer). An empty function ends batching
// and writes what is pending.
constexpr int kLogBatchMs = 20;
void logBatchThisThread(std::function<void()> armFlush);
// Writes this thread's pending lines, in one write() when they fit.
void logFlush();
// On SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT, writes the lines the
// batching thread still holds, then lets the signal kill the process as
// before: the last lines before a crash are the ones an administrator needs.
void logFlushOnFatalSignals();

} // namespace gw

#define GW_ERROR(...) ::gw::logf(::gw::LogLevel::Error, __VA_ARGS__)
#define GW_WARN(...) ::gw::logf(::gw::LogLevel::Warning, __VA_ARGS__)
#define GW_INFO(...) ::gw::logf(::gw::LogLevel::Info, __VA_ARGS__)
#define GW_DEBUG(...) ::gw::logf(::gw::LogLevel::Debug, __VA_ARGS__)
// Call-control events (`debug voip ccapi`): logged at Info as always.
#define GW_CCAPI(...) ::gw::logCat(::gw::DebugCat::Ccapi, ::gw::LogLevel::Info, __VA_ARGS__)
