// bench_libpri: the bare cost of libpri per call. Two controllers (NET and
// CPE) in one process, back to back over a SOCK_SEQPACKET socketpair, run N
// complete calls (SETUP ... RELEASE COMPLETE) one after another.
#include "isdn/pri_controller.hpp"
#include "kernel/unique_fd.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace gw::isdn;
namespace conf = gw::conf;
namespace kernel = gw::kernel;
using Clock = std::chrono::steady_clock;

namespace {

struct Bench {
    int calls = 1000;
    int completed = 0;
    int connectAcks = 0;
    bool netUp = false, cpeUp = false;
    bool netDone = true, cpeDone = true;   // no call in progress on that side
    PriController* net = nullptr;
    PriController* cpe = nullptr;

    void startCallIfIdle() {
        if (!netUp || !cpeUp || !netDone || !cpeDone || completed >= calls) return;
        SetupInfo setup;
        setup.called = "5551000";
        setup.calling = "1000";
        setup.channel = 1;
        setup.exclusive = true;
        PriCall call = net->newCall();
        if (call == nullptr || !net->setup(call, setup, kernel::Law::Alaw)) {
            std::fputs("bench_libpri: libpri refused the SETUP\n", stderr);
            std::exit(1);
        }
        netDone = cpeDone = false;
    }

    // NET side: the caller. It clears the call as soon as it is answered.
    void onNet(const PriEvent& e) {
        switch (e.kind) {
        case PriEvent::Kind::DchanUp: netUp = true; break;
        case PriEvent::Kind::Answer:
            net->connectAck(e.call, e.channel);
            net->hangup(e.call, 16);
            break;
        case PriEvent::Kind::HangupReq: net->hangup(e.call, e.cause); break;
        case PriEvent::Kind::Hangup:
            net->hangup(e.call, e.cause);   // sends RELEASE COMPLETE, frees the call
            finishNet();
            break;
        case PriEvent::Kind::HangupAck: finishNet(); break;
        default: break;
        }
    }

    // CPE side: the called party. Proceeding, alerting and connect at once.
    void onCpe(const PriEvent& e) {
        switch (e.kind) {
        case PriEvent::Kind::DchanUp: cpeUp = true; break;
        case PriEvent::Kind::Ring:
            cpe->proceeding(e.call, e.channel);
            cpe->alerting(e.call, e.channel, false);
            cpe->answer(e.call, e.channel);
            break;
        case PriEvent::Kind::ConnectAck: ++connectAcks; break;
        case PriEvent::Kind::HangupReq: cpe->hangup(e.call, e.cause); break;
        case PriEvent::Kind::Hangup:
            cpe->hangup(e.call, e.cause);
            cpeDone = true;
            break;
        case PriEvent::Kind::HangupAck: cpeDone = true; break;
        default: break;
        }
    }

    void finishNet() {
        netDone = true;
        ++completed;
    }
};

double cpuSeconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int pollTimeoutMs(const PriController& a, const PriController& b) {
    int timeout = 100;
    for (const PriController* p : {&a, &b}) {
        if (auto next = p->untilNextTimer()) timeout = std::min<int>(timeout, static_cast<int>(next->count()));
    }
    return timeout;
}

// Runs the two controllers until `done` or `limit` passes.
template <typename Done>
bool drive(Bench& bench, PriController& net, PriController& cpe, Done done, Clock::duration limit) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
        if (Clock::now() > deadline) return false;
        pollfd fds[2] = {{net.fd(), POLLIN, 0}, {cpe.fd(), POLLIN, 0}};
        const int timeout = pollTimeoutMs(net, cpe);
        if (::poll(fds, 2, timeout) < 0) return false;
        if (fds[0].revents) net.readFrames();
        if (fds[1].revents) cpe.readFrames();
        if (timeout == 0 || (fds[0].revents == 0 && fds[1].revents == 0)) {
            net.runTimers();
            cpe.runTimers();
        }
        bench.startCallIfIdle();
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    Bench bench;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--calls") == 0 && i + 1 < argc) {
            bench.calls = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: %s [--calls N]\n", argv[0]);
            return 2;
        }
    }
    if (bench.calls <= 0) {
        std::fputs("bench_libpri: --calls needs a positive number\n", stderr);
        return 2;
    }
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0) {
        std::perror("bench_libpri: socketpair");
        return 1;
    }
    gw::kernel::UniqueFd netFd(pair[0]), cpeFd(pair[1]);
    PriController net(netFd.get(), conf::IsdnSide::Network, conf::SwitchType::PrimaryNet5, [&](const PriEvent& e) { bench.onNet(e); });
    PriController cpe(cpeFd.get(), conf::IsdnSide::User, conf::SwitchType::PrimaryNet5, [&](const PriEvent& e) { bench.onCpe(e); });
    bench.net = &net;
    bench.cpe = &cpe;

    if (!drive(bench, net, cpe, [&] { return bench.netUp && bench.cpeUp; }, std::chrono::seconds(10))) {
        std::fputs("bench_libpri: the D-channel did not come up\n", stderr);
        return 1;
    }
    const double cpu0 = cpuSeconds();
    const auto wall0 = Clock::now();
    bench.startCallIfIdle();
    const bool ok = drive(bench, net, cpe,
                          [&] { return bench.completed >= bench.calls && bench.cpeDone; },
                          std::chrono::seconds(60) + std::chrono::milliseconds(bench.calls * 10));
    const double cpu = cpuSeconds() - cpu0;
    const double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
    if (!ok || bench.connectAcks != bench.calls) {
        std::fprintf(stderr, "bench_libpri: only %d of %d calls completed (%d CONNECT ACK)\n",
                     bench.completed, bench.calls, bench.connectAcks);
        return 1;
    }
    const int leftNet = net.activeCalls(), leftCpe = cpe.activeCalls();
    if (leftNet != 0 || leftCpe != 0) {
        std::fprintf(stderr, "bench_libpri: libpri still holds %d (NET) and %d (CPE) calls\n", leftNet, leftCpe);
        return 1;
    }
    std::printf("{\"calls\":%d,\"cpu_us_per_call\":%.1f,\"wall_us_per_call\":%.1f}\n", bench.calls,
                cpu * 1e6 / bench.calls, wall * 1e6 / bench.calls);
    return 0;
}
