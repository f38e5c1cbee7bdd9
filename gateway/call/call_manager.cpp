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
    updateAvailability();
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

// Each input runs to completion (the leg's or the call's transition and
// every command it gives) before the next; inputs that commands give rise to
// are queued behind it. An input arriving while nothing runs is carried out
// at once, without a copy into the inbox. A call that reached Ended is freed
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

void CallManager::step(Call& c, const isdn::IsdnInput& in) {
    if (!c.isdn) return;
    for (const isdn::IsdnCommand& cmd : c.isdn->handle(in)) execIsdn(c, cmd);
}

void CallManager::step(Call& c, const sip::SipInput& in) {
    if (!c.sip) return;
    for (const sip::SipCommand& cmd : c.sip->handle(in)) execSip(c, cmd);
}

// The call's own event, raised by a leg's notification or from outside.
// What its actions raise in turn is queued, like the legs' inputs.
void CallManager::step(Call& c, const CallInput& in) {
    std::vector<CallInput> followUps;
    CallFlow(*this, c).run(in, followUps);
    for (CallInput& f : followUps) c.inbox.emplace_back(std::move(f));
}

void CallManager::execIsdn(Call& c, const isdn::IsdnCommand& cmd) {
    SpanAttachment& span = spans_[c.span];
    const bool inbound = c.origin == CallOrigin::Isdn;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, isdn::SendSetup>) {
                c.isdnId = span.port ? span.port->setup(v.setup) : 0;
                if (c.isdnId) {
                    isdnIndex_[c.isdnId] = c.id;
                    c.isdn->setCallRef(span.port->callRef(c.isdnId));
                } else {
                    // The port took no SETUP (its D-channel went down): the
                    // attempt ends here, as if the network had refused it.
                    c.inbox.emplace_back(isdn::IsdnInput{isdn::IsdnEvent::ReleaseInd, 0,
                                                         q850::Cause::NetworkOutOfOrder});
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
            } else if constexpr (std::is_same_v<T, isdn::SendSetupAck>) {
                span.port->setupAck(c.isdnId, v.channel);
            } else if constexpr (std::is_same_v<T, isdn::NotifyChannel>) {
                onChannelKnown(c, v.channel);
            } else if constexpr (std::is_same_v<T, isdn::NotifyDigits>) {
                CallInput in{CallEvent::Digits};
                in.digits = v.digits;
                in.complete = v.complete;
                step(c, in);
            } else if constexpr (std::is_same_v<T, isdn::NotifyAlerting>) {
                CallInput in{CallEvent::OutRinging};
                in.alerting = true;
                in.inband = v.inband;
                if (!inbound) step(c, in);
            } else if constexpr (std::is_same_v<T, isdn::NotifyProgress>) {
                // PROGRESS matters to the call only when it brings tones.
                CallInput in{CallEvent::OutRinging};
                in.inband = true;
                if (!inbound && v.inband) step(c, in);
            } else if constexpr (std::is_same_v<T, isdn::NotifyAnswered>) {
                if (!inbound) step(c, CallInput{CallEvent::OutAnswered});
            } else if constexpr (std::is_same_v<T, isdn::NotifyDisconnected>) {
                if (inbound) step(c, CallInput{CallEvent::InCleared, v.cause});
                else if (retryOnAnotherChannel(c, v.cause) || canHunt(c, 0, v.cause))
                    step(c, CallInput{CallEvent::OutRetry, v.cause});
                else {
                    CallInput in{CallEvent::OutCleared, v.cause};
                    in.retryAfter = retryAfterFor(v.cause);
                    step(c, in);
                }
            } else if constexpr (std::is_same_v<T, isdn::NotifyReleased>) {
                if (c.cause == q850::Cause::None) c.cause = v.cause;
                releaseChannel(c);
                isdnIndex_.erase(c.isdnId);
                step(c, CallInput{inbound ? CallEvent::InEnded : CallEvent::OutEnded, v.cause});
            }
            if constexpr (std::is_same_v<T, isdn::NotifyProceeding> || std::is_same_v<T, isdn::NotifyAlerting> ||
                          std::is_same_v<T, isdn::NotifyAnswered>) {
                if (c.channel && span.pool->owner(c.channel) == c.id) span.pool->markInUse(c.channel);
            }
        },
        cmd);
}

