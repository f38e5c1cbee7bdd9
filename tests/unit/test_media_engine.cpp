// Integration-style tests of dsp::MediaEngine: a SOCK_SEQPACKET socketpair
// stands in for the B-channel, a UDP socket on loopback for the far RTP end.
#include "dsp/g711.hpp"
#include "dsp/media_engine.hpp"
#include "dsp/rtp.hpp"
#include "dsp/tone.hpp"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

namespace dsp = gw::dsp;
using gw::kernel::Law;
using gw::kernel::UniqueFd;
using Frame = std::array<std::uint8_t, gw::kernel::kFrameBytes>;

namespace {

constexpr int kPortMin = 46000, kPortMax = 46999;

bool waitFor(const std::function<bool()>& cond, int ms = 2000) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!cond()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

bool readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

// The far RTP end: a UDP socket on loopback (IPv4 or IPv6).
struct FarEnd {
    UniqueFd fd;
    int port = 0;
    int family;
    explicit FarEnd(int fam = AF_INET) : family(fam) {
        fd.reset(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_storage ss{};
        socklen_t len;
        if (family == AF_INET) {
            auto* a = reinterpret_cast<sockaddr_in*>(&ss);
            a->sin_family = AF_INET;
            a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            len = sizeof *a;
        } else {
            auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
            a->sin6_family = AF_INET6;
            a->sin6_addr = in6addr_loopback;
            len = sizeof *a;
        }
        BOOST_TEST_REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) == 0);
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len);
        port = ntohs(family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                       : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
    }
    std::vector<std::uint8_t> receive(int ms = 1000) {
        if (!readable(fd.get(), ms)) return {};
        std::vector<std::uint8_t> buf(2048);
        const ssize_t n = ::recv(fd.get(), buf.data(), buf.size(), 0);
        buf.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return buf;
    }
    void sendTo(int enginePort, const std::vector<std::uint8_t>& pkt) {
        sockaddr_storage ss{};
        socklen_t len;
        if (family == AF_INET) {
            auto* a = reinterpret_cast<sockaddr_in*>(&ss);
            a->sin_family = AF_INET;
            a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            a->sin_port = htons(static_cast<std::uint16_t>(enginePort));
            len = sizeof *a;
        } else {
            auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
            a->sin6_family = AF_INET6;
            a->sin6_addr = in6addr_loopback;
            a->sin6_port = htons(static_cast<std::uint16_t>(enginePort));
            len = sizeof *a;
        }
        ::sendto(fd.get(), pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&ss), len);
    }
};

// One call: engine channel, fake B-channel (A-law span) and far end.
struct Call {
    dsp::MediaEngine engine;
    FarEnd far;
    UniqueFd bearer;   // the span's end of the B-channel
    int port = 0;

    explicit Call(const char* bind = "127.0.0.1", int family = AF_INET, bool remote = true)
        : engine(bind, kPortMin, kPortMax), far(family) {
        auto p = engine.allocate(1);
        BOOST_TEST_REQUIRE(p.has_value());
        port = *p;
        if (remote) engine.setRemote(1, spec());
        int pair[2];
        BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) == 0);
        bearer.reset(pair[0]);
        engine.attachBearer(1, UniqueFd(pair[1]), Law::Alaw);
    }
    dsp::RtpSpec spec() const {
        dsp::RtpSpec s;
        s.remoteAddr = far.family == AF_INET ? "127.0.0.1" : "::1";
        s.remotePort = far.port;
        s.payloadType = 0;
        s.codecLaw = Law::Ulaw;
        s.telephoneEventPt = 101;
        return s;
    }
    void writeFrame(const Frame& f) {
        BOOST_TEST_REQUIRE(::write(bearer.get(), f.data(), f.size()) == static_cast<ssize_t>(f.size()));
    }
    // The frame the engine plays back for one frame written.
    bool readFrame(Frame& f, int ms = 1000) {
        if (!readable(bearer.get(), ms)) return false;
        return ::read(bearer.get(), f.data(), f.size()) == static_cast<ssize_t>(f.size());
    }
    dsp::MediaStats stats() const { return *engine.stats(1); }
};

