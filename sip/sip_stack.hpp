// The SIP stack as the daemon builds it, without naming Sofia: the
// signalling loop (Sofia's su_root underneath) and a SipPort bound on it.
// Implemented in sip/sofia_stack.cpp, the one place that knows the types.
#pragma once

#include "kernel/event_loop.hpp"
#include "sip/sip_port.hpp"

#include <memory>
#include <string>

namespace gw::sip {

struct SipPortSettings {
    std::string bindAddr = "127.0.0.1";
    int port = 5060;
    std::string userAgent = "gatewayd";   // sip-ua user-agent; "" sends none
};

// The signalling thread's loop; with stopOnSignals, SIGINT and SIGTERM end run().
std::unique_ptr<kernel::EventLoop> makeSignallingLoop(bool stopOnSignals);
// A SIP listener on `loop` (which must come from makeSignallingLoop). On
// failure returns nullptr and a sentence for the administrator in `error`.
std::unique_ptr<SipPort> openSipPort(kernel::EventLoop& loop, SipPortListener& listener,
                                     const SipPortSettings& settings, std::string& error);

} // namespace gw::sip
