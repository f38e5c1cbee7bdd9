// MediaEngine: one media thread running an epoll loop over every channel's
// B-channel fd, RTP and RTCP sockets, plus an eventfd that wakes it for
// commands queued (mutex + deque) by the signalling thread.
#include "dsp/media_engine.hpp"

#include "dsp/media_channel.hpp"

#include <sys/epoll.h>
#include <pthread.h>
#include <sys/eventfd.h>

#include <cassert>
#include <cerrno>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

namespace gw::dsp {
namespace {

// epoll tokens: (channel serial << 2) | kind; serial 0 is the engine itself.
enum Kind : std::uint64_t { kCommands = 0, kRtp = 1, kRtcp = 2, kBearer = 3 };
std::uint64_t token(std::uint64_t serial, Kind kind) { return (serial << 2) | kind; }

constexpr int kMaxEvents = 64;

} // namespace

struct MediaEngine::Impl {
    struct Command {
        enum Op { Add, Attach, SetRemote, Release, Stop } op;
        MediaId id = 0;
        std::unique_ptr<MediaChannel> channel;   // Add
        kernel::UniqueFd fd;                     // Attach
        kernel::Law law = kernel::Law::Alaw;     // Attach
        RtpSpec spec;                            // SetRemote
    };
    struct Entry {
        std::uint64_t serial;
        std::unique_ptr<MediaChannel> channel;
    };

    std::string bindAddr;
    int portMin, portMax;

    // Caller side (allocate, stats): guarded by callerMutex.
    mutable std::mutex callerMutex;
    std::mt19937 random{std::random_device{}()};
    int nextPort;
    std::map<MediaId, std::shared_ptr<ChannelCounters>> counters;

    // Command queue.
    std::mutex queueMutex;
    std::deque<Command> queue;
    kernel::UniqueFd wakeFd;

    // Media thread only.
    kernel::UniqueFd epollFd;
    std::unordered_map<MediaId, Entry> channels;
    std::unordered_map<std::uint64_t, MediaChannel*> bySerial;
    std::uint64_t lastSerial = 0;
    bool running = true;
    std::thread thread;

    Impl(std::string addr, int min, int max)
        : bindAddr(std::move(addr)), portMin(min), portMax(max), nextPort(min) {}

    void post(Command c);
    void run();
    void drainCommands();
    void apply(Command& c);
    void watch(int fd, std::uint64_t tok);
    void unwatch(int fd);
    void dispatch(std::uint64_t tok, std::uint32_t events);
    void dropBearer(MediaChannel& ch, std::uint64_t serial);
};

// The media thread is woken only by the command that finds the queue empty:
// it takes the whole queue at once, so the commands of one signalling event
// (allocate, attach, start) cost one wake-up, not three.
void MediaEngine::Impl::post(Command c) {
    bool wasEmpty;
    {
        std::lock_guard lock(queueMutex);
        wasEmpty = queue.empty();
        queue.push_back(std::move(c));
    }
    if (!wasEmpty) return;
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wakeFd.get(), &one, sizeof one);   // cannot block
}

void MediaEngine::Impl::watch(int fd, std::uint64_t tok) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tok;
    [[maybe_unused]] const int rc = ::epoll_ctl(epollFd.get(), EPOLL_CTL_ADD, fd, &ev);
    assert(rc == 0);
}

void MediaEngine::Impl::unwatch(int fd) {
    if (fd >= 0) ::epoll_ctl(epollFd.get(), EPOLL_CTL_DEL, fd, nullptr);
}

void MediaEngine::Impl::run() {
    ::pthread_setname_np(::pthread_self(), "gw-media");   // as top -H and ps -L show it
    epoll_event events[kMaxEvents];
    while (running) {
        const int n = ::epoll_wait(epollFd.get(), events, kMaxEvents, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;   // cannot happen with a valid epoll fd
        }
        for (int i = 0; i < n && running; ++i) dispatch(events[i].data.u64, events[i].events);
    }
}

void MediaEngine::Impl::dispatch(std::uint64_t tok, std::uint32_t events) {
    const auto kind = static_cast<Kind>(tok & 3);
    if (kind == kCommands) {
        drainCommands();
        return;
    }
    // A channel released earlier in this batch is no longer found.
    auto it = bySerial.find(tok >> 2);
    if (it == bySerial.end()) return;
    MediaChannel& ch = *it->second;
    switch (kind) {
    case kRtp: ch.onRtpReadable(); break;
    case kRtcp: ch.onRtcpReadable(); break;
    case kBearer:
        if (ch.bearerFd() < 0) break;   // stale event of a bearer dropped in this batch
        // Read first: a hang-up may come with the last frames still queued.
        if (!ch.onBearerReadable() || ((events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN))) {
            ch.countBearerHangup();
            dropBearer(ch, tok >> 2);
        }
        break;
    default: break;
    }
}

void MediaEngine::Impl::dropBearer(MediaChannel& ch, std::uint64_t serial) {
    unwatch(ch.bearerFd());
    ch.detachBearer();   // closes it
    watch(ch.rtpFd(), token(serial, kRtp));   // RTP is counted again as it comes
}

