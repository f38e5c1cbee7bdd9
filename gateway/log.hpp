// Logging to stderr: one line per event, timestamped, with a level.
// `debug` categories (isdn, sip, ccapi) can be switched on at run time.
#pragma once

#include <cstdarg>
#include <string>

namespace gw {

enum class LogLevel { Error, Warning, Info, Debug };
enum class DebugCat { IsdnQ931 = 1, SipMessages = 2, Ccapi = 4 };

void logSetLevel(LogLevel level);
void logSetDebug(DebugCat cat, bool on);
bool logDebugOn(DebugCat cat);
void logf(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void logv(LogLevel level, const char* fmt, va_list ap);

} // namespace gw

#define GW_ERROR(...) ::gw::logf(::gw::LogLevel::Error, __VA_ARGS__)
#define GW_WARN(...) ::gw::logf(::gw::LogLevel::Warning, __VA_ARGS__)
#define GW_INFO(...) ::gw::logf(::gw::LogLevel::Info, __VA_ARGS__)
#define GW_DEBUG(...) ::gw::logf(::gw::LogLevel::Debug, __VA_ARGS__)
