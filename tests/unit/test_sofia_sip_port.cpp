// Integration tests of sip/sofia_loop and sip/sofia_sip_port on 127.0.0.1:
// two real SofiaSipPorts back to back in one loop (as libpri's testprilib
// runs NET and CPE), a raw UDP socket for wire-level checks, and SIPp.
#include "sip/sofia_loop.hpp"
#include "sip/sofia_sip_port.hpp"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <deque>
#include <fcntl.h>
#include <map>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace gw::sip;
using namespace std::chrono_literals;
using gw::kernel::UniqueFd;

namespace {

const std::string kSdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                         "t=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\n"
                         "a=rtpmap:101 telephone-event/8000\r\n";
const std::string kAnswer = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                            "t=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";

// A port free for both UDP and TCP on 127.0.0.1.
int freePort() {
    for (int attempt = 0; attempt < 20; ++attempt) {
        UniqueFd udp(::socket(AF_INET, SOCK_DGRAM, 0));
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(udp.get(), reinterpret_cast<sockaddr*>(&a), len) != 0) continue;
        ::getsockname(udp.get(), reinterpret_cast<sockaddr*>(&a), &len);
        UniqueFd tcp(::socket(AF_INET, SOCK_STREAM, 0));
        if (::bind(tcp.get(), reinterpret_cast<sockaddr*>(&a), len) == 0) return ntohs(a.sin_port);
    }
    BOOST_FAIL("no free port");
    return 0;
}

bool runUntil(SofiaLoop& loop, const std::function<bool()>& done, std::chrono::milliseconds limit = 2s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        loop.step(5ms);
    }
}

// Records every listener call as text ("invite 1", "response 1 180", ...)
// and can answer on its own.
struct Recorder : SipPortListener {
    std::vector<std::string> log;
    std::map<SipDialogId, IncomingInvite> invites;
    std::map<SipDialogId, std::vector<Response>> responses;
    std::map<SipDialogId, int> terminated;   // id -> count
    std::map<SipDialogId, int> terminatedStatus;
    std::function<void(SipDialogId)> onInviteDo;
    std::function<void(SipDialogId, const Response&)> onResponseDo;

    void onInvite(SipDialogId id, const IncomingInvite& inv) override {
        log.push_back("invite " + std::to_string(id));
        invites[id] = inv;
        if (onInviteDo) onInviteDo(id);
    }
    void onResponse(SipDialogId id, const Response& rsp) override {
        log.push_back("response " + std::to_string(id) + " " + std::to_string(rsp.status));
        responses[id].push_back(rsp);
        if (onResponseDo) onResponseDo(id, rsp);
    }
    void onAck(SipDialogId id) override { log.push_back("ack " + std::to_string(id)); }
    void onBye(SipDialogId id) override { log.push_back("bye " + std::to_string(id)); }
    void onCancel(SipDialogId id) override { log.push_back("cancel " + std::to_string(id)); }
    void onTerminated(SipDialogId id, int status) override {
        log.push_back("terminated " + std::to_string(id) + " " + std::to_string(status));
        ++terminated[id];
        terminatedStatus[id] = status;
    }
    bool has(const std::string& entry) const {
        return std::find(log.begin(), log.end(), entry) != log.end();
    }
    int index(const std::string& entry) const {
        auto it = std::find(log.begin(), log.end(), entry);
        return it == log.end() ? -1 : static_cast<int>(it - log.begin());
    }
    bool gotStatus(SipDialogId id, int status) const {
        auto it = responses.find(id);
        if (it == responses.end()) return false;
        for (const auto& r : it->second)
            if (r.status == status) return true;
        return false;
    }
};

// Two ports back to back: uac (calls) and uas (answers), one loop.
struct TwoPorts {
    SofiaLoop loop;
    Recorder uacEvents, uasEvents;
    int uacPortNo = freePort();
    int uasPortNo = freePort();
    std::unique_ptr<SofiaSipPort> uac, uas;

    std::string addr;

