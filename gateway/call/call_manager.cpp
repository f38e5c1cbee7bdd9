// CallManager: call bookkeeping and the two command executors. The flows
// themselves live in call_manager_isdn.cpp (calls from the PBX) and
// call_manager_sip.cpp (calls from SIP).
#include "gateway/call/call_manager.hpp"

#include "gateway/call/cause_map.hpp"
#include "kernel/log.hpp"

namespace gw {

CallManager::CallManager(MediaPort& media, const Router& router, Clock::time_point (*now)())
    : media_(media), router_(&router), now_(now) {}

void CallManager::attachSpan(int span, isdn::IsdnPort& port, kernel::Law law, bool network,
                             std::vector<int> bearers) {
    SpanAttachment& a = spans_[span];
    a.port = &port;
    a.law = law;
    a.network = network;
    a.pool = std::make_unique<isdn::ChannelPool>(
        std::move(bearers), network ? isdn::ChannelPool::Order::Ascending : isdn::ChannelPool::Order::Descending);
    a.dchannelUp = port.dchannelUp();
}

void CallManager::setSipIdentity(std::string host, int port) {
    sipHost_ = std::move(host);
    sipPortNumber_ = port;
}

Call* CallManager::byIsdn(isdn::IsdnCallId id) {
    auto it = isdnIndex_.find(id);
    if (it == isdnIndex_.end()) return nullptr;
    auto c = calls_.find(it->second);
    return c == calls_.end() ? nullptr : c->second.get();
}

Call* CallManager::bySip(sip::SipDialogId id) {
    auto it = sipIndex_.find(id);
    if (it == sipIndex_.end()) return nullptr;
    auto c = calls_.find(it->second);
    return c == calls_.end() ? nullptr : c->second.get();
}

Call& CallManager::newCall(CallOrigin origin) {
    auto c = std::make_unique<Call>();
    c->id = nextId_++;
    c->origin = origin;
    c->started = now_();
    Call& ref = *c;
    calls_[ref.id] = std::move(c);
    return ref;
}

// Each input runs to completion (the leg's transition and every command it
// returns) before the next; inputs that commands give rise to are queued
// behind it. An input arriving while nothing runs is carried out at once,
// without a copy into the inbox. A call whose legs are both done is freed
// when its inbox is empty, never while one of its inputs is being carried out.
template <class Input>
void CallManager::feed(Call& c, const Input& in) {
    if (c.running) {
        c.inbox.emplace_back(in);
        return;
    }
    c.running = true;
    step(c, in);
    while (!c.inbox.empty()) {
        auto next = std::move(c.inbox.front());
        c.inbox.pop_front();
        std::visit([&](const auto& queued) { step(c, queued); }, next);
    }
    c.running = false;
    if (c.finished) free(c.id);
}

void CallManager::feedIsdn(Call& c, const isdn::IsdnInput& in) { feed(c, in); }

void CallManager::feedSip(Call& c, const sip::SipInput& in) { feed(c, in); }

void CallManager::step(Call& c, const isdn::IsdnInput& in) {
    if (!c.isdn) return;
    for (const isdn::IsdnCommand& cmd : c.isdn->handle(in)) execIsdn(c, cmd);
}

void CallManager::step(Call& c, const sip::SipInput& in) {
    if (!c.sip) return;
    for (const sip::SipCommand& cmd : c.sip->handle(in)) execSip(c, cmd);
}

void CallManager::execIsdn(Call& c, const isdn::IsdnCommand& cmd) {
    SpanAttachment& span = spans_[c.span];
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, isdn::SendSetup>) {
                c.isdnId = span.port ? span.port->setup(v.setup) : 0;
                if (c.isdnId) {
                    isdnIndex_[c.isdnId] = c.id;
                    c.isdn->setCallRef(span.port->callRef(c.isdnId));
                }
            } else if constexpr (std::is_same_v<T, isdn::SendProceeding>) {
                span.port->proceeding(c.isdnId, v.channel);
            } else if constexpr (std::is_same_v<T, isdn::SendAlerting>) {
                span.port->alerting(c.isdnId, v.channel, v.inband);
            } else if constexpr (std::is_same_v<T, isdn::SendProgress>) {
                span.port->progress(c.isdnId, v.channel, v.inband);
            } else if constexpr (std::is_same_v<T, isdn::SendConnect>) {
                span.port->connect(c.isdnId, v.channel);
            } else if constexpr (std::is_same_v<T, isdn::SendDisconnect>) {
                if (c.isdnId) span.port->disconnect(c.isdnId, v.cause);
            } else if constexpr (std::is_same_v<T, isdn::NotifyChannel>) {
                onChannelKnown(c, v.channel);
            } else if constexpr (std::is_same_v<T, isdn::NotifyAlerting>) {
                onIsdnProgress(c, true, v.inband);
            } else if constexpr (std::is_same_v<T, isdn::NotifyProgress>) {
                onIsdnProgress(c, false, v.inband);
            } else if constexpr (std::is_same_v<T, isdn::NotifyAnswered>) {
                onIsdnAnswered(c);
            } else if constexpr (std::is_same_v<T, isdn::NotifyDisconnected>) {
                onIsdnCleared(c, v.cause);
            } else if constexpr (std::is_same_v<T, isdn::NotifyReleased>) {
                if (c.cause == q850::Cause::None) c.cause = v.cause;
                releaseChannel(c);
                isdnIndex_.erase(c.isdnId);
                c.isdnDone = true;
                maybeFree(c.id);
            }
            if constexpr (std::is_same_v<T, isdn::NotifyProceeding> || std::is_same_v<T, isdn::NotifyAlerting> ||
                          std::is_same_v<T, isdn::NotifyAnswered>) {
                if (c.channel && span.pool->owner(c.channel) == c.id) span.pool->markInUse(c.channel);
            }
        },
        cmd);
}

