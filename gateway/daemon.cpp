// runDaemon: builds a Gateway from the configuration and runs it; the
// embedded default configuration.
#include "gateway/daemon.hpp"

#include "gateway/gateway.hpp"

namespace gw {

const char* embeddedDefaultConfig() {
    return "hostname gateway\n"
           "controller e1 0\n"
           " pri-group timeslots 1-31\n"
           " isdn switch-type primary-net5\n"
           " source virtual /tmp/gateway/span0\n"
           "sip-ua\n"
           " bind 127.0.0.1 5060\n"
           "voice service voip\n"
           " ip address trusted list\n"
           "  ipv4 127.0.0.1\n"
           "dial-peer voice 1 pots\n"
           " description every SIP call goes to the PBX\n"
           " destination-pattern T\n"
           " port 0\n";
}

int runDaemon(const conf::Config& config, const DaemonOptions& options) {
    Gateway gateway(config, options);
    if (int rc = gateway.start(); rc != 0) return rc;
    return gateway.run();
}

} // namespace gw
