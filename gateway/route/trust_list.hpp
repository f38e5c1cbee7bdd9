// TrustList: toll-fraud protection as IOS's `ip address trusted
// authenticate`. A call from SIP is taken only from an address in
// `voice service voip` -> `ip address trusted list`, a voip dial-peer's
// session target or the sip-ua's sip-server (IPv4 and IPv6 literals); any
// other source is refused with 403 before routing, so a scanner learns
// nothing of the dial plan. Immutable: rebuilt whole on a config change.
#pragma once

#include "conf/config.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gw::route {

class TrustList {
public:
    struct Entry {
        std::string text;     // "ipv4 10.1.0.0 255.255.0.0", "ipv4:192.0.2.10:5060"
        std::string source;   // "trusted list", "dial-peer 100", "sip-server"
    };

    explicit TrustList(const conf::Config& config);
    static std::shared_ptr<const TrustList> build(const conf::Config& config);

    // False with `no ip address trusted authenticate`: every source allowed.
    bool enforced() const { return enforced_; }
    // Whether a call from `address` (as the SIP stack reports the source:
    // "192.0.2.1", "2001:db8::1", "[2001:db8::1]", "::ffff:192.0.2.1") may
    // be taken. An address that does not parse is not trusted.
    bool allows(const std::string& address) const;
    const std::vector<Entry>& entries() const { return entries_; }
    // Session targets given by DNS name, which are not trusted by name.
    const std::vector<std::string>& unresolved() const { return unresolved_; }

private:
    struct Net {
        std::array<std::uint8_t, 16> addr{};   // IPv4 as ::ffff:a.b.c.d
        int prefix = 128;                      // bits, over the 16 bytes
    };
    void addV4(const std::string& address, int prefix, Entry entry);
    void add(std::optional<std::array<std::uint8_t, 16>> addr, int prefix, Entry entry);   // prefix over 128 bits

    bool enforced_ = true;
    std::vector<Net> nets_;
    std::vector<Entry> entries_;
    std::vector<std::string> unresolved_;
};

// Parses an address as allows() accepts it, IPv4 mapped into IPv6.
std::optional<std::array<std::uint8_t, 16>> parseAddress(const std::string& text);

} // namespace gw::route
