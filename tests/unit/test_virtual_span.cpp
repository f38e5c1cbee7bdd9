// Virtual span: device and peer ends in one process on a temporary path;
// D-channel frames with FCS, alarm and recovery, B-channel clocking, and the
// socket path rules (stale file replaced, live one refused, bad directory).
#include "kernel/virtual_span.hpp"

#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

using namespace gw::kernel;

namespace {

struct TempDir {
    std::string dir;
    TempDir() {
        char tmpl[] = "/tmp/vspan-test-XXXXXX";
        const char* made = ::mkdtemp(tmpl);
        BOOST_REQUIRE(made != nullptr);
        dir = made;
    }
    ~TempDir() { std::filesystem::remove_all(dir); }
    std::string path(const char* name = "span") const { return dir + "/" + name; }
};

bool waitFor(const std::function<bool()>& condition, int timeoutMs = 1000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return condition();
}

// Reads one packet from a non-blocking fd, waiting up to timeoutMs.
std::vector<std::uint8_t> readPacket(int fd, int timeoutMs = 500) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, timeoutMs) <= 0) return {};
    std::vector<std::uint8_t> buf(kMaxWireMessage);
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n <= 0) return {};
    buf.resize(static_cast<std::size_t>(n));
    return buf;
}

void writePacket(int fd, const std::vector<std::uint8_t>& data) {
    BOOST_REQUIRE_EQUAL(::send(fd, data.data(), data.size(), MSG_NOSIGNAL),
                        static_cast<ssize_t>(data.size()));
}

std::unique_ptr<Span> open(const std::string& path, SpanEnd end, SpanType type = SpanType::E1) {
    std::string error;
    auto span = openVirtualSpan(path, type, end, error);
    BOOST_REQUIRE_MESSAGE(span, error);
    return span;
}

// A frame as libpri writes it: Q.921 I-frame bytes plus two FCS placeholders.
const std::vector<std::uint8_t> kFrame{0x00, 0x01, 0x00, 0x00, 0x08, 0x01, 0x01, 0x05, 0x00, 0x00};

bool waitReadable(int fd, int timeoutMs = 1000) {
    pollfd pfd{fd, POLLIN, 0};
    return ::poll(&pfd, 1, timeoutMs) == 1;
}

void sendD(Span& span, std::vector<std::uint8_t> frame) {
    BOOST_REQUIRE(span.writeDchannel(frame.data(), frame.size()) || span.inAlarm());
}

// The next D-channel frame the span lets through, waiting up to timeoutMs.
std::vector<std::uint8_t> recvD(Span& span, int timeoutMs = 500) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    std::vector<std::uint8_t> buf(kMaxWireMessage);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!waitReadable(span.dchannelFd(), 20)) continue;
        const long n = span.readDchannel(buf.data(), buf.size());
        if (n > 0) {
            buf.resize(static_cast<std::size_t>(n));
            return buf;
        }
    }
    return {};
}

// One message on `fd` carrying an fd (SCM_RIGHTS).
UniqueFd receiveFd(int fd) {
    if (!waitReadable(fd)) return {};
    std::uint8_t byte;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC) != 1 || byte != kDchannelTag) return {};
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (c == nullptr || c->cmsg_type != SCM_RIGHTS) return {};
    int passed;
    std::memcpy(&passed, CMSG_DATA(c), sizeof passed);
    return UniqueFd(passed);
}

UniqueFd rawConnect(const std::string& path) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    BOOST_REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

} // namespace

BOOST_AUTO_TEST_SUITE(virtual_span)