void CallManager::execSip(Call& c, const sip::SipCommand& cmd) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, sip::SendInvite>) {
                c.sipId = sipPort_->invite(v.invite);
                sipIndex_[c.sipId] = c.id;
                c.sip->setDialogId(c.sipId);
            } else if constexpr (std::is_same_v<T, sip::SendResponse>) {
                if (v.cause) sipPort_->setReasonCause(c.sipId, v.cause);
                if (v.retryAfter) sipPort_->setRetryAfter(c.sipId, v.retryAfter);
                sipPort_->respond(c.sipId, v.status, v.reason, v.sdp);
            } else if constexpr (std::is_same_v<T, sip::SendBye>) {
                if (v.cause) sipPort_->setReasonCause(c.sipId, v.cause);
                sipPort_->bye(c.sipId);
            } else if constexpr (std::is_same_v<T, sip::SendCancel>) {
                if (v.cause) sipPort_->setReasonCause(c.sipId, v.cause);
                sipPort_->cancel(c.sipId);
            } else if constexpr (std::is_same_v<T, sip::ReleaseDialog>) {
                sipPort_->release(c.sipId);
                sipIndex_.erase(c.sipId);
            } else if constexpr (std::is_same_v<T, sip::NotifyRinging>) {
                onSipRinging(c, v.status, v.sdp);
            } else if constexpr (std::is_same_v<T, sip::NotifyAnswered>) {
                onSipAnswered(c, v.sdp);
            } else if constexpr (std::is_same_v<T, sip::NotifyFailed>) {
                onSipFailed(c, v.status);
            } else if constexpr (std::is_same_v<T, sip::NotifyHangup>) {
                onSipCleared(c);
            } else if constexpr (std::is_same_v<T, sip::NotifyEnded>) {
                if (c.huntPending && !c.isdnDone) {
                    c.huntPending = false;
                    startSipAttempt(c);   // hunt to the next peer
                } else {
                    c.sipDone = true;
                    maybeFree(c.id);
                }
            }
            // NotifyConfirmed: state only.
        },
        cmd);
}

void CallManager::maybeFree(CallId id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    if (!c.isdnDone || !c.sipDone) return;
    c.finished = true;
    if (!c.running) free(id);
}