    explicit TwoPorts(std::string bindAddr = "127.0.0.1") : addr(std::move(bindAddr)) {
        std::string error;
        SofiaSipPortConfig c;
        c.bindAddr = addr;
        c.port = uacPortNo;
        uac = SofiaSipPort::create(loop, uacEvents, c, error);
        BOOST_TEST_REQUIRE(uac.get() != nullptr, error);
        c.port = uasPortNo;
        uas = SofiaSipPort::create(loop, uasEvents, c, error);
        BOOST_TEST_REQUIRE(uas.get() != nullptr, error);
    }
    ~TwoPorts() {
        uac.reset();
        uas.reset();
    }

    SipDialogId call(const std::string& sdp = kSdp) {
        OutgoingInvite inv;
        std::string host = addr.find(':') != std::string::npos ? "[" + addr + "]" : addr;
        inv.requestUri = "sip:5551000@" + host + ":" + std::to_string(uasPortNo);
        inv.fromUser = "2000";
        inv.fromDisplay = "Alice \"A\" Smith";
        inv.toUser = "5551000";
        inv.sdp = sdp;
        return uac->invite(inv);
    }
    SipDialogId waitInvite() {
        BOOST_TEST_REQUIRE(runUntil(loop, [&] { return !uasEvents.invites.empty(); }));
        return uasEvents.invites.rbegin()->first;
    }
    // INVITE, 180, 200 with SDP, ACK.
    std::pair<SipDialogId, SipDialogId> establish() {
        SipDialogId a = call();
        SipDialogId b = waitInvite();
        uas->respond(b, 180, "", "");
        BOOST_TEST_REQUIRE(runUntil(loop, [&] { return uacEvents.gotStatus(a, 180); }));
        uas->respond(b, 200, "", kAnswer);
        BOOST_TEST_REQUIRE(runUntil(loop, [&] {
            return uacEvents.gotStatus(a, 200) && uasEvents.has("ack " + std::to_string(b));
        }));
        return {a, b};
    }
};

// A bare UDP socket on 127.0.0.1 watched by the loop, for wire-level checks.
struct RawPeer {
    SofiaLoop& loop;
    UniqueFd fd{::socket(AF_INET, SOCK_DGRAM, 0)};
    int port = 0;
    std::deque<std::string> received;

    explicit RawPeer(SofiaLoop& l) : loop(l) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), len);
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        loop.watchFd(fd.get(), [this] {
            char buf[8192];
            ssize_t n = ::recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) received.emplace_back(buf, static_cast<std::size_t>(n));
        });
    }
    ~RawPeer() { loop.unwatchFd(fd.get()); }

    void send(int toPort, const std::string& text) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(toPort));
        ::sendto(fd.get(), text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    // The next message whose first line starts with `start`.
    std::string waitFor(const std::string& start) {
        std::string found;
        runUntil(loop, [&] {
            while (!received.empty()) {
                std::string m = std::move(received.front());
                received.pop_front();
                if (m.starts_with(start)) {
                    found = std::move(m);
                    return true;
                }
            }
            return false;
        });
        return found;
    }
    std::string request(const std::string& method, int toPort, const std::string& extra,
                        const std::string& body, const std::string& callId) {
        std::string uri = "sip:5551000@127.0.0.1:" + std::to_string(toPort);
        return method + " " + uri + " SIP/2.0\r\n"
               "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(port) + ";branch=z9hG4bK" + callId +
               method + "\r\n"
               "From: \"Bob\" <sip:3000@127.0.0.1>;tag=raw1\r\n"
               "To: <" + uri + ">\r\n"
               "Call-ID: " + callId + "\r\n"
               "CSeq: 1 " + method + "\r\n"
               "Contact: <sip:3000@127.0.0.1:" + std::to_string(port) + ">\r\n"
               "Max-Forwards: 70\r\n" + extra +
               "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }
};

std::string header(const std::string& msg, const std::string& name) {
    auto pos = msg.find("\r\n" + name + ":");
    if (pos == std::string::npos) return "";
    pos += name.size() + 3;
    auto end = msg.find("\r\n", pos);
    std::string v = msg.substr(pos, end - pos);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
}

// A response to a raw request, echoing its Via, From, Call-ID and CSeq.
std::string rawResponse(const std::string& req, const std::string& statusLine,
                        const std::string& toTag) {
    return "SIP/2.0 " + statusLine + "\r\nVia: " + header(req, "Via") +
           "\r\nFrom: " + header(req, "From") + "\r\nTo: " + header(req, "To") + toTag +
           "\r\nCall-ID: " + header(req, "Call-ID") + "\r\nCSeq: " + header(req, "CSeq") +
           "\r\nContent-Length: 0\r\n\r\n";
}

} // namespace

