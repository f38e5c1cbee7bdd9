// pbxsim: a PBX (or telco switch) on the far end of a virtual span, built on
// a real libpri. Places or answers calls, plays and analyses tones, and
// prints one JSON line per call. See pbxsimUsage() for the command line.
#include "isdn/pbxsim/pbxsim.hpp"
#include "isdn/pbxsim/pbxsim_options.hpp"
#include "kernel/span.hpp"
#include "kernel/unique_fd.hpp"

#include <signal.h>
#include <sys/signalfd.h>

#include <cstdio>
#include <string>
#include <vector>

using namespace gw;

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    isdn::PbxsimOptions options;
    std::string error;
    switch (isdn::parsePbxsimArgs(args, options, error)) {
    case isdn::ParseOutcome::Help:
        std::fputs(isdn::pbxsimUsage(), stdout);
        return 0;
    case isdn::ParseOutcome::Error:
        std::fprintf(stderr, "pbxsim: %s\n%s", error.c_str(), isdn::pbxsimUsage());
        return 2;
    case isdn::ParseOutcome::Run:
        break;
    }

    // Block the stop signals before the span starts its relay thread, so
    // they reach only the signalfd.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    kernel::UniqueFd signals(::signalfd(-1, &stopSignals, SFD_NONBLOCK | SFD_CLOEXEC));
    ::signal(SIGPIPE, SIG_IGN);

    const auto end = options.listen ? kernel::SpanEnd::Device : kernel::SpanEnd::Peer;
    auto span = kernel::openVirtualSpan(options.span, options.type, end, error, options.reattach);
    if (!span) {
        std::fprintf(stderr, "pbxsim: %s\n", error.c_str());
        return 1;
    }
    isdn::Pbxsim sim(options, *span, stdout);
    return sim.run(signals.get());
}
