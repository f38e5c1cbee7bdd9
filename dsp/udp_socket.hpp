// UDP helpers for the media engine: parse an IPv4/IPv6 literal, bind an
// RTP/RTCP pair on an even/odd port (RFC 3550 §11) inside a range, and send a
// datagram without blocking. Thin POSIX wrappers; no protocol logic.
#pragma once

#include "kernel/unique_fd.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace gw::dsp {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family() const { return storage.ss_family; }
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// `addr` must be a numeric IPv4 or IPv6 literal (no names: the media thread
// never resolves). An empty string means the IPv4 wildcard. When `family` is
// AF_INET6 an IPv4 literal is returned v4-mapped (::ffff:a.b.c.d).
std::optional<SocketAddress> parseAddress(const std::string& addr, int port, int family = 0);

// True for an address that means "do not send" (0.0.0.0 / :: / port 0), the
// old hold convention (RFC 3264 §8.4).
bool isNullAddress(const SocketAddress& a);

struct RtpSockets {
    kernel::UniqueFd rtp, rtcp;   // non-blocking, close-on-exec
    int port = 0;                 // even; RTCP is port + 1
};

// Binds the first free even port p in [portMin, portMax - 1] at or after
// `start` (wrapping round), with p + 1 bound for RTCP. nullopt if none is free.
std::optional<RtpSockets> bindRtpPair(const SocketAddress& local, int portMin, int portMax,
                                      int start);

// Sends one datagram; false if the kernel refused it (full, unreachable...).
bool sendDatagram(int fd, const std::uint8_t* data, std::size_t n, const SocketAddress& to);

} // namespace gw::dsp
