// bench_sofia: the bare cost of one SIP call through Sofia. Two SofiaSipPorts
// on 127.0.0.1 in one process and one loop run N sequential calls, each
// INVITE/180/200/ACK/BYE/200 with a small SDP; prints one JSON line.
#include "sip/sofia_loop.hpp"
#include "sip/sofia_sip_port.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace gw::sip;

namespace {

const char kOffer[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                      "m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
                      "a=fmtp:101 0-15\r\na=ptime:20\r\n";
const char kAnswer[] = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                       "m=audio 5000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
                       "a=fmtp:101 0-15\r\na=ptime:20\r\n";

// An ephemeral port free on 127.0.0.1 (UDP; TCP is not used here).
int freePort() {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), len);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

double cpuSeconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return sec(ru.ru_utime) + sec(ru.ru_stime);
}

// Drives the calls: the UAS side answers 180 then 200 at once; the UAC side
// hangs up on 200; when both dialogs have ended the next call starts. Each
// port has its own listener (Side), as dialog ids are per port.
class Driver {
public:
    struct Side : SipPortListener {
        Driver* driver = nullptr;
        SofiaSipPort* port = nullptr;
        bool uac = false;
        void onInvite(SipDialogId id, const IncomingInvite&) override {
            port->respond(id, 180, "", "");
            port->respond(id, 200, "", kAnswer);
        }
        void onResponse(SipDialogId id, const Response& rsp) override {
            if (rsp.status >= 300) driver->fail("call failed with " + std::to_string(rsp.status));
            else if (rsp.status >= 200) port->bye(id);
        }
        void onAck(SipDialogId) override {}
        void onReinvite(SipDialogId id, const std::string&) override { port->answerReinvite(id, 488, ""); }
        void onReinviteAck(SipDialogId, const std::string&) override {}
        void onBye(SipDialogId, int) override {}
        void onCancel(SipDialogId, int) override { driver->fail("unexpected CANCEL"); }
        void onTerminated(SipDialogId id, int) override {
            port->release(id);
            driver->ended();
        }
    };

    Driver(SofiaLoop& loop, int calls, int uasPort) : loop_(loop), left_(calls), uasPort_(uasPort) {
        uacSide.driver = uasSide.driver = this;
        uacSide.uac = true;
    }
    void next() {
        if (left_-- == 0) {
            loop_.stop();
            return;
        }
        ended_ = 0;
        OutgoingInvite inv;
        inv.requestUri = "sip:5551000@127.0.0.1:" + std::to_string(uasPort_);
        inv.fromUser = "2000";
        inv.fromDisplay = "Bench";
        inv.toUser = "5551000";
        inv.sdp = kOffer;
        uacSide.port->invite(inv);
    }
    void ended() {
        if (++ended_ == 2) next();
    }
    void fail(const std::string& why) {
        std::fprintf(stderr, "bench_sofia: %s\n", why.c_str());
        failed_ = true;
        loop_.stop();
    }
    bool failed() const { return failed_; }

    Side uacSide, uasSide;

private:
    SofiaLoop& loop_;
    int left_;
    int uasPort_;
    int ended_ = 0;
    bool failed_ = false;
};

} // namespace

int main(int argc, char** argv) {
    int calls = 1000;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--calls") == 0 && i + 1 < argc) calls = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_sofia [--calls N]\n");
            return 2;
        }
    }
    if (calls <= 0) calls = 1;
    SofiaLoop loop;
    SofiaSipPortConfig uacCfg, uasCfg;
    uacCfg.port = freePort();
    uasCfg.port = freePort();
    uacCfg.tcp = uasCfg.tcp = false;
    Driver driver(loop, calls, uasCfg.port);
    std::string error;
    auto uac = SofiaSipPort::create(loop, driver.uacSide, uacCfg, error);
    auto uas = uac ? SofiaSipPort::create(loop, driver.uasSide, uasCfg, error) : nullptr;
    if (!uac || !uas) {
        std::fprintf(stderr, "bench_sofia: %s\n", error.c_str());
        return 1;
    }
    driver.uacSide.port = uac.get();
    driver.uasSide.port = uas.get();

    double cpu0 = cpuSeconds();
    auto wall0 = std::chrono::steady_clock::now();
    driver.next();
    loop.run();
    double wallUs = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - wall0).count();
    double cpuUs = (cpuSeconds() - cpu0) * 1e6;
    if (driver.failed()) return 1;
    std::printf("{\"calls\":%d,\"cpu_us_per_call\":%.1f,\"wall_us_per_call\":%.1f}\n", calls,
                cpuUs / calls, wallUs / calls);
    return 0;
}
