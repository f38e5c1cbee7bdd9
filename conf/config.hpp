// The gateway's configuration model: what `show running-config` prints and
// what the config file / CLI commands build. Plain data, no I/O; the command
// tree (conf/command_tree) fills it and conf/render prints it back.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gw::conf {

enum class ControllerType { T1, E1 };
enum class SwitchType { PrimaryNi, Primary5ess, PrimaryDms100, Primary4ess, PrimaryNet5, PrimaryQsig };
enum class IsdnSide { User, Network };
enum class SourceKind { None, Virtual, Dahdi };

struct Controller {
    ControllerType type = ControllerType::E1;
    int number = 0;
    std::string framing;                    // "" = default (esf / crc4); else as written
    std::string linecode;                   // "" = default (b8zs / hdb3)
    std::string clockSource;                // "" = line
    std::string timeslots;                  // pri-group timeslots, as written ("1-31"); "" = no pri-group
    std::optional<SwitchType> switchType;   // per controller; else global
    std::optional<IsdnSide> side;           // isdn protocol-emulate; unset = user
    SourceKind source = SourceKind::None;
    std::string sourcePath;                 // virtual: socket path
    int dahdiSpan = 0;                      // dahdi: span number
    bool shutdown = false;
    bool skipsendRestart = false;           // isdn skipsend-restart: no RESTART when the D-channel comes up
    std::optional<int> t309Ms;              // isdn t309: active calls outlive a layer 2 loss this long
    bool overlapReceiving = false;          // isdn overlap-receiving: collect digits of a SETUP without Sending Complete
    std::optional<int> t302Ms;              // isdn overlap-receiving T302 MS: interdigit timeout
    bool sendingComplete = false;           // isdn sending-complete: every SETUP en bloc, no overlap sending
    std::map<int, int> serviceStates;       // isdn service dsl N b_channel C state S (S 1 or 2; absent = in service)
    bool operator==(const Controller&) const = default;
};

enum class PeerKind { Pots, Voip };
enum class Codec { G711Ulaw, G711Alaw };
enum class DtmfRelay { RtpNte, SipInfo, Inband };
enum class TargetKind { None, Ipv4, Dns, SipServer, Registrar };

struct SessionTarget {
    TargetKind kind = TargetKind::None;
    std::string host;   // address or DNS name
    int port = 0;       // 0 = default 5060
    bool operator==(const SessionTarget&) const = default;
};

struct DialPeer {
    int tag = 0;
    PeerKind kind = PeerKind::Pots;
    std::string description;
    std::string destinationPattern;         // "" = none
    std::string incomingCalledNumber;       // "" = none
    std::string answerAddress;              // "" = none
    std::optional<int> port;                // pots: controller number
    SessionTarget target;                   // voip
    std::string transport;                  // voip: "" = udp, else "udp" / "tcp" as written
    int preference = 0;                     // 0 (most preferred) .. 10
    bool huntstop = false;
    std::optional<int> maxConn;
    std::optional<int> forwardDigits;       // pots: -1 = all
    std::string prefix;                     // pots
    bool digitStrip = true;                 // pots default as IOS
    std::string translationIncoming, translationOutgoing;   // profile names
    std::optional<Codec> codec;             // voip; unset = g711ulaw
    std::optional<int> voiceClassCodec;     // voip
    std::vector<DtmfRelay> dtmfRelay;       // voip, in the order written
    std::string callingDefault;             // calling-number default: for a caller that is not a number
    bool shutdown = false;
    bool operator==(const DialPeer&) const = default;
};

struct TranslationRule {
    int number = 0;
    // K -> (match, replace): the text between the slashes of `rule K /match/ /replace/`
    // (conf/cisco_regex documents the syntax).
    std::map<int, std::pair<std::string, std::string>> rules;
    bool operator==(const TranslationRule&) const = default;
};

struct TranslationProfile {
    std::string name;
    std::optional<int> called, calling, redirectCalled;   // translation-rule numbers
    bool operator==(const TranslationProfile&) const = default;
};

struct SipUa {
    std::string bindAddr = "127.0.0.1";
    int bindPort = 5060;
    std::optional<SessionTarget> sipServer;  // kind Ipv4 or Dns
    std::optional<int> retryInvite;
    std::optional<int> timersTryingMs;
    // timers expires: how long an INVITE the gateway sends may ring
    // unanswered before it is cancelled (the Expires header; IOS default).
    std::optional<int> timersExpiresMs;
    // set pstn-cause N sip-status M / set sip-status M pstn-cause N: the
    // administrator's exceptions to the RFC 3398 tables.
    std::map<int, int> pstnCauseToSip;
    std::map<int, int> sipStatusToPstn;
    struct Credentials {
        std::string username, password, realm;
        bool operator==(const Credentials&) const = default;
    };
    std::vector<Credentials> credentials;
    // registrar ipv4:ADDR[:PORT] [expires S]: where the gateway registers the
    // numbers of its POTS dial-peers (those whose destination-pattern is a
    // complete number), with the credentials above.
    struct Registrar {
        SessionTarget target;               // kind Ipv4 or Dns
        int expiresS = 3600;
        bool operator==(const Registrar&) const = default;
    };
    std::optional<Registrar> registrar;
    // The User-Agent header of requests and responses: unset = "gatewayd",
    // "" = none (`no user-agent`, nothing for a scanner to fingerprint).
    std::optional<std::string> userAgent;
    bool operator==(const SipUa&) const = default;
};

// voice-port N:D, the voice side of controller N's PRI group.
struct VoicePort {
    int controller = 0;
    std::optional<int> interdigitS;         // timeouts interdigit: a T pattern's number ends after this
    bool operator==(const VoicePort&) const = default;
};

// One entry of `ip address trusted list`: `ipv4 ADDR [MASK]` or
// `ipv6 ADDR[/PREFIX]`, as written.
struct TrustedAddress {
    bool v6 = false;
    std::string address;                    // ipv4: dotted quad; ipv6: address with optional /prefix
    std::string mask;                       // ipv4 only: dotted mask, "" = the host alone
    bool operator==(const TrustedAddress&) const = default;
};

// voice service voip
struct VoiceServiceVoip {
    // ip address trusted authenticate (IOS default): calls are taken only
    // from the trusted list and the voip dial-peers' session targets.
    bool trustedAuthenticate = true;
    std::vector<TrustedAddress> trusted;    // ip address trusted list, in the order written
    std::string callingDefault;             // calling-number default, when the dial-peer has none
    std::optional<int> sourceCallsPerSecond;  // call threshold source N: new calls per second per address
    bool operator==(const VoiceServiceVoip&) const = default;
};

struct Config {
    std::string hostname = "gateway";
    std::optional<SwitchType> switchType;                // global isdn switch-type
    std::map<int, Controller> controllers;               // by number
    std::map<int, VoicePort> voicePorts;                 // by controller number
    std::map<int, DialPeer> dialPeers;                   // by tag
    std::map<int, TranslationRule> translationRules;     // by number
    std::map<std::string, TranslationProfile> translationProfiles;
    SipUa sipUa;
    VoiceServiceVoip voip;
    bool operator==(const Config&) const = default;
};

} // namespace gw::conf