void CallManager::execSip(Call& c, const sip::SipCommand& cmd) {
    const bool inbound = c.origin == CallOrigin::Sip;
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, sip::SendInvite>) {
                c.sipId = sipPort_->invite(v.invite);
                sipIndex_[c.sipId] = c.id;
                c.sip->setDialogId(c.sipId);
                if (c.pddMicros < 0)
                    c.pddMicros = std::chrono::duration_cast<std::chrono::microseconds>(now_() - c.started).count();
                GW_CCAPI("call=%llu INVITE %s via dial-peer %d (setup->invite %lld us)",
                         static_cast<unsigned long long>(c.id), v.invite.requestUri.c_str(),
                         c.routeIndex ? c.routes[c.routeIndex - 1].peerTag : 0, static_cast<long long>(c.pddMicros));
            } else if constexpr (std::is_same_v<T, sip::SendResponse>) {
                if (v.cause) setReason(c, v.cause);
                if (v.retryAfter) sipPort_->setRetryAfter(c.sipId, v.retryAfter);
                sipPort_->respond(c.sipId, v.status, v.reason, v.sdp);
            } else if constexpr (std::is_same_v<T, sip::SendBye>) {
                if (v.cause) setReason(c, v.cause);
                sipPort_->bye(c.sipId);
            } else if constexpr (std::is_same_v<T, sip::SendCancel>) {
                if (v.cause) setReason(c, v.cause);
                sipPort_->cancel(c.sipId);
            } else if constexpr (std::is_same_v<T, sip::SendReinviteAnswer>) {
                sipPort_->answerReinvite(c.sipId, v.status, v.sdp);
            } else if constexpr (std::is_same_v<T, sip::NotifyReinvite>) {
                handleReinvite(c, v.sdp);
            } else if constexpr (std::is_same_v<T, sip::NotifyReinviteAck>) {
                handleReinviteAck(c, v.sdp);
            } else if constexpr (std::is_same_v<T, sip::ReleaseDialog>) {
                sipPort_->release(c.sipId);
                sipIndex_.erase(c.sipId);
            } else if constexpr (std::is_same_v<T, sip::NotifyRinging>) {
                CallInput in{CallEvent::OutRinging};
                in.status = v.status;
                in.alerting = v.status != 183;
                in.sdp = v.sdp;
                step(c, in);
            } else if constexpr (std::is_same_v<T, sip::NotifyAnswered>) {
                // RFC 3264 §7: an answer that cannot be used ends the session.
                step(c, applyAnswer(c, v.sdp) ? CallInput{CallEvent::OutAnswered}
                                              : CallInput{CallEvent::OutAnswerRefused,
                                                          q850::Cause::IncompatibleDestination});
            } else if constexpr (std::is_same_v<T, sip::NotifyFailed>) {
                // A 3xx with Contacts to try goes on like a hunt; RFC 3326 §2:
                // the far end's own Q.850 cause wins over the table.
                const bool retry = (v.status >= 300 && v.status < 400 &&
                                    redirect(c, v.status, v.contacts, v.diversionReason)) ||
                                   canHunt(c, v.status, q850::Cause::None);
                CallInput in{retry ? CallEvent::OutRetry : CallEvent::OutFailed,
                             v.farCause ? q850::fromValueOr(v.farCause, q850::Cause::NormalUnspecified)
                                        : causes_.cause(v.status)};
                in.status = v.status;
                step(c, in);
            } else if constexpr (std::is_same_v<T, sip::NotifyHangup>) {
                step(c, CallInput{inbound ? CallEvent::InCleared : CallEvent::OutCleared,
                                  q850::fromValueOr(v.farCause ? v.farCause : 16, q850::Cause::NormalClearing)});
            } else if constexpr (std::is_same_v<T, sip::NotifyEnded>) {
                step(c, CallInput{inbound ? CallEvent::InEnded : CallEvent::OutEnded});
            }
            // NotifyConfirmed: the leg's state only.
        },
        cmd);
}