BOOST_AUTO_TEST_SUITE(sofia_loop)

BOOST_AUTO_TEST_CASE(timers_fire_in_order_and_cancel) {
    SofiaLoop loop;
    std::vector<int> fired;
    loop.startTimer(30ms, [&] { fired.push_back(3); });
    loop.startTimer(10ms, [&] { fired.push_back(1); });
    auto cancelled = loop.startTimer(20ms, [&] { fired.push_back(2); });
    loop.startTimer(40ms, [&] {
        fired.push_back(4);
        loop.startTimer(0ms, [&] { fired.push_back(5); });   // from inside a timer
    });
    loop.cancelTimer(cancelled);
    loop.cancelTimer(9999);                                   // unknown: harmless
    auto start = loop.now();
    BOOST_TEST(runUntil(loop, [&] { return fired.size() == 4; }));
    BOOST_TEST(fired == (std::vector<int>{1, 3, 4, 5}), "fired in the wrong order");
    BOOST_TEST((loop.now() - start >= 40ms));
}

BOOST_AUTO_TEST_CASE(run_returns_on_stop_and_runs_again) {
    SofiaLoop loop;
    int runs = 0;
    for (int i = 0; i < 2; ++i) {
        loop.startTimer(5ms, [&] { ++runs, loop.stop(); });
        loop.run();
    }
    BOOST_TEST(runs == 2);
}

BOOST_AUTO_TEST_CASE(watch_fd_and_unwatch_from_the_callback) {
    SofiaLoop loop;
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    UniqueFd r(fds[0]), w(fds[1]);
    int reads = 0;
    loop.watchFd(r.get(), [&] {
        char c;
        if (::read(r.get(), &c, 1) == 1) ++reads;
        loop.unwatchFd(r.get());
    });
    BOOST_TEST(::write(w.get(), "xy", 2) == 2);
    BOOST_TEST(runUntil(loop, [&] { return reads == 1; }));
    runUntil(loop, [] { return false; }, 30ms);              // 'y' is no longer watched
    BOOST_TEST(reads == 1);
}

BOOST_AUTO_TEST_CASE(stop_on_sigterm) {
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, nullptr, &old);
    {
        SofiaLoop loop;
        loop.stopOnSignals();
        loop.startTimer(5ms, [] { ::kill(::getpid(), SIGTERM); });
        bool timedOut = false;
        loop.startTimer(2000ms, [&] { timedOut = true, loop.stop(); });
        loop.run();
        BOOST_TEST(!timedOut);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sofia_sip_port)

