// PriPort: the IsdnPort of one span over libpri, through the PriController
// that pbxsim uses too. The D-channel fd, the span's line events and
// libpri's timers run in the signalling loop.
#pragma once

#include "conf/config.hpp"
#include "isdn/isdn_port.hpp"
#include "isdn/pri_controller.hpp"
#include "kernel/event_loop.hpp"
#include "kernel/span.hpp"

#include <chrono>
#include <functional>
#include <sys/time.h>
#include <map>
#include <memory>
#include <vector>

namespace gw::isdn {

class PriPort : public IsdnPort {
public:
    // `spanNo` names the span in events and logs. libpri is started when the
    // span's line comes up (no alarm) and started afresh each time it comes back.
    PriPort(kernel::EventLoop& loop, IsdnPortListener& listener, int spanNo, kernel::Span& span,
            conf::IsdnSide side, conf::SwitchType switchType);
    ~PriPort() override;
    PriPort(const PriPort&) = delete;
    PriPort& operator=(const PriPort&) = delete;

    IsdnCallId setup(const SetupInfo& setup) override;
    void proceeding(IsdnCallId id, int channel) override;
    void setupAck(IsdnCallId id, int channel) override;
    void alerting(IsdnCallId id, int channel, bool inband) override;
    void progress(IsdnCallId id, int channel, bool inband) override;
    void connect(IsdnCallId id, int channel) override;
    void disconnect(IsdnCallId id, q850::Cause cause) override;
    bool dchannelUp() const override { return up_; }
    int callRef(IsdnCallId id) const override;
    std::map<int, ChannelView> channelViews() const override;
    void restartChannel(int channel) override;
    bool setChannelService(int channel, int state) override;

    // Q.931 §5.5: whether every idle B-channel is restarted (RESTART, one
    // channel at a time) each time the D-channel comes up, before the span
    // is reported up. On by default; `isdn skipsend-restart` turns it off.
    void setRestartOnUp(bool on) { restartOnUp_ = on; }
    // Q.931 T309: how long active calls outlive a loss of layer 2 (the line
    // still up) waiting for the link to come back. Takes effect the next
    // time layer 2 is started.
    void setT309(std::chrono::milliseconds t) { t309_ = t; }
    static constexpr std::chrono::milliseconds kDefaultT309{90000};   // Q.931 Table 9-1
    // Q.931 message tracing into the log (`debug isdn q931`): each message
    // each way, decoded with its information elements.
    void setDebug(bool on);
    static const char* switchTypeName(conf::SwitchType t);

private:
    struct CallRec {
        PriCall call = nullptr;
        int callRef = 0;
        int channel = 0;           // B-channel, 0 = not known yet
    };
    void onReadable();
    void onLineEvent();
    void startLink();
    void reschedule();
    void dispatch(const PriEvent& e);
    void onFrame(bool tx, const std::uint8_t* frame, std::size_t n);
    void onRing(const PriEvent& e);
    void onHangup(const PriEvent& e, bool ack);
    void onRestart(int channel);
    std::vector<IsdnCallId> dropCalls(int channel);
    void startRestarts();
    void restartNext();
    void finishRestarts();
    void sendServiceStates();
    void armRestartGuard();
    void noteChannel(PriCall call, int channel);
    IsdnCallId idFor(PriCall call) const;
    CallRec* rec(IsdnCallId id);

    kernel::EventLoop& loop_;
    IsdnPortListener& listener_;
    int span_;
    kernel::Span& line_;
    int fd_;                 // line_'s D-channel fd, watched while dWatched_
    bool dWatched_ = false;
    kernel::Law law_;
    std::unique_ptr<PriController> pri_;
    conf::IsdnSide side_;
    conf::SwitchType switchType_;
    bool debug_ = false;
    bool up_ = false;
    kernel::TimerId timer_ = 0;
    struct timeval timerDue_ {};   // libpri deadline the timer is set for
    std::map<IsdnCallId, CallRec> calls_;
    std::map<int, int> service_;   // B-channels not in service: channel -> state (1 maintenance, 2 out)
    bool restartOnUp_ = true;
    std::chrono::milliseconds t309_ = kDefaultT309;
    std::vector<int> toRestart_;   // B-channels still to restart, in order
    int restarting_ = 0;           // channel whose RESTART ACKNOWLEDGE is awaited
    kernel::TimerId restartGuard_ = 0;
    int restartTry_ = 0;           // RESTARTs sent for restarting_
    int restartsAcked_ = 0;
};

} // namespace gw::isdn
