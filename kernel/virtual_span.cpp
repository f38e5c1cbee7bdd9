// VirtualSpan relay thread: one poll() loop per span over the far-end
// connection, the idle D-channel (drained while the line is down), the 20 ms
// timerfd clocking the B-channels and an eventfd carrying open/close commands
// and shutdown. The D-channel itself is read and written by the layer above.
#include "kernel/virtual_span.hpp"

#include "kernel/recv_batch.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace gw::kernel {

namespace {

constexpr int kSendFlags = MSG_DONTWAIT | MSG_NOSIGNAL;

void wakeUp(int eventFd) {
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t rc = ::write(eventFd, &one, sizeof one);
}

// The fds a message carried (SCM_RIGHTS): the first is kept, any other closed.
UniqueFd takePassedFd(msghdr& msg) {
    UniqueFd passed;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (!passed) passed.reset(fd);
            else ::close(fd);
        }
    }
    return passed;
}

bool packetPair(UniqueFd& a, UniqueFd& b) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0) return false;
    a.reset(pair[0]);
    b.reset(pair[1]);
    return true;
}

template <typename Queue, typename Frame>
void pushBounded(Queue& queue, const Frame& frame) {
    queue.push_back(frame);
    if (queue.size() > kMaxQueuedFrames) queue.pop_front();   // drop the oldest
}

} // namespace

VirtualSpan::VirtualSpan(std::string path, SpanType type, SpanEnd end, UniqueFd sock)
    : shape_(spanShape(type)), path_(std::move(path)), end_(end) {
    if (end_ == SpanEnd::Device) {
        listen_ = std::move(sock);
        struct stat st {};
        if (::stat(path_.c_str(), &st) == 0) {
            socketDev_ = st.st_dev;
            socketIno_ = st.st_ino;
        }
    } else {
        link_ = std::move(sock);
    }
}

VirtualSpan::~VirtualSpan() {
    stop_ = true;
    if (wake_) wakeUp(wake_.get());
    if (thread_.joinable()) thread_.join();
    if (end_ == SpanEnd::Device && socketIno_ != 0) {
        // Remove the socket file only if it is still the one we created.
        struct stat st {};
        if (::stat(path_.c_str(), &st) == 0 && st.st_dev == socketDev_ && st.st_ino == socketIno_) {
            ::unlink(path_.c_str());
        }
    }
}

bool VirtualSpan::start(std::string& error) {
    if (!packetPair(dUpper_, dIdle_)) {
        error = std::string("cannot create the D-channel of span ") + path_ + ": " + std::strerror(errno);
        return false;
    }
    wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    lineEvent_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    dPoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!dPoll_ || !watchUpper()) {
        error = std::string("cannot create the D-channel of span ") + path_ + ": " + std::strerror(errno);
        return false;
    }
    timer_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!wake_ || !lineEvent_ || !timer_) {
        error = std::string("cannot create the clock of span ") + path_ + ": " + std::strerror(errno);
        return false;
    }
    if (link_) attach(std::move(link_));   // Peer end: greet the device
    thread_ = std::thread([this] { run(); });
    return true;
}

std::string VirtualSpan::describe() const {
    return std::string("virtual ") + toString(shape_.type) + " " + path_;
}

UniqueFd VirtualSpan::openBearer(int channel) {
    if (std::find(shape_.bearers.begin(), shape_.bearers.end(), channel) == shape_.bearers.end()) {
        return {};
    }
    int pair[2];
    bool wake;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (open_.count(channel) != 0) return {};
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0) {
            return {};
        }
        // The smallest send buffer holds about kMaxQueuedFrames frames: a
        // caller that stops reading hears at most ~120 ms of stale audio.
        const int small = 1;
        ::setsockopt(pair[1], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        open_.insert(channel);
        wake = commands_.empty();   // the relay takes every queued command per wake-up
        commands_.push_back(Command{true, channel, UniqueFd(pair[1])});
    }
    if (wake) wakeUp(wake_.get());
    return UniqueFd(pair[0]);
}

void VirtualSpan::closeBearer(int channel) {
    bool wake;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (open_.erase(channel) == 0) return;
        wake = commands_.empty();
        commands_.push_back(Command{false, channel, {}});
    }
    if (wake) wakeUp(wake_.get());
}

void VirtualSpan::log(const std::string& what) const {
    std::fprintf(stderr, "span %s: %s\n", describe().c_str(), what.c_str());
}

