// Daemon: builds the running gateway from a Config — spans, D-channels,
// SIP stack, media engine, dial-peer router, call manager — and runs the
// signalling loop until SIGINT/SIGTERM, then clears calls and stops cleanly.
#pragma once

#include "conf/config.hpp"

#include <string>

namespace gw {

struct DaemonOptions {
    std::string configPath;       // "" = embedded default
    int rtpPortMin = 16384;
    int rtpPortMax = 32767;
    std::string cliSocket;        // "" = defaultCliSocket(); "none" = no CLI
    bool cliSocketGiven = false;  // --cli-socket given: failing to serve it is fatal
};

// The configuration gatewayd runs when started without -c: a virtual E1 at
// /tmp/gateway/span0 and SIP on 127.0.0.1:5060; every SIP call goes to the PBX.
const char* embeddedDefaultConfig();

// Runs until stopped. Returns the process exit status; prints the reason of
// a start-up failure on stderr.
int runDaemon(const conf::Config& config, const DaemonOptions& options);

} // namespace gw