BOOST_AUTO_TEST_CASE(fcs_is_crc16_x25) {
    const std::uint8_t check[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    BOOST_TEST(hdlcFcs(check, sizeof check) == 0x906E);
    std::vector<std::uint8_t> frame = kFrame;
    fillFcs(frame.data(), frame.size());
    BOOST_TEST(checkFcs(frame.data(), frame.size()));
    frame[3] ^= 0x10;
    BOOST_TEST(!checkFcs(frame.data(), frame.size()));
}

BOOST_AUTO_TEST_CASE(shapes) {
    const SpanShape e1 = spanShape(SpanType::E1);
    BOOST_TEST(e1.bearers.size() == 30u);
    BOOST_TEST(e1.dchannel == 16);
    BOOST_TEST((e1.law == Law::Alaw));
    const SpanShape t1 = spanShape(SpanType::T1);
    BOOST_TEST(t1.bearers.size() == 23u);
    BOOST_TEST(t1.dchannel == 24);
    BOOST_TEST(idleCode(Law::Alaw) == 0xD5);
    BOOST_TEST(idleCode(Law::Ulaw) == 0xFF);
}

BOOST_AUTO_TEST_CASE(d_frames_pass_both_ways_with_fcs) {
    TempDir tmp;
    auto device = open(tmp.path(), SpanEnd::Device);
    const int deviceFd = device->dchannelFd();
    auto peer = open(tmp.path(), SpanEnd::Peer);
    BOOST_REQUIRE(waitFor([&] { return !device->inAlarm() && !peer->inAlarm(); }));
    BOOST_TEST(waitReadable(device->lineEventFd(), 0));     // the line event of the attach
    BOOST_TEST(waitReadable(peer->lineEventFd(), 0));
    BOOST_TEST(device->describe() == "virtual e1 " + tmp.path());
    BOOST_TEST(device->dchannelFd() == deviceFd);          // the same number, a new line behind it

    sendD(*device, kFrame);
    auto got = recvD(*peer);
    BOOST_REQUIRE_EQUAL(got.size(), kFrame.size());
    BOOST_TEST(std::equal(kFrame.begin(), kFrame.end() - 2, got.begin()));
    BOOST_TEST(checkFcs(got.data(), got.size()));

    std::vector<std::uint8_t> back{0x02, 0x01, 0x01, 0x02, 0x00, 0x00};
    sendD(*peer, back);
    got = recvD(*device);
    BOOST_REQUIRE_EQUAL(got.size(), back.size());
    BOOST_TEST(std::equal(back.begin(), back.end() - 2, got.begin()));
    BOOST_TEST(checkFcs(got.data(), got.size()));
}

// A far end speaking the wire protocol itself: hello, then the D-channel
// arrives as SCM_RIGHTS; a frame with a bad FCS is dropped and counted; the
// far end closing its D-channel puts the line down.
BOOST_AUTO_TEST_CASE(bad_fcs_is_dropped_and_a_closed_dchannel_is_a_line_down) {
    TempDir tmp;
    auto device = open(tmp.path(), SpanEnd::Device);
    auto& vdevice = dynamic_cast<VirtualSpan&>(*device);
    UniqueFd raw = rawConnect(tmp.path());
    const std::string hello = spanHello(SpanType::E1);
    writePacket(raw.get(), std::vector<std::uint8_t>(hello.begin(), hello.end()));
    BOOST_REQUIRE(waitFor([&] { return !device->inAlarm(); }));
    BOOST_TEST(readPacket(raw.get()).size() == hello.size());   // the device's hello
    UniqueFd d = receiveFd(raw.get());
    BOOST_REQUIRE(d);

    std::vector<std::uint8_t> good = kFrame;
    fillFcs(good.data(), good.size());
    std::vector<std::uint8_t> bad = good;
    bad.back() ^= 0x01;
    writePacket(d.get(), bad);
    writePacket(d.get(), good);
    BOOST_TEST(recvD(*device) == good);                     // the bad one never came out
    BOOST_TEST(vdevice.badFcsCount() == 1u);

    d.reset();
    BOOST_TEST(waitReadable(device->dchannelFd()));
    std::uint8_t buf[64];
    BOOST_TEST(device->readDchannel(buf, sizeof buf) == -1);
    BOOST_TEST(waitFor([&] { return device->inAlarm() && vdevice.detachCount() == 1u; }));
}

BOOST_AUTO_TEST_CASE(alarm_and_recovery) {
    TempDir tmp;
    auto device = open(tmp.path(), SpanEnd::Device);
    BOOST_TEST(device->inAlarm());
    sendD(*device, kFrame);   // line down: lost

    auto peer = open(tmp.path(), SpanEnd::Peer);
    BOOST_REQUIRE(waitFor([&] { return !device->inAlarm() && !peer->inAlarm(); }));
    const std::vector<std::uint8_t> marker{0x02, 0x01, 0x7f, 0x7f, 0x00, 0x00};
    sendD(*device, marker);
    BOOST_TEST(recvD(*peer).at(2) == 0x7f);                // the first frame the peer sees is the marker

    sendD(*peer, kFrame);   // the far end's last frame before it goes away
    peer.reset();
    BOOST_TEST(waitFor([&] { return device->inAlarm(); }));
    BOOST_TEST(recvD(*device).size() == kFrame.size());      // still delivered, after the alarm
    auto again = open(tmp.path(), SpanEnd::Peer);
    BOOST_TEST(waitFor([&] { return !device->inAlarm() && !again->inAlarm(); }));
    sendD(*again, kFrame);
    BOOST_TEST(recvD(*device).size() == kFrame.size());

    device.reset();
    BOOST_TEST(waitFor([&] { return again->inAlarm(); }));
}

// A far end that reattaches outlives the device: while it is gone the line is
// down (frames lost), and a new device on the same path gets the far end back
// with a working D-channel, as a card's line comes back with the PBX.
BOOST_AUTO_TEST_CASE(reattaching_peer_comes_back_to_a_new_device) {
    TempDir tmp;
    auto device = open(tmp.path(), SpanEnd::Device);
    std::string error;
    auto peer = openVirtualSpan(tmp.path(), SpanType::E1, SpanEnd::Peer, error, true);
    BOOST_REQUIRE_MESSAGE(peer, error);
    BOOST_REQUIRE(waitFor([&] { return !device->inAlarm() && !peer->inAlarm(); }));

    device.reset();
    BOOST_REQUIRE(waitFor([&] { return peer->inAlarm(); }));
    std::vector<std::uint8_t> buf(kMaxWireMessage);
    BOOST_TEST(peer->readDchannel(buf.data(), buf.size()) == -1);   // the old line hung up
    sendD(*peer, kFrame);                                           // lost: nobody there

    device = open(tmp.path(), SpanEnd::Device);
    BOOST_REQUIRE(waitFor([&] { return !device->inAlarm() && !peer->inAlarm(); }, 3000));
    const std::vector<std::uint8_t> marker{0x02, 0x01, 0x7f, 0x7f, 0x00, 0x00};
    sendD(*peer, marker);
    BOOST_TEST(recvD(*device).at(2) == 0x7f);   // the frame sent while it was gone did not arrive
    sendD(*device, kFrame);
    BOOST_TEST(recvD(*peer).size() == kFrame.size());
    BOOST_TEST(!peer->inAlarm());
}

BOOST_AUTO_TEST_CASE(second_peer_is_refused_and_types_must_match) {
    TempDir tmp;
    auto device = open(tmp.path(), SpanEnd::Device);
    auto peer = open(tmp.path(), SpanEnd::Peer);
    BOOST_REQUIRE(waitFor([&] { return !peer->inAlarm(); }));
    auto intruder = open(tmp.path(), SpanEnd::Peer);
    BOOST_TEST(waitFor([&] { return dynamic_cast<VirtualSpan&>(*intruder).detachCount() == 1u; }));
    BOOST_TEST(intruder->inAlarm());
    BOOST_TEST(!peer->inAlarm());
    intruder.reset();
    peer.reset();
    BOOST_REQUIRE(waitFor([&] { return device->inAlarm(); }));
    const unsigned before = dynamic_cast<VirtualSpan&>(*device).detachCount();

    auto t1 = open(tmp.path(), SpanEnd::Peer, SpanType::T1);
    BOOST_TEST(waitFor([&] {
        return dynamic_cast<VirtualSpan&>(*t1).detachCount() == 1u &&
               dynamic_cast<VirtualSpan&>(*device).detachCount() == before + 1;
    }));
    BOOST_TEST(t1->inAlarm());
    BOOST_TEST(device->inAlarm());
}

BOOST_AUTO_TEST_CASE(bearer_frames_cross_at_real_time) {
    TempDir tmp;
    auto device = open(tmp.path(), SpanEnd::Device);
    auto peer = open(tmp.path(), SpanEnd::Peer);
    BOOST_REQUIRE(waitFor([&] { return !device->inAlarm() && !peer->inAlarm(); }));

    BOOST_TEST(!device->openBearer(16));   // E1 timeslot 16 is the D-channel
    UniqueFd a = device->openBearer(5);
    UniqueFd b = peer->openBearer(5);
    BOOST_REQUIRE(a && b);
    BOOST_TEST(!device->openBearer(5));    // already open

    // Underrun plays the idle code.
    auto first = readPacket(b.get());
    BOOST_REQUIRE_EQUAL(first.size(), kFrameBytes);
    BOOST_TEST(first[0] == idleCode(Law::Alaw));

    std::vector<std::uint8_t> pattern(kFrameBytes);
    for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<std::uint8_t>(i);
    writePacket(a.get(), pattern);
    bool seen = false;
    for (int i = 0; i < 20 && !seen; ++i) seen = readPacket(b.get()) == pattern;
    BOOST_TEST(seen);

    // 50 frames per second: about 25 frames in 500 ms.
    while (!readPacket(b.get(), 0).empty()) {}
    const auto start = std::chrono::steady_clock::now();
    int frames = 0;
    while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500)) {
        if (!readPacket(b.get(), 30).empty()) ++frames;
    }
    BOOST_TEST(frames >= 20);
    BOOST_TEST(frames <= 30);

    peer->closeBearer(5);
    b.reset();
    UniqueFd again = peer->openBearer(5);
    BOOST_TEST(static_cast<bool>(again));
}

