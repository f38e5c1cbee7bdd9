// gatewayd: the SIP-ISDN PRI gateway daemon. Runs in the foreground, logs to
// stderr and serves the management CLI (gwctl) on a unix socket; `--check`
// validates a configuration and exits.
#include "conf/loader.hpp"
#include "gateway/daemon.hpp"
#include "kernel/log.hpp"

#include <cstdio>
#include <cstring>
#include <string>

namespace {

void usage(FILE* to) {
    std::fputs("usage: gatewayd [-c FILE] [--check] [--cli-socket PATH] [--rtp-ports MIN-MAX] [-v|-q]\n"
               "  -c FILE            configuration file (IOS-style commands); `write memory` in\n"
               "                     the CLI saves to it. Without it the embedded default runs:\n"
               "                     a virtual E1 at /tmp/gateway/span0 and SIP on 127.0.0.1:5060\n"
               "  --check            validate the configuration and exit (0 = valid)\n"
               "  --print-default    print the embedded default configuration\n"
               "  --cli-socket PATH  serve the management CLI (gwctl) on this unix socket\n"
               "                     (mode 0660); default /run/gatewayd/cli.sock as root, else\n"
               "                     $XDG_RUNTIME_DIR/gatewayd.sock or /tmp/gatewayd-UID.sock;\n"
               "                     `none` serves no CLI\n"
               "  --rtp-ports A-B    RTP port range (default 16384-32767)\n"
               "  -v, -q             more (debug) or less (warnings only) logging\n",
               to);
}

} // namespace

int main(int argc, char** argv) {
    gw::DaemonOptions opts;
    bool check = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if ((a == "-c" || a == "--config") && i + 1 < argc) {
            opts.configPath = argv[++i];
        } else if (a == "--cli-socket" && i + 1 < argc) {
            opts.cliSocket = argv[++i];
            opts.cliSocketGiven = true;
        } else if (a == "--check") {
            check = true;
        } else if (a == "--print-default") {
            std::fputs(gw::embeddedDefaultConfig(), stdout);
            return 0;
        } else if (a == "--rtp-ports" && i + 1 < argc) {
            if (std::sscanf(argv[++i], "%d-%d", &opts.rtpPortMin, &opts.rtpPortMax) != 2 ||
                opts.rtpPortMin < 1024 || opts.rtpPortMax > 65535 || opts.rtpPortMin >= opts.rtpPortMax) {
                std::fprintf(stderr, "gatewayd: bad --rtp-ports '%s' (want MIN-MAX within 1024-65535)\n", argv[i]);
                return 2;
            }
        } else if (a == "-v") {
            gw::logSetLevel(gw::LogLevel::Debug);
        } else if (a == "-q") {
            gw::logSetLevel(gw::LogLevel::Warning);
        } else if (a == "-h" || a == "--help") {
            usage(stdout);
            return 0;
        } else {
            std::fprintf(stderr, "gatewayd: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }

    gw::conf::Config config;
    std::vector<gw::conf::Diagnostic> errors;
    bool ok = opts.configPath.empty()
                  ? gw::conf::loadConfigText(gw::embeddedDefaultConfig(), "<default>", config, errors)
                  : gw::conf::loadConfigFile(opts.configPath, config, errors);
    if (!ok) {
        for (const auto& d : errors) std::fprintf(stderr, "gatewayd: %s\n", d.toString().c_str());
        std::fprintf(stderr, "gatewayd: configuration refused, nothing started\n");
        return 1;
    }
    if (check) {
        std::printf("%s: configuration OK\n", opts.configPath.empty() ? "<default>" : opts.configPath.c_str());
        return 0;
    }
    gw::logFlushOnFatalSignals();   // a crash still writes the last batched log lines
    return gw::runDaemon(config, opts);
}