void VirtualSpan::run() {
    ::pthread_setname_np(::pthread_self(), end_ == SpanEnd::Device ? "gw-vspan" : "gw-vspan-peer");
    while (!stop_) {
        pollfd fds[5];
        nfds_t n = 0;
        fds[n++] = {wake_.get(), POLLIN, 0};
        fds[n++] = {timer_.get(), POLLIN, 0};
        fds[n++] = {dIdle_ ? dIdle_.get() : -1, POLLIN, 0};
        const nfds_t listenAt = listen_ ? n++ : 0;
        if (listen_) fds[listenAt] = {listen_.get(), POLLIN, 0};
        const nfds_t linkAt = link_ ? n++ : 0;
        if (link_) fds[linkAt] = {link_.get(), POLLIN, 0};

        if (::poll(fds, n, waitingToReattach() ? kReattachEveryMs : -1) < 0) {
            if (errno == EINTR) continue;
            log(std::string("relay stopped: ") + std::strerror(errno));
            return;
        }
        if (fds[0].revents != 0) {
            std::uint64_t count;
            [[maybe_unused]] ssize_t rc = ::read(wake_.get(), &count, sizeof count);
            applyCommands();
            if (dGone_.exchange(false)) {
                // A hang-up while the line is down belongs to the previous
                // far end (a new one may already be greeting us).
                if (link_ && !alarm_) detach("far end closed its D-channel");
                else lineDown();   // the reader has drained the hung-up line
            }
        }
        if (fds[1].revents != 0) tick();
        if (fds[2].revents != 0) drainIdleD();
        if (linkAt != 0 && fds[linkAt].revents != 0) readLink();
        if (listenAt != 0 && fds[listenAt].revents != 0) acceptPeer();
        if (waitingToReattach()) tryReattach();
    }
}

bool VirtualSpan::waitingToReattach() const {
    return reattach_ && !link_;
}

// A Device that is not back yet refuses the connection (or its socket file
// is gone); a new one that has bound the path takes it.
void VirtualSpan::tryReattach() {
    const auto now = std::chrono::steady_clock::now();
    if (now < nextReattach_) return;
    nextReattach_ = now + std::chrono::milliseconds(kReattachEveryMs);
    std::string error;
    UniqueFd fd = connectSpanSocket(path_, error);
    if (!fd) return;
    log("the device is back; attaching again");
    attach(std::move(fd));
}

void VirtualSpan::applyCommands() {
    std::vector<Command> commands;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        commands.swap(commands_);
    }
    for (Command& cmd : commands) {
        if (cmd.open) {
            Bearer bearer;
            bearer.fd = std::move(cmd.fd);
            bearers_.insert_or_assign(cmd.channel, std::move(bearer));
        } else {
            bearers_.erase(cmd.channel);
        }
    }
    armTimer(!bearers_.empty());
}

void VirtualSpan::armTimer(bool on) {
    if (on == timerArmed_) return;
    itimerspec spec{};
    if (on) {
        spec.it_interval.tv_nsec = kFrameMs * 1000000L;
        spec.it_value = spec.it_interval;
    }
    ::timerfd_settime(timer_.get(), 0, &spec, nullptr);
    timerArmed_ = on;
}

void VirtualSpan::tick() {
    std::uint64_t expirations = 0;
    if (::read(timer_.get(), &expirations, sizeof expirations) != sizeof expirations) return;
    // After a stall, catch up a little (as a card's buffers would) but never
    // more than the queues can hold.
    const std::uint64_t ticks = std::min<std::uint64_t>(expirations, kMaxQueuedFrames);
    for (std::uint64_t i = 0; i < ticks; ++i) {
        for (auto& [channel, bearer] : bearers_) clockBearer(channel, bearer);
        flushLink();
    }
}

void VirtualSpan::clockBearer(int channel, Bearer& bearer) {
    const std::uint8_t idle = idleCode(shape_.law);
    Frame out;
    if (bearer.fromFar.empty()) {
        out.fill(idle);   // underrun: the line carries silence
    } else {
        out = bearer.fromFar.front();
        bearer.fromFar.pop_front();
    }
    ::send(bearer.fd.get(), out.data(), out.size(), kSendFlags);   // caller behind: dropped

    // Every frame the caller wrote since the last tick, in one call.
    thread_local RecvBatch<kMaxQueuedFrames, kMaxWireMessage> batch;
    const int n = batch.receive(bearer.fd.get());
    for (int i = 0; i < n; ++i) {
        Frame in;
        in.fill(idle);
        std::memcpy(in.data(), batch.data(i), std::min(batch.size(i), in.size()));
        pushBounded(bearer.toFar, in);
    }
    Frame next;
    if (bearer.toFar.empty()) {
        next.fill(idle);
    } else {
        next = bearer.toFar.front();
        bearer.toFar.pop_front();
    }
    if (link_ && helloSeen_) queueLink(static_cast<std::uint8_t>(channel), next);
}

