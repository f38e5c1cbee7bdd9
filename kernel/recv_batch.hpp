// RecvBatch: up to N packets from a non-blocking socket in one recvmmsg(2),
// so a reader woken by epoll/poll never spends a second call to learn the
// queue is empty. Buffers are owned by the batch; reuse one per thread.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace gw::kernel {

template <std::size_t N, std::size_t Bytes>
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
    int receive(int fd, std::size_t max = N) {
        for (;;) {
            const int n = ::recvmmsg(fd, msgs_.data(), static_cast<unsigned>(max < N ? max : N), MSG_DONTWAIT,
                                     nullptr);
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        }
    }
    const std::uint8_t* data(std::size_t i) const { return bufs_[i].data(); }
    std::size_t size(std::size_t i) const { return msgs_[i].msg_len; }

private:
    std::array<std::array<std::uint8_t, Bytes>, N> bufs_;
    std::array<iovec, N> iov_;
    std::array<mmsghdr, N> msgs_;
};

} // namespace gw::kernel