Frame encodeFrame(dsp::ToneGenerator& gen, Law law) {
    std::array<std::int16_t, gw::kernel::kFrameBytes> pcm;
    gen.generate(pcm.data(), pcm.size());
    Frame f;
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = dsp::encodeSample(law, pcm[i]);
    return f;
}

void feedDecoded(dsp::ToneAnalyzer& a, Law law, const std::uint8_t* data, std::size_t n) {
    std::vector<std::int16_t> pcm(n);
    for (std::size_t i = 0; i < n; ++i) pcm[i] = dsp::decodeSample(law, data[i]);
    a.feed(pcm.data(), n);
}

std::vector<std::uint8_t> rtpPacket(std::uint8_t pt, std::uint16_t seq, std::uint32_t ts,
                                    const std::uint8_t* payload, std::size_t n) {
    dsp::RtpHeader h;
    h.payloadType = pt;
    h.seq = seq;
    h.timestamp = ts;
    h.ssrc = 0xABCDEF01;
    std::vector<std::uint8_t> out(dsp::kRtpHeaderBytes + n);
    out.resize(dsp::packRtp(h, {payload, n}, out));
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(media_engine)

BOOST_AUTO_TEST_CASE(ports_are_even_distinct_and_bounded) {
    dsp::MediaEngine engine("127.0.0.1", kPortMin + 1, kPortMax);
    auto a = engine.allocate(1), b = engine.allocate(2);
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST_REQUIRE(b.has_value());
    BOOST_TEST(*a % 2 == 0);
    BOOST_TEST(*b % 2 == 0);
    BOOST_TEST(*a != *b);
    BOOST_TEST(*a > kPortMin);
    BOOST_TEST(engine.stats(1)->localPort == *a);
    BOOST_TEST(engine.bindAddr() == "127.0.0.1");
    BOOST_TEST(!engine.stats(3).has_value());

    dsp::MediaEngine tiny("127.0.0.1", *a + 100, *a + 101);   // one pair only
    auto only = tiny.allocate(1);
    BOOST_TEST_REQUIRE(only.has_value());
    BOOST_TEST(*only == *a + 100);
    BOOST_TEST(!tiny.allocate(2).has_value());   // RTP and RTCP ports both taken

    dsp::MediaEngine bad("not-an-address", kPortMin, kPortMax);
    BOOST_TEST(!bad.allocate(1).has_value());
}

BOOST_AUTO_TEST_CASE(bchannel_tone_goes_out_as_pcmu_rtp) {
    Call call;
    dsp::ToneGenerator gen(1004.0, -10.0);
    dsp::ToneAnalyzer analyzer;
    constexpr int kFrames = 40;
    std::optional<dsp::RtpHeader> first, prev;
    for (int i = 0; i < kFrames; ++i) {
        call.writeFrame(encodeFrame(gen, Law::Alaw));
        const auto pkt = call.far.receive();
        BOOST_TEST_REQUIRE(!pkt.empty());
        const auto rtp = dsp::parseRtp(pkt);
        BOOST_TEST_REQUIRE(rtp.has_value());
        const dsp::RtpHeader& h = rtp->header;
        BOOST_TEST(h.payloadType == 0);
        BOOST_TEST(h.marker == (i == 0));   // RFC 3551 §4.1
        BOOST_TEST(rtp->payload.size() == 160u);
        if (prev) {
            BOOST_TEST(h.seq == static_cast<std::uint16_t>(prev->seq + 1));
            BOOST_TEST(h.timestamp == prev->timestamp + 160u);
            BOOST_TEST(h.ssrc == prev->ssrc);
        }
        if (!first) first = h;
        prev = h;
        feedDecoded(analyzer, Law::Ulaw, rtp->payload.data(), rtp->payload.size());
        Frame back;
        BOOST_TEST_REQUIRE(call.readFrame(back));   // one frame played per frame in
        // Nothing received yet: the B-channel hears A-law idle code.
        BOOST_TEST(std::count(back.begin(), back.end(), gw::kernel::idleCode(Law::Alaw)) == 160);
    }
    const auto r = analyzer.result();
    BOOST_TEST(std::abs(r.freqHz - 1004.0) < 2.0);
    BOOST_TEST(std::abs(r.levelDbm0 + 10.0) < 0.5);
    BOOST_TEST(waitFor([&] { return call.stats().framesOut == kFrames; }));
    const auto s = call.stats();
    BOOST_TEST(s.framesIn == static_cast<std::uint64_t>(kFrames));
    BOOST_TEST(s.rtpSent == static_cast<std::uint64_t>(kFrames));
    BOOST_TEST(s.silenceFrames == static_cast<std::uint64_t>(kFrames));
    BOOST_TEST(s.sendErrors == 0u);
}

BOOST_AUTO_TEST_CASE(pcmu_rtp_tone_comes_out_of_the_bchannel_in_alaw) {
    Call call;
    dsp::ToneGenerator gen(2804.0, -20.0);
    const Frame silence = [] { Frame f; f.fill(gw::kernel::idleCode(Law::Alaw)); return f; }();
    dsp::ToneAnalyzer analyzer;
    constexpr int kFrames = 60;
    int toneFrames = 0;
    for (int i = 0; i < kFrames; ++i) {
        const Frame ulaw = encodeFrame(gen, Law::Ulaw);
        call.far.sendTo(call.port, rtpPacket(0, static_cast<std::uint16_t>(65500 + i),
                                             1000u + 160u * i, ulaw.data(), ulaw.size()));
        if (i == 10) {   // noise the engine must ignore
            const Frame alaw{};
            call.far.sendTo(call.port, rtpPacket(8, 7, 7, alaw.data(), alaw.size()));
            const std::uint8_t event[4] = {1, 0x0A, 0, 160};
            call.far.sendTo(call.port, rtpPacket(101, 9, 9, event, sizeof event));
            call.far.sendTo(call.port, {0x00, 0x01, 0x02});
        }
        // Loopback UDP has queued the packet when sendTo returns: the engine
        // takes it at the next B-channel frame, on the channel's clock.
        call.writeFrame(silence);
        Frame back;
        BOOST_TEST_REQUIRE(call.readFrame(back));
        BOOST_TEST_REQUIRE(call.stats().rtpReceived == static_cast<std::uint64_t>(i + 1));
        const bool idle = back == silence;
        if (!idle) ++toneFrames;
        if (!idle) feedDecoded(analyzer, Law::Alaw, back.data(), back.size());
        call.far.receive(0);   // drain what the engine sent
    }
    BOOST_TEST(toneFrames >= kFrames - 3);   // only the playout delay is silent
    const auto r = analyzer.result();
    BOOST_TEST(std::abs(r.freqHz - 2804.0) < 2.0);
    BOOST_TEST(std::abs(r.levelDbm0 + 20.0) < 0.5);
    const auto s = call.stats();
    BOOST_TEST(s.rtpReceived == static_cast<std::uint64_t>(kFrames));
    BOOST_TEST(s.telephoneEvents == 1u);
    BOOST_TEST(s.rtpDiscarded == 2u);   // wrong PT, malformed
    BOOST_TEST(s.jitterLate == 0u);
}

BOOST_AUTO_TEST_CASE(no_rtp_before_the_remote_is_known) {
    Call call("127.0.0.1", AF_INET, false);
    Frame frame;
    frame.fill(0x55);
    for (int i = 0; i < 5; ++i) {
        call.writeFrame(frame);
        Frame back;
        BOOST_TEST_REQUIRE(call.readFrame(back));   // still clocked: silence played
    }
    BOOST_TEST(call.far.receive(50).empty());
    call.engine.setRemote(1, call.spec());
    call.writeFrame(frame);
    const auto pkt = call.far.receive();   // parseRtp's spans point into it
    const auto rtp = dsp::parseRtp(pkt);
    BOOST_TEST_REQUIRE(rtp.has_value());
    BOOST_TEST(rtp->header.marker);
    BOOST_TEST(waitFor([&] { return call.stats().rtpSent == 1u; }));
    // On hold (c=0.0.0.0, RFC 3264 §8.4): nothing sent.
    auto hold = call.spec();
    hold.remoteAddr = "0.0.0.0";
    call.engine.setRemote(1, hold);
    Frame back;
    BOOST_TEST(call.readFrame(back));
    call.writeFrame(frame);
    BOOST_TEST(call.readFrame(back));
    BOOST_TEST(call.far.receive(50).empty());
    BOOST_TEST(call.stats().rtpSent == 1u);
}

BOOST_AUTO_TEST_CASE(ipv6_media) {
    Call call("::1", AF_INET6);
    Frame frame;
    frame.fill(0xD5);
    call.writeFrame(frame);
    const auto pkt = call.far.receive();
    const auto rtp = dsp::parseRtp(pkt);
    BOOST_TEST_REQUIRE(rtp.has_value());
    BOOST_TEST(rtp->header.payloadType == 0);
    BOOST_TEST(std::abs(dsp::decodeSample(Law::Ulaw, rtp->payload[0])) <= 8);   // silence stays silence
    const Frame ulaw = [] { Frame f; f.fill(0xFF); return f; }();
    call.far.sendTo(call.port, rtpPacket(0, 1, 0, ulaw.data(), ulaw.size()));
    call.writeFrame(frame);   // RTP is taken on the B-channel's clock
    Frame back;
    BOOST_TEST_REQUIRE(call.readFrame(back));   // played for the first frame
    BOOST_TEST_REQUIRE(call.readFrame(back));   // for the second, after taking the RTP
    BOOST_TEST(call.stats().rtpReceived == 1u);
}

BOOST_AUTO_TEST_CASE(release_closes_everything) {
    Call call;
    Frame frame{};
    call.writeFrame(frame);
    Frame back;
    BOOST_TEST_REQUIRE(call.readFrame(back));
    call.engine.release(1);
    BOOST_TEST(!call.engine.stats(1).has_value());
    // The engine's end of the B-channel closes: our end sees end of file.
    BOOST_TEST(waitFor([&] {
        pollfd p{call.bearer.get(), POLLIN, 0};
        return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLIN)) &&
               ::read(call.bearer.get(), back.data(), back.size()) == 0;
    }));
    // The RTP port can be bound again.
    BOOST_TEST(waitFor([&] {
        UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<std::uint16_t>(call.port));
        return ::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }));
    call.engine.release(1);   // twice is harmless
}