// Only an unanswered attempt hunts. IOS hunts on most failures of a voip
// peer; a definite answer from the called user (busy, decline, cancelled) or
// `huntstop` ends the hunt. Toward the PBX, only a lack of resources (Q.850
// class 010: no circuit, congestion, channel not available, temporary
// failure) is worth another pots peer.
bool CallManager::canHunt(const Call& c, int sipStatus, q850::Cause cause) const {
    if (c.state != CallState::Calling && c.state != CallState::Early) return false;   // answered or clearing
    if (c.routeIndex == 0 || c.routeIndex >= c.routes.size()) return false;
    if (c.routes[c.routeIndex - 1].huntstop) return false;
    // RFC 3261 §21.6: a 6xx is definitive for every location; 486 and 487
    // are the called user's own answer.
    if (sipStatus) return sipStatus < 600 && sipStatus != 486 && sipStatus != 487;
    return q850::classOf(cause) == q850::Class::ResourceUnavailable;
}

// RFC 3261 §21.5.4: when to try again, for a call the PSTN side could not
// take now; longer for a trunk that is down than for a full one.
int retryAfterFor(q850::Cause cause) {
    if (cause == q850::Cause::NetworkOutOfOrder) return kRetryAfterTrunkDownS;
    if (cause == q850::Cause::NoCircuitAvailable) return kRetryAfterCongestionS;
    return 0;
}

namespace {

// "5552999" of "sip:5552999@192.0.2.1:5060;transport=udp"; "" without a user.
std::string uriUser(const std::string& uri) {
    const auto colon = uri.find(':');
    const auto at = uri.find('@');
    if (colon == std::string::npos || at == std::string::npos || at < colon) return "";
    const std::string user = uri.substr(colon + 1, at - colon - 1);
    return user.substr(0, user.find(';'));
}

} // namespace

// RFC 3261 §8.1.3.4: the calling UA tries the Contacts of a 3xx itself, best
// q first. They keep the dial-peer's settings (codec, hunt) and are tried
// before the dial-peers still left.
bool CallManager::redirect(Call& c, int status, const std::vector<std::string>& contacts,
                           const std::string& diversionReason) {
    if ((c.state != CallState::Calling && c.state != CallState::Early) || c.routeIndex == 0) return false;
    const OutboundRoute from = c.routes[c.routeIndex - 1];
    std::vector<OutboundRoute> targets;
    for (const std::string& uri : contacts) {
        const char* why = nullptr;
        if (uri.rfind("sip:", 0) != 0 && uri.rfind("sips:", 0) != 0) why = "not a SIP URI";
        else if (c.triedUris.count(uri)) why = "already tried (redirection loop)";
        else if (c.redirects >= kMaxRedirects) why = "too many redirections";
        if (why) {
            GW_CCAPI("call=%llu %d Contact %s skipped: %s", static_cast<unsigned long long>(c.id), status, uri.c_str(), why);
            continue;
        }
        ++c.redirects;
        c.triedUris.insert(uri);
        OutboundRoute r = from;
        r.requestUri = uri;
        r.divertedFrom = from.called;
        r.diversionReason = diversionReason.empty() ? "unconditional" : diversionReason;
        if (std::string user = uriUser(uri); !user.empty()) r.called = user;
        targets.push_back(std::move(r));
    }
    if (targets.empty()) return false;
    GW_CCAPI("call=%llu redirected by %d from dial-peer %d: %zu Contact(s) to try, first %s",
             static_cast<unsigned long long>(c.id), status, from.peerTag, targets.size(), targets[0].requestUri.c_str());
    c.routes.insert(c.routes.begin() + static_cast<std::ptrdiff_t>(c.routeIndex), targets.begin(), targets.end());
    return true;
}

bool CallManager::retryOnAnotherChannel(Call& c, q850::Cause cause) {
    if (cause != q850::Cause::RequestedChannelNotAvailable || c.refusedChannel || c.routeIndex == 0) return false;
    if (c.state != CallState::Calling && c.state != CallState::Early) return false;
    c.refusedChannel = c.channel ? c.channel : -1;
    --c.routeIndex;   // the same dial-peer again
    return true;
}

void CallManager::placeCall(Call& c, bool first, std::vector<CallInput>& out) {
    if (c.origin == CallOrigin::Isdn) {
        startSipAttempt(c, out);
        // Q.931 §5.2.5.1: CALL PROCEEDING once the call is on its way.
        if (first) feed(c, isdn::IsdnInput{isdn::IsdnEvent::ProceedingReq});
    } else {
        startIsdnAttempt(c, out);
    }
}