void CallManager::free(CallId id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    media_.release(c.id);
    double secs = std::chrono::duration<double>(now_() - c.started).count();
    const std::string_view causeText = q850::text(c.cause);
    GW_CCAPI("call=%llu ended origin=%s called=%s calling=%s cause=%d (%.*s) duration=%.3fs",
            static_cast<unsigned long long>(c.id), c.origin == CallOrigin::Isdn ? "isdn" : "sip",
            c.called.c_str(), c.calling.c_str(), q850::value(c.cause), static_cast<int>(causeText.size()),
            causeText.data(), secs);
    if (onCallEnded) onCallEnded(c);
    int spanNo = c.span;
    calls_.erase(it);
    auto sp = spans_.find(spanNo);
    if (sp != spans_.end() && sp->second.pool)
        GW_INFO("span %d: %d of %d B-channels idle", spanNo, sp->second.pool->idleCount(), sp->second.pool->size());
}

void CallManager::onChannelKnown(Call& c, int channel) {
    SpanAttachment& span = spans_[c.span];
    if (c.channel && c.channel != channel) {
        span.pool->move(c.id, c.channel, channel);
        c.bearerConnected = false;   // re-attached below
    }
    c.channel = channel;
    // An outgoing call's channel stays reserved (glare may take it) until
    // the far end answers the SETUP.
    if (c.origin == CallOrigin::Isdn || c.isdn->state() != isdn::IsdnState::CallInitiated)
        span.pool->markInUse(channel);
    if (!c.bearerConnected) c.bearerConnected = media_.connectBearer(c.id, c.span, channel);
}

void CallManager::releaseChannel(Call& c) {
    if (c.channel && spans_.count(c.span)) spans_[c.span].pool->release(c.channel, c.id);
    media_.release(c.id);
    c.bearerConnected = false;
}

// The ISDN side cleared: clear the SIP side with the mapped cause.
void CallManager::onIsdnCleared(Call& c, q850::Cause cause) {
    if (c.cause == q850::Cause::None) c.cause = cause;
    if (c.sipDone || !c.sip) return;
    sip::SipInput in{sip::SipEvent::HangupReq};
    in.cause = q850::value(cause);
    int status = sipStatusForCause(cause);
    in.status = status ? status : 480;
    c.routes.clear();   // no more hunting
    feedSip(c, in);
}

// The SIP side cleared (BYE or CANCEL): clear the ISDN side, cause 16.
void CallManager::onSipCleared(Call& c) {
    if (c.cause == q850::Cause::None) c.cause = q850::Cause::NormalClearing;
    if (c.isdnDone || !c.isdn) return;
    isdn::IsdnInput in{isdn::IsdnEvent::DisconnectReq};
    in.cause = q850::Cause::NormalClearing;
    feedIsdn(c, in);
}

bool CallManager::clearCall(CallId id, q850::Cause cause) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return false;
    Call& c = *it->second;
    c.cause = cause;
    c.routes.clear();
    if (!c.isdnDone && c.isdn) {
        isdn::IsdnInput in{isdn::IsdnEvent::DisconnectReq};
        in.cause = cause;
        feedIsdn(c, in);
    }
    if (calls_.count(id) && !c.sipDone && c.sip) {
        sip::SipInput in{sip::SipEvent::HangupReq};
        in.cause = q850::value(cause);
        in.status = sipStatusForCause(cause) ? sipStatusForCause(cause) : 480;
        feedSip(c, in);
    }
    return true;
}

void CallManager::clearAll(q850::Cause cause) {
    std::vector<CallId> ids;
    for (const auto& [id, c] : calls_) ids.push_back(id);
    for (CallId id : ids) clearCall(id, cause);
}

// A span whose D-channel is down takes no new call (SIP calls hunt past it
// or get 503 with Retry-After). Its calls are the port's to end: at once
// when the line is gone, after T309 for active calls when only layer 2 is.
void CallManager::onDchannel(int span, bool up) {
    if (up) GW_INFO("span=%d D-channel up", span);
    else GW_WARN("span=%d D-channel down: new calls refused", span);
    spans_[span].dchannelUp = up;
}

} // namespace gw
