// Fakes for driving the CallManager without libpri, sofia or sockets: each
// records what the core asked of it, as text lines a test can compare.
#pragma once

#include "gateway/call/call_manager.hpp"
#include "gateway/call/media_port.hpp"
#include "gateway/call/route.hpp"
#include "isdn/isdn_port.hpp"
#include "sip/sip_port.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gw::test {

struct FakeIsdnPort : isdn::IsdnPort {
    std::vector<std::string> sent;
    std::vector<isdn::SetupInfo> setups;
    isdn::IsdnCallId nextId = 1000;
    bool up = true;
    isdn::IsdnCallId setup(const isdn::SetupInfo& s) override {
        sent.push_back("SETUP " + s.called + " ch=" + std::to_string(s.channel));
        setups.push_back(s);
        return up ? nextId++ : 0;
    }
    void proceeding(isdn::IsdnCallId, int ch) override { sent.push_back("CALL PROCEEDING ch=" + std::to_string(ch)); }
    void setupAck(isdn::IsdnCallId, int ch) override { sent.push_back("SETUP ACKNOWLEDGE ch=" + std::to_string(ch)); }
    void alerting(isdn::IsdnCallId, int, bool inband) override {
        sent.push_back(std::string("ALERTING") + (inband ? " inband" : ""));
    }
    void progress(isdn::IsdnCallId, int, bool) override { sent.push_back("PROGRESS"); }
    void connect(isdn::IsdnCallId, int) override { sent.push_back("CONNECT"); }
    void disconnect(isdn::IsdnCallId, q850::Cause cause) override {
        sent.push_back("DISCONNECT " + std::to_string(q850::value(cause)));
    }
    bool dchannelUp() const override { return up; }
    int callRef(isdn::IsdnCallId) const override { return 1; }
    std::map<int, ChannelView> views;   // what the test says Q.931 holds
    std::map<int, ChannelView> channelViews() const override { return views; }
    bool setChannelService(int channel, int state) override {
        sent.push_back("SERVICE ch=" + std::to_string(channel) + " state=" + std::to_string(state));
        return true;
    }
    void restartChannel(int channel) override {
        sent.push_back("RESTART ch=" + std::to_string(channel));
        views.erase(channel);
    }
};

struct FakeSipPort : sip::SipPort {
    std::vector<std::string> sent;
    void setUserAgent(const std::string&) override {}
    void setAvailable(bool on, int) override { available = on; }
    bool available = true;
    void setCredentials(const std::vector<sip::Credential>& c) override { credentials = c; }
    std::vector<sip::Credential> credentials;
    void setRegistrar(const sip::RegistrarSettings& r) override { registrar = r; }
    sip::RegistrarSettings registrar;
    std::vector<sip::RegistrationStatus> registrations() const override { return {}; }
    sip::SipDialogId nextId = 500;
    std::vector<sip::OutgoingInvite> invites;
    sip::SipDialogId invite(const sip::OutgoingInvite& inv) override {
        invites.push_back(inv);
        sent.push_back("INVITE " + inv.requestUri);
        return nextId++;
    }
    void respond(sip::SipDialogId, int status, const std::string&, const std::string& sdp) override {
        sent.push_back(std::to_string(status) + (sdp.empty() ? "" : " sdp"));
    }
    void setReason(sip::SipDialogId, int cause, const std::string& text) override { lastReason = cause; lastReasonText = text; }
    void setRetryAfter(sip::SipDialogId, int seconds) override { lastRetryAfter = seconds; }
    void answerReinvite(sip::SipDialogId, int status, const std::string& sdp) override {
        sent.push_back("re-INVITE " + std::to_string(status));
        reinviteAnswers.push_back(sdp);
    }
    std::vector<std::string> reinviteAnswers;
    void bye(sip::SipDialogId) override { sent.push_back("BYE"); }
    void cancel(sip::SipDialogId) override { sent.push_back("CANCEL"); }
    void release(sip::SipDialogId id) override { released.push_back(id); }
    int lastReason = 0;
    std::string lastReasonText;
    int lastRetryAfter = 0;
    std::vector<sip::SipDialogId> released;
};

struct FakeMedia : MediaPort {
    std::vector<std::string> log;
    int nextPort = 20000;
    std::optional<int> allocate(std::uint64_t) override { return nextPort += 2; }
    bool connectBearer(std::uint64_t, int span, int ch) override {
        log.push_back("bearer " + std::to_string(span) + "/" + std::to_string(ch));
        return true;
    }
    std::vector<RtpPeer> peers;
    void setRemote(std::uint64_t, const RtpPeer& p) override {
        peers.push_back(p);
        log.push_back("remote " + p.addr + ":" + std::to_string(p.port) + " pt=" + std::to_string(p.payloadType));
    }
    void release(std::uint64_t) override { ++releases; }
    std::string localAddress() const override { return "127.0.0.1"; }
    int releases = 0;
};

