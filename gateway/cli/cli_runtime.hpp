// CliRuntime: what the CLI's exec commands need of the running gateway —
// its configuration, dial-peers, calls, spans, SIP and debug switches. The
// daemon implements it over Gateway; unit tests use a fake.
#pragma once

#include "conf/config.hpp"
#include "gateway/call/call_manager.hpp"
#include "gateway/route/dial_peer.hpp"
#include "gateway/route/trust_list.hpp"
#include "kernel/log.hpp"

#include <string>
#include <vector>

namespace gw {

struct ChannelStatus {
    int channel = 0;
    enum class Use { Idle, Reserved, InUse } use = Use::Idle;   // as the gateway sees it
    enum class Q931 { Idle, Busy, Restarting } q931 = Q931::Idle; // as Q.931 (libpri) sees it
    int callRef = 0;                                              // Q931::Busy: its call reference
    int service = 0;                                              // 0 in service, 1 maintenance, 2 out of service
};

// One controller as `show isdn status` / `show controllers` see it.
struct SpanStatus {
    int number = 0;
    conf::ControllerType type = conf::ControllerType::E1;
    bool running = false;         // its span was opened at start-up
    bool alarm = true;            // layer 1 down (no far end / loss of signal)
    bool dchannelUp = false;      // layer 2 multiple frame established
    bool network = false;         // we are the network side
    bool shutdown = false;        // configured `shutdown`
    bool busyout = false;         // exec `busyout`
    std::string switchType;       // "primary-net5"
    std::string source;           // "virtual e1 /tmp/gw/span0"
    int activeCalls = 0;
    std::vector<ChannelStatus> channels;
};

struct SipStatus {
    std::string bindAddr;
    int port = 0;
    bool udp = true, tcp = true;
    std::string sipServer;        // "" = none
    std::string registrar;        // "" = none
    std::vector<sip::RegistrationStatus> registrations;
};

class CliRuntime {
public:
    virtual ~CliRuntime() = default;
    virtual conf::Config& running() = 0;
    // The file `write memory` writes ("" when started on the embedded default).
    virtual std::string startupPath() const = 0;
    // After a configuration command changed running(): applies what can be
    // applied live, returns the notes on what waits for a restart.
    virtual std::vector<std::string> applyConfig(const conf::Config& before) = 0;
    virtual const route::DialPeerTable& dialPeers() const = 0;
    virtual int activeOnPeer(int tag) const = 0;
    virtual std::vector<CallSummary> calls() const = 0;
    virtual bool clearCall(CallId id, q850::Cause cause) = 0;
    virtual std::vector<SpanStatus> spans() const = 0;
    virtual SipStatus sip() const = 0;
    // False when there is no such controller.
    virtual bool setBusyout(int controller, bool on) = 0;
    virtual void setDebug(DebugCat cat, bool on) = 0;
    // Toll-fraud protection: what is trusted, and who was refused.
    virtual const route::TrustList& trustList() const = 0;
    virtual std::vector<UntrustedSource> untrustedSources() const = 0;
};

} // namespace gw