BOOST_AUTO_TEST_CASE(call_answered_then_uac_hangs_up) {
    TwoPorts t;
    auto [a, b] = t.establish();
    const IncomingInvite& in = t.uasEvents.invites.at(b);
    BOOST_TEST(in.requestUser == "5551000");
    BOOST_TEST(in.requestUri == "sip:5551000@127.0.0.1:" + std::to_string(t.uasPortNo));
    BOOST_TEST(in.fromUser == "2000");
    BOOST_TEST(in.fromDisplay == "Alice \"A\" Smith");
    BOOST_TEST(in.toUser == "5551000");
    BOOST_TEST(!in.callId.empty());
    BOOST_TEST(in.remoteHost == "127.0.0.1");
    BOOST_TEST(in.contentType == "application/sdp");
    BOOST_TEST(in.sdp == kSdp);
    const auto& rs = t.uacEvents.responses.at(a);
    BOOST_TEST(rs.front().status == 180);                    // nta absorbs 100 Trying
    BOOST_TEST(rs.back().status == 200);
    BOOST_TEST(rs.back().reason == "OK");
    BOOST_TEST(rs.back().sdp == kAnswer);

    t.uac->bye(a);
    BOOST_TEST(runUntil(t.loop, [&] { return t.uacEvents.terminated[a] && t.uasEvents.terminated[b]; }));
    runUntil(t.loop, [] { return false; }, 50ms);            // nothing more may come
    BOOST_TEST(t.uasEvents.has("bye " + std::to_string(b)));
    BOOST_TEST(t.uasEvents.index("bye " + std::to_string(b)) <
               t.uasEvents.index("terminated " + std::to_string(b) + " 200"));
    BOOST_TEST(t.uacEvents.terminated[a] == 1);
    BOOST_TEST(t.uasEvents.terminated[b] == 1);
    BOOST_TEST(t.uacEvents.terminatedStatus[a] == 200);
    t.uac->release(a);
    t.uas->release(b);
    BOOST_TEST(runUntil(t.loop, [&] { return t.uac->dialogCount() == 0 && t.uas->dialogCount() == 0; }));
}

BOOST_AUTO_TEST_CASE(call_over_ipv6) {
    TwoPorts t("::1");
    auto [a, b] = t.establish();
    BOOST_TEST(t.uasEvents.invites.at(b).remoteHost == "::1");
    t.uas->bye(b);
    BOOST_TEST(runUntil(t.loop, [&] { return t.uacEvents.terminated[a] && t.uasEvents.terminated[b]; }));
}

BOOST_AUTO_TEST_CASE(uas_hangs_up_with_reason) {
    TwoPorts t;
    auto [a, b] = t.establish();
    t.uas->setReasonCause(b, 16);
    t.uas->bye(b);
    BOOST_TEST(runUntil(t.loop, [&] { return t.uacEvents.terminated[a] && t.uasEvents.terminated[b]; }));
    BOOST_TEST(t.uacEvents.has("bye " + std::to_string(a)));
    BOOST_TEST(t.uasEvents.terminatedStatus[b] == 200);
    BOOST_TEST(t.uacEvents.terminated[a] == 1);
    BOOST_TEST(t.uasEvents.terminated[b] == 1);
}

BOOST_AUTO_TEST_CASE(cancel_before_answer) {
    TwoPorts t;
    SipDialogId a = t.call();
    SipDialogId b = t.waitInvite();
    t.uas->respond(b, 180, "", "");
    BOOST_TEST_REQUIRE(runUntil(t.loop, [&] { return t.uacEvents.gotStatus(a, 180); }));
    t.uac->setReasonCause(a, 16);
    t.uac->cancel(a);
    BOOST_TEST(runUntil(t.loop, [&] { return t.uacEvents.terminated[a] && t.uasEvents.terminated[b]; }));
    std::string sa = std::to_string(a), sb = std::to_string(b);
    BOOST_TEST(t.uasEvents.has("cancel " + sb));
    BOOST_TEST(t.uasEvents.index("cancel " + sb) < t.uasEvents.index("terminated " + sb + " 487"));
    BOOST_TEST(t.uacEvents.index("response " + sa + " 487") >= 0);
    BOOST_TEST(t.uacEvents.index("response " + sa + " 487") < t.uacEvents.index("terminated " + sa + " 487"));
    runUntil(t.loop, [] { return false; }, 50ms);
    BOOST_TEST(t.uacEvents.terminated[a] == 1);
    BOOST_TEST(t.uasEvents.terminated[b] == 1);
}

