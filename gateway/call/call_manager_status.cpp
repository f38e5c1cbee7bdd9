// CallManager inspection for the CLI (`show call active voice`, `show isdn
// status`, max-conn counts) and the operator's span blocking.
#include "gateway/call/call_manager.hpp"

#include "kernel/log.hpp"

namespace gw {
namespace {

int currentPeer(const Call& c) {
    return c.routeIndex > 0 && c.routeIndex <= c.routes.size() ? c.routes[c.routeIndex - 1].peerTag : 0;
}

std::string targetOf(const Call& c) {
    if (c.routeIndex == 0 || c.routeIndex > c.routes.size()) return "";
    const OutboundRoute& r = c.routes[c.routeIndex - 1];
    if (!r.voip) return "span " + std::to_string(r.span);
    if (!r.requestUri.empty()) return r.requestUri;
    return (r.host.find(':') != std::string::npos ? "[" + r.host + "]" : r.host) + ":" + std::to_string(r.port);
}

} // namespace

std::vector<CallSummary> CallManager::activeCalls() const {
    std::vector<CallSummary> out;
    Clock::time_point now = now_();
    for (const auto& [id, c] : calls_) {
        CallSummary s;
        s.id = id;
        s.origin = c->origin == CallOrigin::Isdn ? "isdn" : "sip";
        s.called = c->called;
        s.calling = c->calling;
        s.callingName = c->callingName;
        s.callingTon = c->callingTon;
        s.callingPresentation = c->callingPresentation;
        s.callState = toString(c->state);
        s.isdnState = c->isdn ? isdn::toString(c->isdn->state()) : "-";
        s.sipState = c->sip ? sip::toString(c->sip->state()) : "-";
        s.span = c->span;
        s.channel = c->channel;
        s.peerTag = currentPeer(*c);
        s.seconds = std::chrono::duration<double>(now - c->started).count();
        if (c->answered != Clock::time_point{})
            s.connectedSeconds = std::chrono::duration<double>(now - c->answered).count();
        s.sipDialog = c->sip && c->sip->state() != sip::SipState::Terminated ? c->sipId : 0;
        auto sp = spans_.find(c->span);
        if (c->isdnId && sp != spans_.end() && sp->second.port) s.callRef = sp->second.port->callRef(c->isdnId);
        s.localRtpPort = c->localRtpPort;
        s.remote = c->remote;
        s.target = targetOf(*c);
        out.push_back(s);
    }
    return out;
}

int CallManager::idleChannels(int span) const {
    auto it = spans_.find(span);
    return it == spans_.end() ? 0 : it->second.pool->idleCount();
}

bool CallManager::dchannelUp(int span) const {
    auto it = spans_.find(span);
    return it != spans_.end() && it->second.dchannelUp;
}

int CallManager::activeOnPeer(int tag) const {
    int n = 0;
    for (const auto& [id, c] : calls_)
        if (currentPeer(*c) == tag) ++n;
    return n;
}

int CallManager::activeOnSpan(int span) const {
    int n = 0;
    for (const auto& [id, c] : calls_)
        if (c->span == span && c->isdn && c->isdn->state() != isdn::IsdnState::Null) ++n;
    return n;
}

const isdn::ChannelPool* CallManager::channels(int span) const {
    auto it = spans_.find(span);
    return it == spans_.end() ? nullptr : it->second.pool.get();
}

void CallManager::setSpanBlocked(int span, bool blocked) {
    auto it = spans_.find(span);
    if (it == spans_.end() || it->second.blocked == blocked) return;
    it->second.blocked = blocked;
    updateAvailability();
    GW_INFO("span %d: %s", span, blocked ? "new calls refused (shutdown or busyout)" : "accepting new calls");
}

void CallManager::startChannelAudit(std::chrono::milliseconds every) {
    auditEvery_ = every;
    if (!loop_ || every.count() <= 0) return;
    loop_->startTimer(every, [this] {
        auditChannels();
        startChannelAudit(auditEvery_);
    });
}

// What can put a channel out of step is a fault elsewhere (a lost message,
// a far end that forgot a call); the check finds it rather than leaving the
// channel unusable. A mismatch must be seen twice in a row, so that a call
// caught half-way through set-up or clearing is never touched.
void CallManager::auditChannels() {
    std::map<std::pair<int, int>, int> seen;
    for (auto& [spanNo, sp] : spans_) {
        if (!sp.port || !sp.pool || !sp.dchannelUp) continue;
        const auto views = sp.port->channelViews();
        for (int ch : sp.pool->bearers()) {
            const auto v = views.find(ch);
            if (v != views.end() && v->second.restarting) continue;
            const bool q931Busy = v != views.end() && v->second.call;
            const auto owner = sp.pool->owner(ch);
            const bool gatewayBusy = sp.pool->use(ch) != isdn::ChannelPool::Use::Idle;
            Call* call = nullptr;
            if (owner) {
                auto it = calls_.find(*owner);
                if (it != calls_.end()) call = it->second.get();
            }
            const char* problem = nullptr;
            if (gatewayBusy && !call) problem = "held for a call that has ended";
            else if (q931Busy && !isdnIndex_.count(v->second.call)) problem = "a Q.931 call reference without a call";
            else if (gatewayBusy && !q931Busy) problem = "busy for the gateway, idle for Q.931";
            else if (q931Busy && !gatewayBusy) problem = "busy for Q.931, idle for the gateway";
            if (!problem) continue;
            const auto key = std::make_pair(spanNo, ch);
            const int count = outOfStep_.count(key) ? outOfStep_[key] + 1 : 1;
            if (count < 2) {
                seen[key] = count;
                continue;
            }
            GW_WARN("span=%d B-channel %d out of step (%s): restarting it", spanNo, ch, problem);
            if (gatewayBusy && !call) sp.pool->release(ch, *owner);
            if (call && call->isdn && !q931Busy) {
                // The call's Q.931 side is gone: end its ISDN leg as the port would.
                feed(*call, isdn::IsdnInput{isdn::IsdnEvent::ReleaseInd, 0, q850::Cause::TemporaryFailure});
            }
            sp.port->restartChannel(ch);
        }
    }
    outOfStep_ = std::move(seen);
}

} // namespace gw
