// Logging to stderr: one line per event, timestamped, with a level.
// `debug` categories (isdn, sip, ccapi) can be switched on at run time; their
// lines also go to a tap, through which the CLI shows them to its sessions.
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

} // namespace gw

#define GW_ERROR(...) ::gw::logf(::gw::LogLevel::Error, __VA_ARGS__)
#define GW_WARN(...) ::gw::logf(::gw::LogLevel::Warning, __VA_ARGS__)
#define GW_INFO(...) ::gw::logf(::gw::LogLevel::Info, __VA_ARGS__)
#define GW_DEBUG(...) ::gw::logf(::gw::LogLevel::Debug, __VA_ARGS__)
// Call-control events (`debug voip ccapi`): logged at Info as always.
#define GW_CCAPI(...) ::gw::logCat(::gw::DebugCat::Ccapi, ::gw::LogLevel::Info, __VA_ARGS__)
