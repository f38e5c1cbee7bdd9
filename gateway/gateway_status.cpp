// Gateway: the state of the spans and of SIP as the CLI's show commands see it.
#include "gateway/gateway.hpp"

#include "conf/values.hpp"
#include "isdn/pri_port.hpp"
#include "kernel/span.hpp"

namespace gw {
namespace {

conf::SwitchType effectiveSwitch(const conf::Config& config, const conf::Controller& ctl) {
    if (ctl.switchType) return *ctl.switchType;
    if (config.switchType) return *config.switchType;
    return ctl.type == conf::ControllerType::E1 ? conf::SwitchType::PrimaryNet5 : conf::SwitchType::PrimaryNi;
}

std::vector<ChannelStatus> channelStates(const isdn::ChannelPool* pool) {
    std::vector<ChannelStatus> out;
    if (!pool) return out;
    for (int ch : pool->bearers()) {
        ChannelStatus s;
        s.channel = ch;
        switch (pool->use(ch)) {
        case isdn::ChannelPool::Use::Idle: s.use = ChannelStatus::Use::Idle; break;
        case isdn::ChannelPool::Use::Reserved: s.use = ChannelStatus::Use::Reserved; break;
        case isdn::ChannelPool::Use::InUse: s.use = ChannelStatus::Use::InUse; break;
        }
        out.push_back(s);
    }
    return out;
}

} // namespace

std::vector<SpanStatus> Gateway::spans() const {
    std::set<int> numbers;
    for (const auto& [n, ctl] : running_.controllers) numbers.insert(n);
    for (const auto& [n, rt] : spans_) numbers.insert(n);
    std::vector<SpanStatus> out;
    for (int n : numbers) {
        SpanStatus s;
        s.number = n;
        auto ctl = running_.controllers.find(n);
        if (ctl != running_.controllers.end()) {
            s.type = ctl->second.type;
            s.shutdown = ctl->second.shutdown;
            s.network = ctl->second.side == conf::IsdnSide::Network;
            s.switchType = conf::switchTypeName(effectiveSwitch(running_, ctl->second));
        }
        s.busyout = busyout_.count(n) != 0;
        auto rt = spans_.find(n);
        if (rt != spans_.end()) {
            s.running = true;
            s.type = rt->second.span->shape().type == kernel::SpanType::E1 ? conf::ControllerType::E1
                                                                             : conf::ControllerType::T1;
            s.alarm = rt->second.span->inAlarm();
            s.source = rt->second.span->describe();
            s.dchannelUp = calls_->dchannelUp(n);
            s.activeCalls = calls_->activeOnSpan(n);
            s.channels = channelStates(calls_->channels(n));
            if (rt->second.port) {
                const auto views = rt->second.port->channelViews();
                for (ChannelStatus& ch : s.channels) {
                    auto v = views.find(ch.channel);
                    if (v == views.end()) continue;
                    ch.service = v->second.service;
                    if (v->second.restarting) ch.q931 = ChannelStatus::Q931::Restarting;
                    else if (v->second.call) ch.q931 = ChannelStatus::Q931::Busy;
                    ch.callRef = v->second.callRef;
                }
            }
        }
        out.push_back(std::move(s));
    }
    return out;
}

SipStatus Gateway::sip() const {
    SipStatus s;
    s.bindAddr = booted_.sipUa.bindAddr;
    s.port = booted_.sipUa.bindPort;
    if (running_.sipUa.sipServer) s.sipServer = conf::formatTarget(*running_.sipUa.sipServer);
    if (running_.sipUa.registrar) s.registrar = conf::formatTarget(running_.sipUa.registrar->target);
    if (sipPort_) s.registrations = sipPort_->registrations();
    return s;
}

} // namespace gw
