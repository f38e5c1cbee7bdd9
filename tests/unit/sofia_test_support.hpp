// Fixtures for the Sofia tests: a free port, a loop runner, a recording
// listener, two SofiaSipPorts back to back in one loop (as libpri's
// testprilib runs NET and CPE) and a raw UDP peer for wire-level checks.
#pragma once

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

#include <functional>
#include <memory>
#include <string>

namespace gw::sip::test {

using namespace std::chrono_literals;
using gw::kernel::UniqueFd;

inline const std::string kSdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                         "t=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\n"
                         "a=rtpmap:101 telephone-event/8000\r\n";
inline const std::string kAnswer = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                            "t=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";

// A port free for both UDP and TCP on 127.0.0.1.
inline int freePort() {
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

inline bool runUntil(SofiaLoop& loop, const std::function<bool()>& done, std::chrono::milliseconds limit = 2s) {
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
    std::function<void(SipDialogId, const std::string&)> onReinviteDo;
    std::map<SipDialogId, std::vector<std::string>> reinviteSdps, reinviteAckSdps;

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
    void onReinvite(SipDialogId id, const std::string& offer) override {
        log.push_back("reinvite " + std::to_string(id));
        reinviteSdps[id].push_back(offer);
        if (onReinviteDo) onReinviteDo(id, offer);
    }
    void onReinviteAck(SipDialogId id, const std::string& sdp) override {
        log.push_back("reinvite-ack " + std::to_string(id));
        reinviteAckSdps[id].push_back(sdp);
    }
    void onBye(SipDialogId id, int) override { log.push_back("bye " + std::to_string(id)); }
    void onCancel(SipDialogId id, int) override { log.push_back("cancel " + std::to_string(id)); }
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
    // Both sides have seen the dialog end.
    bool waitEnded(SipDialogId a, SipDialogId b) {
        return runUntil(loop, [&] { return uacEvents.terminated[a] && uasEvents.terminated[b]; });
    }
    // Lets late events (retransmissions, duplicates) arrive.
    void settle() { runUntil(loop, [] { return false; }, std::chrono::milliseconds(50)); }
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

inline std::string header(const std::string& msg, const std::string& name) {
    auto pos = msg.find("\r\n" + name + ":");
    if (pos == std::string::npos) return "";
    pos += name.size() + 3;
    auto end = msg.find("\r\n", pos);
    std::string v = msg.substr(pos, end - pos);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
}

// A response to a raw request, echoing its Via, From, Call-ID and CSeq.
inline std::string rawResponse(const std::string& req, const std::string& statusLine,
                        const std::string& toTag) {
    return "SIP/2.0 " + statusLine + "\r\nVia: " + header(req, "Via") +
           "\r\nFrom: " + header(req, "From") + "\r\nTo: " + header(req, "To") + toTag +
           "\r\nCall-ID: " + header(req, "Call-ID") + "\r\nCSeq: " + header(req, "CSeq") +
           "\r\nContent-Length: 0\r\n\r\n";
}

} // namespace gw::sip::test
