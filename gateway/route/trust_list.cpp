// TrustList: the trusted networks from the config, matched by prefix over
// 16-byte addresses (IPv4 as IPv4-mapped IPv6, RFC 4291 §2.5.5.2).
#include "gateway/route/trust_list.hpp"

#include "conf/values.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace gw::route {

namespace {

std::array<std::uint8_t, 16> mapped(std::uint32_t v4) {
    std::array<std::uint8_t, 16> out{};
    out[10] = 0xFF;
    out[11] = 0xFF;
    for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(12 + i)] = static_cast<std::uint8_t>(v4 >> (24 - 8 * i));
    return out;
}

std::string targetText(const conf::SessionTarget& t) {
    return "ipv4:" + t.host + (t.port ? ":" + std::to_string(t.port) : std::string());
}

} // namespace

std::optional<std::array<std::uint8_t, 16>> parseAddress(const std::string& text) {
    std::string s = text;
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    in_addr v4{};
    if (::inet_pton(AF_INET, s.c_str(), &v4) == 1) return mapped(ntohl(v4.s_addr));
    in6_addr v6{};
    if (::inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::array<std::uint8_t, 16> out{};
        std::memcpy(out.data(), &v6, 16);
        return out;
    }
    return std::nullopt;
}

TrustList::TrustList(const conf::Config& config) : enforced_(config.voip.trustedAuthenticate) {
    for (const conf::TrustedAddress& t : config.voip.trusted) {
        std::string text = (t.v6 ? "ipv6 " : "ipv4 ") + t.address + (t.mask.empty() ? "" : " " + t.mask);
        if (t.v6) {
            const auto slash = t.address.find('/');
            const auto prefix = slash == std::string::npos ? std::optional<long>(128)
                                                           : conf::parseNumber(t.address.substr(slash + 1));
            add(parseAddress(t.address.substr(0, slash)), static_cast<int>(prefix.value_or(128)), {text, "trusted list"});
        } else {
            addV4(t.address, t.mask.empty() ? 32 : conf::maskPrefix(t.mask).value_or(32), {text, "trusted list"});
        }
    }
    for (const auto& [tag, peer] : config.dialPeers) {
        if (peer.kind != conf::PeerKind::Voip || peer.shutdown) continue;
        if (peer.target.kind == conf::TargetKind::Ipv4) {
            addV4(peer.target.host, 32, {targetText(peer.target), "dial-peer " + std::to_string(tag)});
        } else if (peer.target.kind == conf::TargetKind::Dns) {
            unresolved_.push_back("dial-peer " + std::to_string(tag) + " dns:" + peer.target.host);
        }
    }
    if (const auto& server = config.sipUa.sipServer) {
        if (server->kind == conf::TargetKind::Ipv4) addV4(server->host, 32, {targetText(*server), "sip-server"});
        else unresolved_.push_back("sip-server dns:" + server->host);
    }
    if (const auto& registrar = config.sipUa.registrar) {
        const conf::SessionTarget& t = registrar->target;
        if (t.kind == conf::TargetKind::Ipv4) addV4(t.host, 32, {targetText(t), "registrar"});
        else unresolved_.push_back("registrar dns:" + t.host);
    }
}

std::shared_ptr<const TrustList> TrustList::build(const conf::Config& config) {
    return std::make_shared<const TrustList>(config);
}

// IPv4 as the configuration writes it (conf::parseIpv4: the same digits the
// validator accepted), `prefix` in IPv4 bits.
void TrustList::addV4(const std::string& address, int prefix, Entry entry) {
    const auto v4 = conf::parseIpv4(address);
    add(v4 ? std::optional(mapped(*v4)) : std::nullopt, 96 + prefix, std::move(entry));
}

void TrustList::add(std::optional<std::array<std::uint8_t, 16>> addr, int prefix, Entry entry) {
    if (!addr) return;   // the config language has validated it
    nets_.push_back(Net{*addr, prefix});
    entries_.push_back(std::move(entry));
}

bool TrustList::allows(const std::string& address) const {
    if (!enforced_) return true;
    const auto addr = parseAddress(address);
    if (!addr) return false;
    for (const Net& n : nets_) {
        const int whole = n.prefix / 8, rest = n.prefix % 8;
        if (std::memcmp(addr->data(), n.addr.data(), static_cast<std::size_t>(whole)) != 0) continue;
        if (rest != 0) {
            const std::uint8_t mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
            if (((*addr)[static_cast<std::size_t>(whole)] ^ n.addr[static_cast<std::size_t>(whole)]) & mask) continue;
        }
        return true;
    }
    return false;
}

} // namespace gw::route
