// UDP helpers over the BSD socket API. Ports are tried in turn from a start
// point so that a port just released is not handed out again at once (late
// packets of the old call would otherwise reach the new one).
#include "dsp/udp_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>

#include <cstring>

namespace gw::dsp {
namespace {

kernel::UniqueFd bindUdp(const SocketAddress& local, int port) {
    SocketAddress a = local;
    if (a.family() == AF_INET6)
        reinterpret_cast<sockaddr_in6*>(&a.storage)->sin6_port = htons(static_cast<std::uint16_t>(port));
    else
        reinterpret_cast<sockaddr_in*>(&a.storage)->sin_port = htons(static_cast<std::uint16_t>(port));
    kernel::UniqueFd fd(::socket(a.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return fd;
    if (a.family() == AF_INET6) {   // dual-stack on "::" so IPv4 peers work too
        int off = 0;
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    if (::bind(fd.get(), a.get(), a.length) != 0) fd.reset();
    return fd;
}

} // namespace

std::optional<SocketAddress> parseAddress(const std::string& addr, int port, int family) {
    if (port < 0 || port > 65535) return std::nullopt;
    SocketAddress out;
    in_addr v4{};
    in6_addr v6{};
    const std::string text = addr.empty() ? "0.0.0.0" : addr;
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        if (family == AF_INET6) {   // RFC 4291 §2.5.5.2 IPv4-mapped
            std::memset(&v6, 0, sizeof v6);
            v6.s6_addr[10] = v6.s6_addr[11] = 0xFF;
            std::memcpy(&v6.s6_addr[12], &v4, 4);
        } else {
            auto* s = reinterpret_cast<sockaddr_in*>(&out.storage);
            s->sin_family = AF_INET;
            s->sin_port = htons(static_cast<std::uint16_t>(port));
            s->sin_addr = v4;
            out.length = sizeof(sockaddr_in);
            return out;
        }
    } else if (::inet_pton(AF_INET6, text.c_str(), &v6) != 1 || family == AF_INET) {
        return std::nullopt;
    }
    auto* s = reinterpret_cast<sockaddr_in6*>(&out.storage);
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(static_cast<std::uint16_t>(port));
    s->sin6_addr = v6;
    out.length = sizeof(sockaddr_in6);
    return out;
}

bool isNullAddress(const SocketAddress& a) {
    if (a.family() == AF_INET) {
        const auto* s = reinterpret_cast<const sockaddr_in*>(&a.storage);
        return s->sin_port == 0 || s->sin_addr.s_addr == INADDR_ANY;
    }
    const auto* s = reinterpret_cast<const sockaddr_in6*>(&a.storage);
    static const in6_addr kMappedAny = {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0}}};
    return s->sin6_port == 0 || IN6_IS_ADDR_UNSPECIFIED(&s->sin6_addr) ||
           std::memcmp(&s->sin6_addr, &kMappedAny, sizeof kMappedAny) == 0;
}

std::optional<RtpSockets> bindRtpPair(const SocketAddress& local, int portMin, int portMax,
                                      int start) {
    const int first = (portMin + 1) & ~1;   // RTP on even ports (RFC 3550 §11)
    if (first <= 0 || portMax > 65535 || first + 1 > portMax) return std::nullopt;
    const int count = (portMax - first + 1) / 2;
    int index = start < first ? 0 : ((start - first) / 2) % count;
    for (int tries = 0; tries < count; ++tries, index = (index + 1) % count) {
        const int port = first + 2 * index;
        RtpSockets s;
        s.rtp = bindUdp(local, port);
        if (!s.rtp) continue;
        s.rtcp = bindUdp(local, port + 1);
        if (!s.rtcp) continue;
        s.port = port;
        return s;
    }
    return std::nullopt;
}

bool sendDatagram(int fd, const std::uint8_t* data, std::size_t n, const SocketAddress& to) {
    const ssize_t sent = ::sendto(fd, data, n, MSG_DONTWAIT | MSG_NOSIGNAL, to.get(), to.length);
    return sent == static_cast<ssize_t>(n);
}

} // namespace gw::dsp