BOOST_AUTO_TEST_CASE(unknown_id_and_bearer_hangup) {
    dsp::MediaEngine engine("127.0.0.1", kPortMin, kPortMax);
    int pair[2];
    BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) == 0);
    UniqueFd mine(pair[0]);
    engine.attachBearer(42, UniqueFd(pair[1]), Law::Alaw);   // unknown: fd is closed
    BOOST_TEST(waitFor([&] {
        Frame f;
        return ::read(mine.get(), f.data(), f.size()) == 0;
    }));
    engine.setRemote(42, dsp::RtpSpec{});
    engine.release(42);
    BOOST_TEST(!engine.stats(42).has_value());

    // The span closing its end first must not spin the media thread.
    BOOST_TEST_REQUIRE(engine.allocate(7).has_value());
    BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) == 0);
    engine.attachBearer(7, UniqueFd(pair[1]), Law::Ulaw);
    ::close(pair[0]);
    const auto cpu = [] {
        timespec t{};
        ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
    };
    // First the media thread notices the hang-up, then it must stay quiet.
    BOOST_TEST_REQUIRE(waitFor([&] { return engine.stats(7)->bearerHangups == 1u; }));
    const double before = cpu();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_TEST(cpu() - before < 50.0);   // milliseconds of CPU over 100 ms after the hang-up
    BOOST_TEST(engine.stats(7)->framesIn == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
