// Q.931 frame decoder for traces (pure: no libpri, no I/O). Takes one
// D-channel frame as Q.921 carries it (address + control, no FCS), finds the
// Q.931 message in an I or UI frame, and decodes its header and every
// information element: named (Table 4-3), with the contents of those a trace
// reader needs spelled out (bearer, channel, numbers, cause, progress,
// display, restart indicator).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gw::isdn {

constexpr std::uint8_t kQ931Discriminator = 0x08;   // Q.931 §4.2
constexpr int kQ931Setup = 0x05;                    // Q.931 Table 4-2

struct Q931Ie {
    int codeset = 0;
    int id = 0;                      // identifier octet (single-octet IEs: as coded)
    std::string name;                // "Channel identification", or "IE 0xNN"
    std::vector<std::uint8_t> body;  // contents after the length octet
    std::string value;               // decoded contents, "" when not decoded
};

struct Q931Message {
    int sapi = 0;
    int tei = 0;
    int callRefLength = 0;       // 0: dummy call reference
    int callRef = 0;             // value without the flag bit; 0 = global
    bool callRefFlag = false;    // Q.931 §4.3: set by the side that did not allocate it
    int type = 0;                // message type octet
    std::string name;            // "SETUP", "RELEASE COMPLETE", or "UNKNOWN 0xNN"
    std::optional<int> cause;    // Cause IE (0x08) value, Q.850
    std::optional<int> channel;  // Channel identification IE (0x18) B-channel number
    bool channelExclusive = false;
    std::vector<Q931Ie> ies;         // in the order they came
};

// One line for traces: "SETUP cr=0x0001/orig: Bearer capability speech,
// A-law; Channel identification B1 exclusive; ..." (undecoded IEs in hex).
std::string describeQ931(const Q931Message& msg);
std::string hexOf(const std::vector<std::uint8_t>& bytes);

// Name of a Q.931 message type (Table 4-2), or nullptr if unknown.
const char* q931MessageName(int type);

// Q.921 frame kind for logs: "I", "UI", "RR", "RNR", "REJ", "SABME", "UA",
// "DISC", "DM", "FRMR", "XID" or "?". `frame` starts at the address field.
std::string q921FrameKind(const std::uint8_t* frame, std::size_t n);

// Decodes the Q.931 message carried by a Q.921 I or UI frame on SAPI 0.
// nullopt for any other frame (supervisory, unnumbered, TEI management) or a
// malformed/foreign-protocol message.
std::optional<Q931Message> decodeQ931Frame(const std::uint8_t* frame, std::size_t n);

// Decodes a bare Q.931 message (starting at the protocol discriminator).
std::optional<Q931Message> decodeQ931(const std::uint8_t* msg, std::size_t n);

} // namespace gw::isdn
