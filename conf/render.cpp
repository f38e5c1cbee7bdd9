// Renders a Config as IOS-ordered configuration text.
#include "conf/render.hpp"

#include "conf/values.hpp"

#include <sstream>

namespace gw::conf {
namespace {

void renderController(std::ostringstream& o, const Controller& c) {
    o << "controller " << controllerTypeName(c.type) << " " << c.number << "\n";
    if (!c.framing.empty()) o << " framing " << c.framing << "\n";
    if (!c.linecode.empty()) o << " linecode " << c.linecode << "\n";
    if (!c.clockSource.empty()) o << " clock source " << c.clockSource << "\n";
    if (!c.timeslots.empty()) o << " pri-group timeslots " << c.timeslots << "\n";
    if (c.switchType) o << " isdn switch-type " << switchTypeName(*c.switchType) << "\n";
    if (c.side) o << " isdn protocol-emulate " << (*c.side == IsdnSide::Network ? "network" : "user") << "\n";
    if (c.skipsendRestart) o << " isdn skipsend-restart\n";
    if (c.t309Ms) o << " isdn t309 " << *c.t309Ms << "\n";
    for (const auto& [channel, state] : c.serviceStates)
        o << " isdn service dsl " << c.number << " b_channel " << channel << " state " << state << "\n";
    if (c.sendingComplete) o << " isdn sending-complete\n";
    if (c.overlapReceiving) {
        o << " isdn overlap-receiving";
        if (c.t302Ms) o << " T302 " << *c.t302Ms;
        o << "\n";
    }
    if (c.source == SourceKind::Virtual) o << " source virtual " << c.sourcePath << "\n";
    if (c.source == SourceKind::Dahdi) o << " source dahdi " << c.dahdiSpan << "\n";
    if (c.shutdown) o << " shutdown\n";
    o << "!\n";
}

void renderRule(std::ostringstream& o, const TranslationRule& r) {
    o << "voice translation-rule " << r.number << "\n";
    for (const auto& [k, mr] : r.rules) o << " rule " << k << " /" << mr.first << "/ /" << mr.second << "/\n";
    o << "!\n";
}

void renderProfile(std::ostringstream& o, const TranslationProfile& p) {
    o << "voice translation-profile " << p.name << "\n";
    if (p.called) o << " translate called " << *p.called << "\n";
    if (p.calling) o << " translate calling " << *p.calling << "\n";
    if (p.redirectCalled) o << " translate redirect-called " << *p.redirectCalled << "\n";
    o << "!\n";
}

void renderPeerNumbers(std::ostringstream& o, const DialPeer& p) {
    if (!p.translationIncoming.empty()) o << " translation-profile incoming " << p.translationIncoming << "\n";
    if (!p.translationOutgoing.empty()) o << " translation-profile outgoing " << p.translationOutgoing << "\n";
    if (p.preference != 0) o << " preference " << p.preference << "\n";
    if (p.huntstop) o << " huntstop\n";
    if (!p.destinationPattern.empty()) o << " destination-pattern " << p.destinationPattern << "\n";
    if (!p.incomingCalledNumber.empty()) o << " incoming called-number " << p.incomingCalledNumber << "\n";
    if (!p.answerAddress.empty()) o << " answer-address " << p.answerAddress << "\n";
    if (p.maxConn) o << " max-conn " << *p.maxConn << "\n";
}

void renderPeer(std::ostringstream& o, const DialPeer& p) {
    bool pots = p.kind == PeerKind::Pots;
    o << "dial-peer voice " << p.tag << (pots ? " pots" : " voip") << "\n";
    if (!p.description.empty()) o << " description " << p.description << "\n";
    renderPeerNumbers(o, p);
    if (!p.callingDefault.empty()) o << " calling-number default " << p.callingDefault << "\n";
    if (pots) {
        if (p.port) o << " port " << *p.port << "\n";
        if (!p.digitStrip) o << " no digit-strip\n";
        if (p.forwardDigits) o << " forward-digits " << (*p.forwardDigits < 0 ? "all" : std::to_string(*p.forwardDigits)) << "\n";
        if (!p.prefix.empty()) o << " prefix " << p.prefix << "\n";
    } else {
        if (p.target.kind != TargetKind::None) o << " session target " << formatTarget(p.target) << "\n";
        if (!p.transport.empty()) o << " session transport " << p.transport << "\n";
        if (!p.dtmfRelay.empty()) {
            o << " dtmf-relay";
            for (auto d : p.dtmfRelay) o << " " << dtmfRelayName(d);
            o << "\n";
        }
        if (p.codec) o << " codec " << codecName(*p.codec) << "\n";
        if (p.voiceClassCodec) o << " voice-class codec " << *p.voiceClassCodec << "\n";
    }
    if (p.shutdown) o << " shutdown\n";
    o << "!\n";
}

void renderSipUa(std::ostringstream& o, const SipUa& s) {
    if (s == SipUa{}) return;
    const SipUa defaults;
    o << "sip-ua\n";
    for (const auto& c : s.credentials)
        o << " credentials username " << c.username << " password " << c.password << " realm " << c.realm << "\n";
    if (s.retryInvite) o << " retry invite " << *s.retryInvite << "\n";
    if (s.timersTryingMs) o << " timers trying " << *s.timersTryingMs << "\n";
    if (s.timersExpiresMs) o << " timers expires " << *s.timersExpiresMs << "\n";
    for (const auto& [cause, status] : s.pstnCauseToSip)
        o << " set pstn-cause " << cause << " sip-status " << status << "\n";
    for (const auto& [status, cause] : s.sipStatusToPstn)
        o << " set sip-status " << status << " pstn-cause " << cause << "\n";
    if (s.sipServer) o << " sip-server " << formatTarget(*s.sipServer) << "\n";
    if (s.registrar) {
        o << " registrar " << formatTarget(s.registrar->target);
        if (s.registrar->expiresS != SipUa::Registrar{}.expiresS) o << " expires " << s.registrar->expiresS;
        o << "\n";
    }
    if (s.bindAddr != defaults.bindAddr || s.bindPort != defaults.bindPort)
        o << " bind " << s.bindAddr << " " << s.bindPort << "\n";
    if (s.userAgent) o << (s.userAgent->empty() ? std::string(" no user-agent") : " user-agent " + *s.userAgent) << "\n";
    o << "!\n";
}

void renderVoip(std::ostringstream& o, const VoiceServiceVoip& v) {
    if (v == VoiceServiceVoip{}) return;
    o << "voice service voip\n";
    if (!v.callingDefault.empty()) o << " calling-number default " << v.callingDefault << "\n";
    if (v.sourceCallsPerSecond) o << " call threshold source " << *v.sourceCallsPerSecond << "\n";
    if (!v.trustedAuthenticate) o << " no ip address trusted authenticate\n";
    if (!v.trusted.empty()) {
        o << " ip address trusted list\n";
        for (const TrustedAddress& t : v.trusted) {
            o << "  " << (t.v6 ? "ipv6 " : "ipv4 ") << t.address;
            if (!t.mask.empty()) o << " " << t.mask;
            o << "\n";
        }
    }
    o << "!\n";
}

} // namespace

std::string renderRunningConfig(const Config& c) {
    std::ostringstream o;
    o << "!\n";
    if (c.hostname != Config{}.hostname) o << "hostname " << c.hostname << "\n!\n";
    if (c.switchType) o << "isdn switch-type " << switchTypeName(*c.switchType) << "\n!\n";
    for (const auto& [n, ctl] : c.controllers) renderController(o, ctl);
    for (const auto& [n, vp] : c.voicePorts) {
        o << "voice-port " << n << ":D\n";
        if (vp.interdigitS) o << " timeouts interdigit " << *vp.interdigitS << "\n";
        o << "!\n";
    }
    for (const auto& [n, r] : c.translationRules) renderRule(o, r);
    for (const auto& [n, p] : c.translationProfiles) renderProfile(o, p);
    for (const auto& [t, p] : c.dialPeers) renderPeer(o, p);
    renderSipUa(o, c.sipUa);
    renderVoip(o, c.voip);
    o << "end\n";
    return o.str();
}

} // namespace gw::conf