void MediaEngine::Impl::drainCommands() {
    std::uint64_t count = 0;
    [[maybe_unused]] ssize_t r = ::read(wakeFd.get(), &count, sizeof count);
    std::deque<Command> batch;
    {
        std::lock_guard lock(queueMutex);
        batch.swap(queue);
    }
    for (Command& c : batch) apply(c);
}

void MediaEngine::Impl::apply(Command& c) {
    if (c.op == Command::Stop) {
        running = false;
        return;
    }
    if (c.op == Command::Add) {
        const std::uint64_t serial = ++lastSerial;
        MediaChannel& ch = *c.channel;
        if (auto old = channels.find(c.id); old != channels.end()) {   // id reused: replace
            Command release{Command::Release, c.id, {}, {}, {}, {}};
            apply(release);
        }
        watch(ch.rtpFd(), token(serial, kRtp));
        watch(ch.rtcpFd(), token(serial, kRtcp));
        bySerial[serial] = &ch;
        channels[c.id] = Entry{serial, std::move(c.channel)};
        return;
    }
    auto it = channels.find(c.id);
    if (it == channels.end()) return;   // released or never allocated: c.fd closes
    MediaChannel& ch = *it->second.channel;
    switch (c.op) {
    case Command::Attach: {
        const bool hadBearer = ch.bearerFd() >= 0;
        unwatch(ch.bearerFd());
        const int fd = c.fd.get();
        ch.attachBearer(std::move(c.fd), c.law);   // the old fd closes here
        watch(fd, token(it->second.serial, kBearer));
        // With a B-channel, RTP is read on its clock: no wake-up per packet.
        if (!hadBearer) unwatch(ch.rtpFd());
        break;
    }
    case Command::SetRemote: ch.setRemote(c.spec); break;
    case Command::Release:
        // The channel owns the only copy of each fd: closing them takes them
        // out of the epoll set, no EPOLL_CTL_DEL needed.
        bySerial.erase(it->second.serial);
        channels.erase(it);   // closes the sockets and the B-channel
        break;
    default: break;
    }
}

MediaEngine::MediaEngine(std::string bindAddr, int portMin, int portMax)
    : impl_(std::make_unique<Impl>(std::move(bindAddr), portMin, portMax)) {
    impl_->wakeFd.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    impl_->epollFd.reset(::epoll_create1(EPOLL_CLOEXEC));
    // Without these two fds the process cannot do media at all: a bug or
    // fd exhaustion at start-up, not a runtime condition.
    assert(impl_->wakeFd && impl_->epollFd);
    impl_->watch(impl_->wakeFd.get(), token(0, kCommands));
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

MediaEngine::~MediaEngine() {
    impl_->post({Impl::Command::Stop, 0, {}, {}, {}, {}});
    impl_->thread.join();
    // Channels close with impl_.
}

std::optional<int> MediaEngine::allocate(MediaId id) {
    Impl& m = *impl_;
    std::lock_guard lock(m.callerMutex);
    const auto local = parseAddress(m.bindAddr, 0);
    if (!local) return std::nullopt;
    auto sockets = bindRtpPair(*local, m.portMin, m.portMax, m.nextPort);
    if (!sockets) return std::nullopt;
    const int port = sockets->port;
    m.nextPort = port + 2;   // round robin through the range
    // RFC 3550 §5.1 / §8.1: random initial seq, timestamp and SSRC.
    RtpSender sender(static_cast<std::uint32_t>(m.random()),
                     static_cast<std::uint16_t>(m.random()),
                     static_cast<std::uint32_t>(m.random()), 0);
    auto counters = std::make_shared<ChannelCounters>();
    counters->localPort = port;
    m.counters[id] = counters;
    auto channel = std::make_unique<MediaChannel>(std::move(*sockets), sender, counters);
    m.post({Impl::Command::Add, id, std::move(channel), {}, {}, {}});
    return port;
}

void MediaEngine::attachBearer(MediaId id, kernel::UniqueFd bearer, kernel::Law spanLaw) {
    if (!bearer) return;
    impl_->post({Impl::Command::Attach, id, {}, std::move(bearer), spanLaw, {}});
}

void MediaEngine::setRemote(MediaId id, const RtpSpec& rtp) {
    impl_->post({Impl::Command::SetRemote, id, {}, {}, {}, rtp});
}

void MediaEngine::release(MediaId id) {
    {
        std::lock_guard lock(impl_->callerMutex);
        impl_->counters.erase(id);
    }
    impl_->post({Impl::Command::Release, id, {}, {}, {}, {}});
}

std::optional<MediaStats> MediaEngine::stats(MediaId id) const {
    std::lock_guard lock(impl_->callerMutex);
    auto it = impl_->counters.find(id);
    if (it == impl_->counters.end()) return std::nullopt;
    return it->second->snapshot();
}

const std::string& MediaEngine::bindAddr() const {
    return impl_->bindAddr;
}

} // namespace gw::dsp