BOOST_AUTO_TEST_CASE(busy_is_reported_once_each_side) {
    TwoPorts t;
    SipDialogId a = t.call();
    SipDialogId b = t.waitInvite();
    t.uas->setReasonCause(b, 17);
    t.uas->respond(b, 486, "", "");
    BOOST_TEST(runUntil(t.loop, [&] { return t.uacEvents.terminated[a] && t.uasEvents.terminated[b]; }));
    std::string sa = std::to_string(a);
    BOOST_TEST(t.uacEvents.index("response " + sa + " 486") < t.uacEvents.index("terminated " + sa + " 486"));
    BOOST_TEST(t.uacEvents.responses.at(a).back().reason == "Busy Here");
    runUntil(t.loop, [] { return false; }, 50ms);
    BOOST_TEST(t.uacEvents.terminated[a] == 1);
    BOOST_TEST(t.uasEvents.terminated[b] == 1);
    t.uac->release(a);
    t.uas->release(b);
    BOOST_TEST(t.uac->dialogCount() == 0u);
    BOOST_TEST(t.uas->dialogCount() == 0u);
}

BOOST_AUTO_TEST_CASE(release_of_an_unanswered_call_fails_it) {
    TwoPorts t;
    SipDialogId a = t.call();
    SipDialogId b = t.waitInvite();
    t.uas->release(b);                                       // the core gave up
    BOOST_TEST(runUntil(t.loop, [&] { return t.uacEvents.terminated[a] == 1; }));
    BOOST_TEST(t.uacEvents.gotStatus(a, 500));
    BOOST_TEST(runUntil(t.loop, [&] { return t.uas->dialogCount() == 0; }));
    BOOST_TEST(t.uasEvents.terminated.count(b) == 0u);      // released: no more calls
}

BOOST_AUTO_TEST_CASE(release_right_after_failure_response) {
    TwoPorts t;
    // As the core does: release as soon as the final failure is known.
    t.uacEvents.onResponseDo = [&](SipDialogId id, const Response& r) {
        if (r.status >= 300) t.uac->release(id);
    };
    SipDialogId a = t.call();
    SipDialogId b = t.waitInvite();
    t.uas->respond(b, 603, "Go Away", "");
    t.uas->release(b);
    BOOST_TEST(runUntil(t.loop, [&] { return t.uacEvents.gotStatus(a, 603); }));
    BOOST_TEST(t.uacEvents.responses.at(a).back().reason == "Go Away");
    runUntil(t.loop, [] { return false; }, 50ms);
    BOOST_TEST(t.uacEvents.terminated.count(a) == 0u);       // released first
    BOOST_TEST(t.uasEvents.terminated.count(b) == 0u);
    BOOST_TEST(t.uac->dialogCount() == 0u);
    BOOST_TEST(t.uas->dialogCount() == 0u);
}

BOOST_AUTO_TEST_CASE(port_in_use_is_a_clear_error) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto first = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(first.get() != nullptr, error);
    auto second = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST(second.get() == nullptr);
    BOOST_TEST(error == "cannot listen for SIP on 127.0.0.1:" + std::to_string(c.port) +
                            ": Address already in use");
    c.bindAddr = "192.0.2.1";                                // not ours
    auto third = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST(third.get() == nullptr);
    BOOST_TEST(error.find("Cannot assign requested address") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(trying_at_once_and_invite_without_sdp_reaches_core) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    RawPeer peer(loop);
    peer.send(c.port, peer.request("INVITE", c.port, "", "", "nosdp1"));
    std::string trying = peer.waitFor("SIP/2.0 100");
    BOOST_TEST(!trying.empty());
    BOOST_TEST(header(trying, "Call-ID") == "nosdp1");
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return events.invites.size() == 1; }));
    SipDialogId id = events.invites.begin()->first;
    BOOST_TEST(events.invites[id].sdp.empty());
    BOOST_TEST(events.invites[id].fromDisplay == "Bob");
    port->setReasonCause(id, 88);
    port->respond(id, 488, "", "");
    std::string rejected = peer.waitFor("SIP/2.0 488");
    BOOST_TEST(header(rejected, "Reason") == "Q.850;cause=88");
    peer.send(c.port, "ACK sip:5551000@127.0.0.1 SIP/2.0\r\nVia: " + header(rejected, "Via") +
                          "\r\nFrom: " + header(rejected, "From") + "\r\nTo: " +
                          header(rejected, "To") + "\r\nCall-ID: nosdp1\r\nCSeq: 1 ACK\r\n"
                          "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");

    // A garbage body labelled application/sdp reaches the core as it is.
    peer.send(c.port, peer.request("INVITE", c.port, "Content-Type: application/sdp\r\n",
                                   "this is not sdp", "badsdp1"));
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return events.invites.size() == 2; }));
    BOOST_TEST(events.invites.rbegin()->second.sdp == "this is not sdp");
}

