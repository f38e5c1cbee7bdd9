// makeSignallingLoop / openSipPort over SofiaLoop and SofiaSipPort.
#include "sip/sip_stack.hpp"
#include "sip/sofia_loop.hpp"
#include "sip/sofia_sip_port.hpp"

namespace gw::sip {

std::unique_ptr<kernel::EventLoop> makeSignallingLoop(bool stopOnSignals) {
    auto loop = std::make_unique<SofiaLoop>();
    if (stopOnSignals) loop->stopOnSignals();
    return loop;
}

std::unique_ptr<SipPort> openSipPort(kernel::EventLoop& loop, SipPortListener& listener,
                                     const SipPortSettings& settings, std::string& error) {
    auto* sofia = dynamic_cast<SofiaLoop*>(&loop);
    if (!sofia) {
        error = "the SIP stack needs the signalling loop from makeSignallingLoop()";
        return nullptr;
    }
    SofiaSipPortConfig cfg;
    cfg.bindAddr = settings.bindAddr;
    cfg.port = settings.port;
    cfg.userAgent = settings.userAgent;
    return SofiaSipPort::create(*sofia, listener, cfg, error);
}

} // namespace gw::sip
