// RecvBatch: up to N packets from a non-blocking socket in one recvmmsg(2),
// so a reader woken by epoll/poll never spends a second call to learn the
// queue is empty. Buffers (and, with Control > 0, room for each packet's
// ancillary data such as SCM_RIGHTS) are owned by the batch and set up once;
// reuse one per thread.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace gw::kernel {

template <std::size_t N, std::size_t Bytes, std::size_t Control = 0>
class RecvBatch {
public:
    RecvBatch() {
        for (std::size_t i = 0; i < N; ++i) {
            iov_[i] = {bufs_[i].data(), Bytes};
            msgs_[i] = {};
            msgs_[i].msg_hdr.msg_iov = &iov_[i];
            msgs_[i].msg_hdr.msg_iovlen = 1;
        }
    }
    RecvBatch(const RecvBatch&) = delete;
    RecvBatch& operator=(const RecvBatch&) = delete;

    // Packets received (0 when none was waiting); -1 with errno on an error
    // other than EAGAIN. A zero-length packet reads as size 0.
    int receive(int fd, int flags = 0) {
        if constexpr (Control > 0) {
            for (std::size_t i = 0; i < N; ++i) {   // the kernel shrinks them to what came
                msgs_[i].msg_hdr.msg_control = controls_[i].data();
                msgs_[i].msg_hdr.msg_controllen = Control;
            }
        }
        for (;;) {
            const int n = ::recvmmsg(fd, msgs_.data(), static_cast<unsigned>(N), MSG_DONTWAIT | flags, nullptr);
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        }
    }
    const std::uint8_t* data(std::size_t i) const { return bufs_[i].data(); }
    std::size_t size(std::size_t i) const { return msgs_[i].msg_len; }
    msghdr& header(std::size_t i) { return msgs_[i].msg_hdr; }   // for CMSG_FIRSTHDR

private:
    struct Empty {};
    std::array<std::array<std::uint8_t, Bytes>, N> bufs_;
    std::array<iovec, N> iov_;
    std::array<mmsghdr, N> msgs_;
    [[no_unique_address]] std::conditional_t<(Control > 0), std::array<std::array<char, Control>, N>, Empty>
        controls_;
};

} // namespace gw::kernel