BOOST_AUTO_TEST_CASE(refresh_reinvite_answered_change_refused_bye_reason) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    events.onInviteDo = [&](SipDialogId id) { port->respond(id, 200, "", kAnswer); };
    RawPeer peer(loop);
    std::string invite = peer.request("INVITE", c.port, "Content-Type: application/sdp\r\n", kSdp, "re1");
    peer.send(c.port, invite);
    std::string ok = peer.waitFor("SIP/2.0 200");
    BOOST_TEST_REQUIRE(!ok.empty());
    std::string toTag = header(ok, "To").substr(header(ok, "To").find(";tag="));
    std::string contact = header(ok, "Contact");
    std::string target = contact.substr(1, contact.find('>') - 1);
    // In-dialog requests: To with the tag, a new branch and CSeq each.
    auto inDialog = [&](const std::string& method, int cseq, const std::string& body) {
        std::string r = peer.request(method, c.port, body.empty() ? "" : "Content-Type: application/sdp\r\n",
                                     body, "re1");
        r.replace(0, r.find(" SIP/2.0"), method + " " + target);
        r.replace(r.find("branch=z9hG4bK"), 14, "branch=z9hG4bK" + std::to_string(cseq));
        r.replace(r.find("CSeq: 1 " + method), 8 + method.size(), "CSeq: " + std::to_string(cseq) + " " + method);
        auto to = r.find("\r\nTo: ") + 2;
        r.replace(to, r.find("\r\n", to) - to, "To: " + header(ok, "To").substr(0, header(ok, "To").find(";tag=")) + toTag);
        return r;
    };
    peer.send(c.port, inDialog("ACK", 1, ""));
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return events.log.size() == 2; }));   // invite, ack
    SipDialogId id = events.invites.begin()->first;
    BOOST_TEST(events.has("ack " + std::to_string(id)));

    std::string refreshed = kSdp;
    refreshed.replace(refreshed.find("o=- 1 1"), 7, "o=- 1 2");   // new version, same session
    peer.send(c.port, inDialog("INVITE", 2, refreshed));
    std::string ok2 = peer.waitFor("SIP/2.0 200");
    BOOST_TEST(ok2.ends_with("\r\n\r\n" + kAnswer));               // our SDP again
    peer.send(c.port, inDialog("ACK", 2, ""));

    std::string hold = kSdp + "a=sendonly\r\n";
    peer.send(c.port, inDialog("INVITE", 3, hold));
    BOOST_TEST(!peer.waitFor("SIP/2.0 488").empty());          // RFC 3261 §14.2
    runUntil(loop, [] { return false; }, 30ms);
    BOOST_TEST(events.log.size() == 2u);                        // the core saw none of it

    port->setReasonCause(id, 16);
    port->bye(id);
    std::string bye = peer.waitFor("BYE ");
    BOOST_TEST(header(bye, "Reason") == "Q.850;cause=16");
    peer.send(c.port, rawResponse(bye, "200 OK", ""));
    BOOST_TEST(runUntil(loop, [&] { return events.terminated[id] == 1; }));
    BOOST_TEST(events.terminatedStatus[id] == 200);
}

