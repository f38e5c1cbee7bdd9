// Keyword spellings of the configuration enums and the small value syntaxes
// (session targets, IPv4 addresses, timeslot lists) shared by the command
// tables and the renderer, so a value is parsed and printed in one place.
#pragma once

#include "conf/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gw::conf {

std::string_view switchTypeName(SwitchType t);
std::optional<SwitchType> parseSwitchType(std::string_view word);
std::string_view codecName(Codec c);
std::optional<Codec> parseCodec(std::string_view word);
std::string_view dtmfRelayName(DtmfRelay d);
std::optional<DtmfRelay> parseDtmfRelay(std::string_view word);
std::string_view controllerTypeName(ControllerType t);   // "t1" / "e1"

bool isIpv4(std::string_view text);
// A.B.C.D (each part decimal, 0-255) as a 32-bit number, A in the top octet.
std::optional<std::uint32_t> parseIpv4(std::string_view text);
// A netmask A.B.C.D (contiguous ones, then zeros) as its prefix length.
std::optional<int> maskPrefix(std::string_view text);
bool isHostName(std::string_view text);     // DNS name: letters, digits, '-', '.'
bool isDialString(std::string_view text);   // digits, '*', '#', leading '+'

// `ipv4:ADDR[:PORT]` or `dns:NAME[:PORT]`; "" on success, else the reason.
std::string parseTarget(std::string_view word, SessionTarget& out);
std::string formatTarget(const SessionTarget& t);   // inverse of parseTarget (and sip-server/registrar)

// `1-31`, `1-15,17-31`: "" when valid for `maxSlot`, else the reason.
std::string checkTimeslots(std::string_view text, int maxSlot);
int maxTimeslot(ControllerType t);   // 24 for T1, 31 for E1

std::optional<long> parseNumber(std::string_view text);
bool equalsNoCase(std::string_view a, std::string_view b);
bool startsWithNoCase(std::string_view text, std::string_view prefix);

} // namespace gw::conf