// Every route matches any number, unless `digits` is set: then a number
// matches once it has that many digits (a pattern like 5552...), and with
// `variable` any longer one too (a pattern ending in T).
struct FakeRouter : Router {
    std::vector<OutboundRoute> routes;
    std::size_t digits = 0;
    bool variable = false;
    std::vector<OutboundRoute> route(CallOrigin from, int, const std::string& called, const std::string&) const override {
        std::vector<OutboundRoute> out;
        if (called.size() < digits || (!variable && digits && called.size() > digits)) return out;
        for (const auto& r : routes)
            if (r.voip == (from == CallOrigin::Isdn)) out.push_back(r);
        return out;
    }
    bool moreDigitsMayMatch(CallOrigin, int, const std::string& called, const std::string&) const override {
        return variable || called.size() < digits;
    }
};

// A loop with a hand-driven clock: timers fire only in advance().
struct FakeLoop : kernel::EventLoop {
    std::chrono::milliseconds clock{0};
    std::map<kernel::TimerId, std::pair<std::chrono::milliseconds, std::function<void()>>> timers;
    kernel::TimerId nextId = 1;
    void watchFd(int, std::function<void()>) override {}
    void unwatchFd(int) override {}
    kernel::TimerId startTimer(std::chrono::milliseconds after, std::function<void()> cb) override {
        timers[nextId] = {clock + after, std::move(cb)};
        return nextId++;
    }
    void cancelTimer(kernel::TimerId id) override { timers.erase(id); }
    void run() override {}
    void stop() override {}
    Clock::time_point now() const override { return Clock::time_point{} + clock; }
    // Moves the clock on by `by`, firing what falls due, in deadline order.
    void advance(std::chrono::milliseconds by) {
        const auto until = clock + by;
        for (;;) {
            auto next = timers.end();
            for (auto it = timers.begin(); it != timers.end(); ++it)
                if (it->second.first <= until && (next == timers.end() || it->second.first < next->second.first)) next = it;
            if (next == timers.end()) break;
            clock = next->second.first;
            auto cb = std::move(next->second.second);
            timers.erase(next);
            cb();
        }
        clock = until;
    }
};

inline Clock::time_point fakeNow() {
    static Clock::time_point t{};
    t += std::chrono::milliseconds(1);
    return t;
}

inline std::string sdpFor(int port, int pt) {
    return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + std::to_string(port) +
           " RTP/AVP " + std::to_string(pt) + " 101\r\na=rtpmap:101 telephone-event/8000\r\n";
}

// A SETUP from the PBX for `called` on B-channel `channel` (exclusive).
inline isdn::SetupInfo setupFor(const std::string& called, int channel) {
    isdn::SetupInfo s;
    s.called = called;
    s.calling = "1000";
    s.channel = channel;
    s.exclusive = true;
    return s;
}

inline sip::Response rsp(int status, std::string sdp = "") {
    sip::Response r;
    r.status = status;
    r.sdp = std::move(sdp);
    return r;
}

// An INVITE from a phone (2000) to `user` with `sdp` as the offer.
inline sip::IncomingInvite inviteFor(const std::string& user, std::string sdp) {
    sip::IncomingInvite inv;
    inv.requestUser = user;
    inv.requestUri = "sip:" + user + "@127.0.0.1";
    inv.fromUser = "2000";
    inv.sdp = std::move(sdp);
    return inv;
}

// A gateway core with one E1 span (user side) and fakes around it.
struct Harness {
    FakeIsdnPort isdnPort;
    FakeSipPort sipPort;
    FakeMedia media;
    FakeRouter router;
    FakeLoop loop;
    CallManager calls;
    // `now`: the call layer's clock (the default advances 1 ms per reading).
    explicit Harness(Clock::time_point (*now)() = &fakeNow) : calls(media, router, now) {
        calls.setSipPort(sipPort);
        calls.setLoop(loop);
        std::vector<int> bearers;
        for (int i = 1; i <= 31; ++i)
            if (i != 16) bearers.push_back(i);
        calls.attachSpan(0, isdnPort, kernel::Law::Alaw, false, bearers);
        calls.onDchannel(0, true);
    }
    void addVoip(int tag, const std::string& host, int port) {
        OutboundRoute r;
        r.peerTag = tag;
        r.voip = true;
        r.called = "5552000";
        r.host = host;
        r.port = port;
        router.routes.push_back(r);
    }
    void addPots(int tag) {
        OutboundRoute r;
        r.peerTag = tag;
        r.voip = false;
        r.called = "5551000";
        r.span = 0;
        router.routes.push_back(r);
    }
};

} // namespace gw::test