BOOST_AUTO_TEST_CASE(stack_answers_malformed_and_options_itself) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    RawPeer peer(loop);
    std::string bad = peer.request("INVITE", c.port, "", "", "bad1");
    bad.replace(bad.find("CSeq: 1 INVITE"), 14, "CSeq: x INVITE");
    peer.send(c.port, bad);
    BOOST_TEST(!peer.waitFor("SIP/2.0 400").empty());
    peer.send(c.port, peer.request("OPTIONS", c.port, "", "", "opt1"));
    std::string ok = peer.waitFor("SIP/2.0 200");
    BOOST_TEST(header(ok, "Allow").find("INVITE") != std::string::npos);
    peer.send(c.port, peer.request("MESSAGE", c.port, "", "", "msg1"));
    BOOST_TEST(!peer.waitFor("SIP/2.0 405").empty());
    peer.send(c.port, peer.request("INVITE", c.port, "Require: 100rel\r\n", "", "req1"));
    std::string refused = peer.waitFor("SIP/2.0 420");                 // RFC 3261 §8.2.2.3
    BOOST_TEST(header(refused, "Unsupported") == "100rel");
    runUntil(loop, [] { return false; }, 20ms);
    BOOST_TEST(events.log.empty());
    BOOST_TEST(port->dialogCount() == 0u);
}

BOOST_AUTO_TEST_CASE(outgoing_headers_and_cancel_reason_on_the_wire) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    RawPeer peer(loop);
    OutgoingInvite inv;
    inv.requestUri = "sip:5552000@127.0.0.1:" + std::to_string(peer.port);
    inv.fromUser = "1000#";
    inv.fromDisplay = "PBX";
    inv.toUser = "5552000";
    inv.sdp = kSdp;
    SipDialogId id = port->invite(inv);
    std::string req = peer.waitFor("INVITE ");
    BOOST_TEST_REQUIRE(!req.empty());
    BOOST_TEST(req.starts_with("INVITE " + inv.requestUri + " SIP/2.0\r\n"));
    BOOST_TEST(header(req, "From").starts_with("\"PBX\" <sip:1000%23@127.0.0.1>;tag="));
    BOOST_TEST(header(req, "To") == "<" + inv.requestUri + ">");
    BOOST_TEST(header(req, "Content-Type") == "application/sdp");
    BOOST_TEST(header(req, "User-Agent") == "gatewayd");
    BOOST_TEST(req.ends_with("\r\n\r\n" + kSdp));
    peer.send(c.port, rawResponse(req, "180 Ringing", ";tag=raw2"));
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return events.gotStatus(id, 180); }));
    port->setReasonCause(id, 16);
    port->cancel(id);
    std::string cancel = peer.waitFor("CANCEL ");
    BOOST_TEST(header(cancel, "Reason") == "Q.850;cause=16");
    peer.send(c.port, rawResponse(cancel, "200 OK", ";tag=raw2"));
    peer.send(c.port, rawResponse(req, "487 Request Terminated", ";tag=raw2"));
    BOOST_TEST(runUntil(loop, [&] { return events.terminated[id] == 1; }));
    BOOST_TEST(events.terminatedStatus[id] == 487);
    BOOST_TEST(!peer.waitFor("ACK ").empty());               // nta ACKs the 487
}

BOOST_AUTO_TEST_CASE(sipp_uac_call) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    events.onInviteDo = [&](SipDialogId id) {
        port->respond(id, 180, "", "");
        port->respond(id, 200, "", kAnswer);
    };
    std::string target = "127.0.0.1:" + std::to_string(c.port);
    std::string sippPort = std::to_string(freePort());
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        int devNull = ::open("/dev/null", O_WRONLY);
        ::dup2(devNull, STDOUT_FILENO);
        ::dup2(devNull, STDERR_FILENO);
        ::execlp("sipp", "sipp", "-sn", "uac", target.c_str(), "-i", "127.0.0.1", "-p",
                 sippPort.c_str(), "-m", "1", "-l", "1", "-d", "100", "-timeout", "5s",
                 "-timeout_error", "-nostdin", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = -1;
    bool exited = runUntil(loop, [&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 8s);
    BOOST_TEST_REQUIRE(exited);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0, "sipp exit status " << WEXITSTATUS(status));
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return !events.terminated.empty(); }));
    SipDialogId id = events.invites.begin()->first;
    BOOST_TEST(events.has("ack " + std::to_string(id)));
    BOOST_TEST(events.has("bye " + std::to_string(id)));
    BOOST_TEST(events.terminated[id] == 1);
}

BOOST_AUTO_TEST_SUITE_END()