// One tick's B-channel frames go to the far end in one sendmmsg().
void VirtualSpan::queueLink(std::uint8_t tag, const Frame& frame) {
    OutFrame& o = outgoing_.emplace_back();
    o.bytes[0] = tag;
    std::memcpy(o.bytes.data() + 1, frame.data(), frame.size());
}

void VirtualSpan::flushLink() {
    if (outgoing_.empty()) return;
    if (link_) {
        std::array<iovec, kMaxBearers> iov;
        std::array<mmsghdr, kMaxBearers> msgs;
        const std::size_t n = std::min(outgoing_.size(), kMaxBearers);
        for (std::size_t i = 0; i < n; ++i) {
            iov[i] = {outgoing_[i].bytes.data(), outgoing_[i].bytes.size()};
            msgs[i] = {};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        // A full link drops the rest, as a congested line would; a dead one
        // is noticed by readLink().
        ::sendmmsg(link_.get(), msgs.data(), static_cast<unsigned>(n), kSendFlags);
    }
    outgoing_.clear();   // keeps its capacity: no allocation per tick
}

void VirtualSpan::acceptPeer() {
    UniqueFd fd(::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;
    if (link_) {
        log("refusing a second far end: one is already attached");
        return;   // closing it tells the newcomer at once
    }
    attach(std::move(fd));
}

void VirtualSpan::attach(UniqueFd link) {
    link_ = std::move(link);
    helloSeen_ = false;
    const std::string hello = spanHello(shape_.type);
    ::send(link_.get(), hello.data(), hello.size(), kSendFlags);
}

// The alarm is raised at once. A D-channel that was up is hung up but not yet
// replaced: frames the far end sent before it went away are still read, and
// the reader's hang-up report (readDchannel -> -1) puts the idle line in.
void VirtualSpan::detach(const char* why) {
    link_.reset();
    helloSeen_ = false;
    if (dIdle_) {
        lineDown();
    } else {
        ::shutdown(dUpper_.get(), SHUT_RDWR);
        alarm_ = true;
        wakeUp(lineEvent_.get());
    }
    ++detaches_;
    for (auto& entry : bearers_) entry.second.fromFar.clear();
    std::string text = std::string(why) + "; span in alarm";
    if (end_ == SpanEnd::Device) text += ", waiting for a far end";
    if (reattach_) text += ", attaching again when the device is back";
    log(text);
}

// Receives the waiting messages (a tick's worth of B-channel frames in one
// recvmmsg()) with the fds that came with them (SCM_RIGHTS): the D-channel
// handed over by the Device; any other fd is closed unread.
void VirtualSpan::readLink() {
    constexpr std::size_t kBatch = 32;   // more than a tick of an E1's frames
    thread_local RecvBatch<kBatch, kMaxWireMessage, CMSG_SPACE(4 * sizeof(int))> batch;
    while (link_) {
        const int n = batch.receive(link_.get(), MSG_CMSG_CLOEXEC);
        if (n < 0) {
            if (errno == ECONNRESET) detach("far end went away");
            else detach((std::string("far end connection failed: ") + std::strerror(errno)).c_str());
            return;
        }
        for (int i = 0; i < n && link_; ++i) {
            UniqueFd passed = takePassedFd(batch.header(i));
            if (batch.size(i) == 0) {   // the far end closed the connection
                detach("far end went away");
                return;
            }
            onLinkMessage(batch.data(i), batch.size(i), std::move(passed));
        }
        if (n < static_cast<int>(kBatch)) return;   // the queue is drained
    }
}

void VirtualSpan::onLinkMessage(const std::uint8_t* data, std::size_t n, UniqueFd passed) {
    if (!helloSeen_) {
        SpanType theirs;
        if (!parseSpanHello(data, n, theirs)) {
            detach("far end did not greet with a span hello; connection dropped");
        } else if (theirs != shape_.type) {
            const std::string why = std::string("far end is a virtual ") + toString(theirs) +
                                    " span, this one is " + toString(shape_.type) +
                                    "; connection dropped";
            detach(why.c_str());
        } else {
            helloSeen_ = true;
            // The Device hands the D-channel over; the Peer waits for it.
            if (end_ == SpanEnd::Device && handOverDchannel()) log("far end attached, alarm cleared");
        }
        return;
    }
    const std::uint8_t tag = data[0];
    if (tag == kDchannelTag) {
        if (end_ == SpanEnd::Peer && passed && alarm_) {
            lineUp(std::move(passed));
            log("attached, D-channel received, alarm cleared");
        }
        return;   // anything else on channel 0 is ignored (and its fd closed)
    }
    const auto it = bearers_.find(tag);
    if (it == bearers_.end() || n - 1 != kFrameBytes) return;   // channel not open here
    Frame frame;
    std::memcpy(frame.data(), data + 1, kFrameBytes);
    pushBounded(it->second.fromFar, frame);
}

// With no far end the line is down: what the layer above sends is lost, as
// on a wire.
void VirtualSpan::drainIdleD() {
    std::uint8_t buf[kMaxWireMessage];
    while (dIdle_ && ::recv(dIdle_.get(), buf, sizeof buf, MSG_DONTWAIT) >= 0) {
    }
}

// Device: a new D-channel pair, the far end's half sent over the link.
bool VirtualSpan::handOverDchannel() {
    UniqueFd mine, theirs;
    if (!packetPair(mine, theirs)) {
        detach((std::string("cannot create a D-channel: ") + std::strerror(errno)).c_str());
        return false;
    }
    std::uint8_t tag = kDchannelTag;
    iovec iov{&tag, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    const int fd = theirs.get();
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (::sendmsg(link_.get(), &msg, kSendFlags) != 1) {
        detach((std::string("cannot hand the D-channel to the far end: ") + std::strerror(errno)).c_str());
        return false;
    }
    lineUp(std::move(mine));
    return true;
}

// dup3() swaps the line behind dUpper_'s number in one step: a reader never
// sees the number closed, and the old line's far end sees it hang up.
void VirtualSpan::lineUp(UniqueFd dchannel) {
    ::dup3(dchannel.get(), dUpper_.get(), O_CLOEXEC);
    watchUpper();
    dIdle_.reset();
    dGone_ = false;   // a hang-up seen on the previous line is not this one's
    alarm_ = false;
    wakeUp(lineEvent_.get());
}

void VirtualSpan::lineDown() {
    if (dIdle_) {         // already down
        alarm_ = true;
        return;
    }
    UniqueFd near, idle;
    if (packetPair(near, idle)) {
        ::dup3(near.get(), dUpper_.get(), O_CLOEXEC);
        watchUpper();
        dIdle_ = std::move(idle);
    }
    alarm_ = true;
    wakeUp(lineEvent_.get());
}

// The file behind dUpper_ is new after each dup3(): the old one left dPoll_
// when it was closed.
bool VirtualSpan::watchUpper() {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = dUpper_.get();
    return ::epoll_ctl(dPoll_.get(), EPOLL_CTL_ADD, dUpper_.get(), &ev) == 0;
}

long VirtualSpan::readDchannel(std::uint8_t* buf, std::size_t cap) {
    const ssize_t n = ::recv(dUpper_.get(), buf, cap, MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : lineGone();
    if (n == 0) {
        // An empty message, or the far end closed its half.
        pollfd p{dUpper_.get(), POLLIN | POLLRDHUP, 0};   // dUpper_ itself, not the epoll set
        return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLRDHUP)) != 0 ? lineGone() : 0;
    }
    // An HDLC controller discards a frame whose FCS does not check.
    if (static_cast<std::size_t>(n) <= kFcsBytes || !checkFcs(buf, static_cast<std::size_t>(n))) {
        ++badFcs_;
        return 0;
    }
    return n;
}

long VirtualSpan::lineGone() {
    dGone_ = true;
    wakeUp(wake_.get());   // the relay drops the link and puts the line down
    return -1;
}

bool VirtualSpan::writeDchannel(std::uint8_t* frame, std::size_t n) {
    if (n <= kFcsBytes || n > kMaxWireMessage) return false;
    fillFcs(frame, n);
    return ::send(dUpper_.get(), frame, n, kSendFlags) == static_cast<ssize_t>(n);
}

} // namespace gw::kernel
