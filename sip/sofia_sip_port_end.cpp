// SofiaSipPort, the end of dialogs: nua's call state reports, release() of
// a dialog by the core, and the shutdown of nua when the port goes away.
// A nua handle is destroyed only once its dialog has ended (or failed), so
// nua never drops a transaction still in progress.
#include "sip/sofia_sip_port.hpp"

#include "kernel/log.hpp"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag.h>

#include <utility>
#include <vector>

namespace gw::sip {
namespace {

// 64*T1 (RFC 3261 §17.1.1.2): by then nua has ended any dialog we ended.
constexpr std::chrono::milliseconds kReapAfter{32000};
constexpr std::chrono::milliseconds kShutdownGrace{1000};
constexpr std::chrono::milliseconds kShutdownLimit{2000};

} // namespace

void SofiaSipPort::onCallState(Dialog& d, int status, tagi_t tags[]) {
    int state = d.callState;
    tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
    d.callState = state;
    if (state != nua_callstate_terminated || d.terminated) return;
    d.terminated = true;
    if (d.released) {
        destroyDialog(d.id);
        return;
    }
    if (std::exchange(d.challengeHeld, false)) {   // the retry after a challenge never went
        d.finalSent = true;
        const SipDialogId id = d.id;
        status = d.heldChallenge.status;
        listener_.onResponse(id, d.heldChallenge);
        Dialog* still = find(id);   // the core may have released (and so freed) it
        if (!still || still->released) return;
        listener_.onTerminated(id, status);
        return;
    }
    listener_.onTerminated(d.id, status);
}

void SofiaSipPort::release(SipDialogId id) {
    Dialog* d = find(id);
    if (!d || d->released) return;
    d->released = true;
    if (d->terminated || d->finalSent) {
        destroyDialog(id);   // nta still ACKs / absorbs retransmissions of a final failure
        return;
    }
    endLiveDialog(*d);
    d->reapTimer = loop_.startTimer(kReapAfter, [this, id] { destroyDialog(id); });
}

// The core let go of a dialog that has not ended: end it as its state calls
// for, so the peer is not left with a call nobody owns.
void SofiaSipPort::endLiveDialog(Dialog& d) {
    switch (d.callState) {
    case nua_callstate_received:
    case nua_callstate_early:
        nua_respond(d.nh, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
        break;
    case nua_callstate_init:
    case nua_callstate_calling:
    case nua_callstate_proceeding:
        if (d.incoming) nua_respond(d.nh, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
        else nua_cancel(d.nh, TAG_END());
        break;
    case nua_callstate_completing:
    case nua_callstate_completed:
    case nua_callstate_ready:
        nua_bye(d.nh, TAG_END());
        break;
    default:   // authenticating, terminating: nothing more to send
        break;
    }
}

// Ends live dialogs (bounded by kShutdownGrace), frees every handle, then
// runs nua_shutdown to its final nua_r_shutdown (bounded by kShutdownLimit).
// nua_destroy before that final event would abort, so on a timeout the nua
// object is left allocated instead.
void SofiaSipPort::shutdown() {
    if (!nua_) return;
    setRegistrar(RegistrarSettings{});   // un-REGISTER the gateway's numbers
    std::vector<SipDialogId> ids;
    for (auto& [id, d] : dialogs_) ids.push_back(id);
    for (SipDialogId id : ids) release(id);
    auto until = [this](std::chrono::milliseconds limit, auto done) {
        auto deadline = loop_.now() + limit;
        while (!done() && loop_.now() < deadline) loop_.step(std::chrono::milliseconds(10));
    };
    until(kShutdownGrace, [this] { return dialogs_.empty() && unregistering_.empty(); });
    shuttingDown_ = true;
    ids.clear();
    for (auto& [id, d] : dialogs_) ids.push_back(id);
    for (SipDialogId id : ids) destroyDialog(id);
    std::vector<nua_handle_t*> unregisters;
    for (auto& [nh, timer] : unregistering_) unregisters.push_back(nh);
    for (nua_handle_t* nh : unregisters) endUnregister(nh);
    loop_.step(std::chrono::milliseconds(0));   // let nua process the destroys
    nua_shutdown(nua_.get());
    until(kShutdownLimit, [this] { return shutdownStatus_ >= 200; });
    if (shutdownStatus_ < 200) {
        GW_ERROR("sip: nua shutdown did not complete; leaving the stack allocated");
        context_->port = nullptr;
        (void)context_.release();
        (void)nua_.release();
    }
}

} // namespace gw::sip