BOOST_AUTO_TEST_CASE(stale_socket_is_replaced_live_one_refused) {
    TempDir tmp;
    {
        UniqueFd stale(::socket(AF_UNIX, SOCK_SEQPACKET, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, tmp.path().c_str(), sizeof addr.sun_path - 1);
        BOOST_REQUIRE(::bind(stale.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    BOOST_REQUIRE(std::filesystem::exists(tmp.path()));
    auto device = open(tmp.path(), SpanEnd::Device);

    std::string error;
    BOOST_TEST(!openVirtualSpan(tmp.path(), SpanType::E1, SpanEnd::Device, error));
    BOOST_TEST(error == "span path " + tmp.path() + " is in use by another process");

    device.reset();
    BOOST_TEST(!std::filesystem::exists(tmp.path()));
}

BOOST_AUTO_TEST_CASE(path_errors) {
    TempDir tmp;
    std::string error;
    const std::string missing = tmp.path("no-such-dir/span");
    BOOST_TEST(!openVirtualSpan(missing, SpanType::E1, SpanEnd::Device, error));
    BOOST_TEST(error.find(missing) != std::string::npos);
    BOOST_TEST(error.find(std::strerror(ENOENT)) != std::string::npos);

    BOOST_TEST(!openVirtualSpan(tmp.path(), SpanType::E1, SpanEnd::Peer, error));
    BOOST_TEST(error == "no span device at " + tmp.path() + " (is gatewayd running?)");

    { std::FILE* f = std::fopen(tmp.path("file").c_str(), "w"); std::fclose(f); }
    BOOST_TEST(!openVirtualSpan(tmp.path("file"), SpanType::E1, SpanEnd::Device, error));
    BOOST_TEST(error.find("not a socket") != std::string::npos);
    BOOST_TEST(std::filesystem::exists(tmp.path("file")));
}

BOOST_AUTO_TEST_SUITE_END()