void CallManager::ringInbound(Call& c, const CallInput& ring) {
    if (c.origin == CallOrigin::Isdn) {
        // 180 -> ALERTING; a 18x with a usable SDP -> in-band information
        // (183 -> PROGRESS, 180 -> ALERTING, both with PI 8).
        bool early = !ring.sdp.empty() && applyAnswer(c, ring.sdp);
        isdn::IsdnInput in{ring.status == 183 && early ? isdn::IsdnEvent::ProgressReq : isdn::IsdnEvent::AlertingReq};
        in.inband = early;
        feed(c, in);
        return;
    }
    // ALERTING -> 180; in-band tones from the PBX -> 183 with SDP so the
    // phone plays them.
    sip::SipInput in{sip::SipEvent::RingReq};
    in.status = ring.inband ? 183 : 180;
    if (ring.inband) in.sdp = c.answerSdp;
    feed(c, in);
}

void CallManager::answerInbound(Call& c) {
    c.answered = now_();
    if (c.origin == CallOrigin::Isdn) {
        feed(c, isdn::IsdnInput{isdn::IsdnEvent::ConnectReq});
        return;
    }
    sip::SipInput in{sip::SipEvent::AnswerReq};
    in.sdp = c.answerSdp;
    feed(c, in);
}

// Clears one leg with `cause`. Toward SIP the status is the RFC 3398 one
// unless given; before the final response the SIP leg turns the hang-up into
// that final response (with Retry-After when given), after it into BYE.
void CallManager::clearLeg(Call& c, Side side, q850::Cause cause, int status, int retryAfter) {
    if (c.cause == q850::Cause::None) c.cause = cause;
    bool isdnSide = (side == Side::Inbound) == (c.origin == CallOrigin::Isdn);
    if (isdnSide) {
        if (c.isdn) feed(c, isdn::IsdnInput{isdn::IsdnEvent::DisconnectReq, 0, cause});
        return;
    }
    if (!c.sip) return;
    sip::SipInput in{sip::SipEvent::HangupReq};
    in.cause = q850::value(cause);
    in.status = status ? status : causes_.sipStatus(cause);
    if (!in.status) in.status = 480;
    in.retryAfter = retryAfter;
    feed(c, in);
}

void CallManager::setReason(const Call& c, int cause) {
    const std::string_view text = q850::text(q850::fromValueOr(cause, q850::Cause::None));
    sipPort_->setReason(c.sipId, cause, std::string(text));
}

void CallManager::free(CallId id) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return;
    Call& c = *it->second;
    stopDigitTimer(c);
    stopNoAnswerTimer(c);
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
    if (c.channel && c.channel != channel) span.pool->move(c.id, c.channel, channel);
    c.channel = channel;
    // An outgoing call's channel stays reserved (glare may take it) until
    // the far end answers the SETUP (execIsdn marks it then).
    if (c.origin == CallOrigin::Isdn) span.pool->markInUse(channel);
    media_.connectBearer(c.id, c.span, channel);
}

// The ISDN leg ended: its B-channel goes back to the pool. The media goes
// with it unless another pots dial-peer is about to be tried (the next
// channel's bearer replaces this one).
void CallManager::releaseChannel(Call& c) {
    if (c.channel && spans_.count(c.span)) spans_[c.span].pool->release(c.channel, c.id);
    c.channel = 0;
    if (c.state != CallState::Hunting) media_.release(c.id);
}

bool CallManager::clearCall(CallId id, q850::Cause cause) {
    auto it = calls_.find(id);
    if (it == calls_.end()) return false;
    feed(*it->second, CallInput{CallEvent::Clear, cause});
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
    updateAvailability();
}

void CallManager::updateAvailability() {
    if (!sipPort_) return;
    bool any = false;
    for (const auto& [n, span] : spans_) any = any || (span.dchannelUp && !span.blocked);
    sipPort_->setAvailable(any, kRetryAfterTrunkDownS);
}

// Maintenance: a channel out of service takes no new call; one on it goes on.
void CallManager::onChannelService(int span, int channel, int state) {
    auto it = spans_.find(span);
    if (it == spans_.end() || !it->second.pool) return;
    it->second.pool->setInService(channel, state == 0);
    GW_INFO("span %d: B-channel %d %s", span, channel,
            state == 0 ? "in service" : state == 1 ? "in maintenance" : "out of service");
}

template void CallManager::feed(Call&, const isdn::IsdnInput&);
template void CallManager::feed(Call&, const sip::SipInput&);
template void CallManager::feed(Call&, const CallInput&);

} // namespace gw
