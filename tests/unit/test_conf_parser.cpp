// The command tree and ConfigSession: every command with its `no` form,
// abbreviations, implicit sub-mode exit, IOS errors with carets, refused
// commands changing nothing, and `?` help / TAB completion.
#include "conf/config_session.hpp"
#include "conf/render.hpp"

#include <boost/test/unit_test.hpp>

#include <functional>
#include <sstream>

using namespace gw::conf;

namespace {

struct Session {
    Config config;
    ConfigSession session{config};
    Result run(const std::string& line) { return session.execute(line); }
    void must(const std::string& line) {
        Result r = run(line);
        BOOST_TEST_INFO("line: " << line << " -> " << r.describe());
        BOOST_REQUIRE(r.ok());
    }
};

struct CommandCase {
    std::string enter;    // mode-entering line ("" = global)
    std::string command;
    std::string undo;
    std::function<bool(const Config&)> set;     // true after `command`
    std::function<bool(const Config&)> unset;   // true after `undo`
};

const DialPeer& peer(const Config& c, int tag) { return c.dialPeers.at(tag); }
const Controller& ctrl(const Config& c) { return c.controllers.at(0); }

std::vector<CommandCase> commandCases() {
    const std::string e1 = "controller e1 0", t1 = "controller t1 0";
    const std::string pots = "dial-peer voice 1 pots", voip = "dial-peer voice 2 voip";
    const std::string rule = "voice translation-rule 5", prof = "voice translation-profile P", ua = "sip-ua";
    return {
        {"", "hostname gw9", "no hostname", [](auto& c) { return c.hostname == "gw9"; }, [](auto& c) { return c.hostname == "gateway"; }},
        {"", "isdn switch-type primary-ni", "no isdn switch-type",
         [](auto& c) { return c.switchType == SwitchType::PrimaryNi; }, [](auto& c) { return !c.switchType; }},
        {"", "controller e1 0", "no controller e1 0", [](auto& c) { return c.controllers.count(0) == 1; },
         [](auto& c) { return c.controllers.empty(); }},
        {t1, "framing esf", "no framing", [](auto& c) { return ctrl(c).framing == "esf"; }, [](auto& c) { return ctrl(c).framing.empty(); }},
        {e1, "framing no-crc4", "no framing", [](auto& c) { return ctrl(c).framing == "no-crc4"; }, [](auto& c) { return ctrl(c).framing.empty(); }},
        {t1, "linecode b8zs", "no linecode", [](auto& c) { return ctrl(c).linecode == "b8zs"; }, [](auto& c) { return ctrl(c).linecode.empty(); }},
        {e1, "linecode hdb3", "no linecode", [](auto& c) { return ctrl(c).linecode == "hdb3"; }, [](auto& c) { return ctrl(c).linecode.empty(); }},
        {e1, "clock source internal", "no clock source", [](auto& c) { return ctrl(c).clockSource == "internal"; },
         [](auto& c) { return ctrl(c).clockSource.empty(); }},
        {e1, "pri-group timeslots 1-15,17-31", "no pri-group timeslots", [](auto& c) { return ctrl(c).timeslots == "1-15,17-31"; },
         [](auto& c) { return ctrl(c).timeslots.empty(); }},
        {t1, "pri-group timeslots 1-24", "no pri-group", [](auto& c) { return ctrl(c).timeslots == "1-24"; },
         [](auto& c) { return ctrl(c).timeslots.empty(); }},
        {e1, "source virtual /tmp/gw/span0", "no source", [](auto& c) { return ctrl(c).sourcePath == "/tmp/gw/span0" && ctrl(c).source == SourceKind::Virtual; },
         [](auto& c) { return ctrl(c).source == SourceKind::None; }},
        {e1, "source dahdi 2", "no source dahdi", [](auto& c) { return ctrl(c).dahdiSpan == 2 && ctrl(c).source == SourceKind::Dahdi; },
         [](auto& c) { return ctrl(c).source == SourceKind::None; }},
        {e1, "isdn switch-type primary-qsig", "no isdn switch-type", [](auto& c) { return ctrl(c).switchType == SwitchType::PrimaryQsig && !c.switchType; },
         [](auto& c) { return !ctrl(c).switchType; }},
        {e1, "isdn protocol-emulate network", "no isdn protocol-emulate", [](auto& c) { return ctrl(c).side == IsdnSide::Network; },
         [](auto& c) { return !ctrl(c).side; }},
        {e1, "isdn skipsend-restart", "no isdn skipsend-restart", [](auto& c) { return ctrl(c).skipsendRestart; },
         [](auto& c) { return !ctrl(c).skipsendRestart; }},
        {e1, "isdn t309 6000", "no isdn t309", [](auto& c) { return ctrl(c).t309Ms == 6000; },
         [](auto& c) { return !ctrl(c).t309Ms; }},
        {e1, "isdn service dsl 0 b_channel 5 state 2", "no isdn service dsl 0 b_channel 5",
         [](auto& c) { return ctrl(c).serviceStates == std::map<int, int>{{5, 2}}; },
         [](auto& c) { return ctrl(c).serviceStates.empty(); }},
        {e1, "isdn overlap-receiving", "no isdn overlap-receiving", [](auto& c) { return ctrl(c).overlapReceiving && !ctrl(c).t302Ms; },
         [](auto& c) { return !ctrl(c).overlapReceiving; }},
        {e1, "isdn overlap-receiving T302 4000", "no isdn overlap-receiving", [](auto& c) { return ctrl(c).overlapReceiving && ctrl(c).t302Ms == 4000; },
         [](auto& c) { return !ctrl(c).overlapReceiving && !ctrl(c).t302Ms; }},
        {e1, "isdn sending-complete", "no isdn sending-complete", [](auto& c) { return ctrl(c).sendingComplete; },
         [](auto& c) { return !ctrl(c).sendingComplete; }},
        {e1, "shutdown", "no shutdown", [](auto& c) { return ctrl(c).shutdown; }, [](auto& c) { return !ctrl(c).shutdown; }},
        {"", "dial-peer voice 7 voip", "no dial-peer voice 7", [](auto& c) { return peer(c, 7).kind == PeerKind::Voip; },
         [](auto& c) { return c.dialPeers.empty(); }},
        {pots, "description to the PBX  main", "no description", [](auto& c) { return peer(c, 1).description == "to the PBX  main"; },
         [](auto& c) { return peer(c, 1).description.empty(); }},
        {pots, "destination-pattern +1[2-5,7]..T", "no destination-pattern", [](auto& c) { return peer(c, 1).destinationPattern == "+1[2-5,7]..T"; },
         [](auto& c) { return peer(c, 1).destinationPattern.empty(); }},
        {voip, "incoming called-number 555....", "no incoming called-number", [](auto& c) { return peer(c, 2).incomingCalledNumber == "555...."; },
         [](auto& c) { return peer(c, 2).incomingCalledNumber.empty(); }},
        {voip, "answer-address 408T", "no answer-address", [](auto& c) { return peer(c, 2).answerAddress == "408T"; },
         [](auto& c) { return peer(c, 2).answerAddress.empty(); }},
        {pots, "port 3", "no port", [](auto& c) { return peer(c, 1).port == 3; }, [](auto& c) { return !peer(c, 1).port; }},
        {voip, "session target ipv4:10.1.2.3:5070", "no session target",
         [](auto& c) { return peer(c, 2).target == SessionTarget{TargetKind::Ipv4, "10.1.2.3", 5070}; },
         [](auto& c) { return peer(c, 2).target.kind == TargetKind::None; }},
        {voip, "session target dns:sbc.example.net", "no session target",
         [](auto& c) { return peer(c, 2).target == SessionTarget{TargetKind::Dns, "sbc.example.net", 0}; },
         [](auto& c) { return peer(c, 2).target.kind == TargetKind::None; }},
        {voip, "session target sip-server", "no session target", [](auto& c) { return peer(c, 2).target.kind == TargetKind::SipServer; },
         [](auto& c) { return peer(c, 2).target.kind == TargetKind::None; }},
        {voip, "session target registrar", "no session target", [](auto& c) { return peer(c, 2).target.kind == TargetKind::Registrar; },
         [](auto& c) { return peer(c, 2).target.kind == TargetKind::None; }},
        {voip, "session transport tcp", "no session transport", [](auto& c) { return peer(c, 2).transport == "tcp"; },
         [](auto& c) { return peer(c, 2).transport.empty(); }},
        {voip, "preference 4", "no preference", [](auto& c) { return peer(c, 2).preference == 4; }, [](auto& c) { return peer(c, 2).preference == 0; }},
        {pots, "huntstop", "no huntstop", [](auto& c) { return peer(c, 1).huntstop; }, [](auto& c) { return !peer(c, 1).huntstop; }},
        {pots, "max-conn 23", "no max-conn", [](auto& c) { return peer(c, 1).maxConn == 23; }, [](auto& c) { return !peer(c, 1).maxConn; }},
        {pots, "forward-digits 4", "no forward-digits", [](auto& c) { return peer(c, 1).forwardDigits == 4; }, [](auto& c) { return !peer(c, 1).forwardDigits; }},
        {pots, "forward-digits all", "no forward-digits", [](auto& c) { return peer(c, 1).forwardDigits == -1; }, [](auto& c) { return !peer(c, 1).forwardDigits; }},
        {pots, "prefix 9", "no prefix", [](auto& c) { return peer(c, 1).prefix == "9"; }, [](auto& c) { return peer(c, 1).prefix.empty(); }},
        {pots, "no digit-strip", "digit-strip", [](auto& c) { return !peer(c, 1).digitStrip; }, [](auto& c) { return peer(c, 1).digitStrip; }},
        {pots, "translation-profile incoming IN", "no translation-profile incoming",
         [](auto& c) { return peer(c, 1).translationIncoming == "IN"; }, [](auto& c) { return peer(c, 1).translationIncoming.empty(); }},
        {voip, "translation-profile outgoing OUT", "no translation-profile outgoing",
         [](auto& c) { return peer(c, 2).translationOutgoing == "OUT"; }, [](auto& c) { return peer(c, 2).translationOutgoing.empty(); }},
        {voip, "codec g711alaw", "no codec", [](auto& c) { return peer(c, 2).codec == Codec::G711Alaw; }, [](auto& c) { return !peer(c, 2).codec; }},
        {voip, "voice-class codec 12", "no voice-class codec", [](auto& c) { return peer(c, 2).voiceClassCodec == 12; },
         [](auto& c) { return !peer(c, 2).voiceClassCodec; }},
        {voip, "dtmf-relay rtp-nte sip-info inband", "no dtmf-relay",
         [](auto& c) { return peer(c, 2).dtmfRelay == std::vector{DtmfRelay::RtpNte, DtmfRelay::SipInfo, DtmfRelay::Inband}; },
         [](auto& c) { return peer(c, 2).dtmfRelay.empty(); }},
        {voip, "shutdown", "no shutdown", [](auto& c) { return peer(c, 2).shutdown; }, [](auto& c) { return !peer(c, 2).shutdown; }},
        {"", "voice translation-rule 5", "no voice translation-rule 5", [](auto& c) { return c.translationRules.count(5) == 1; },
         [](auto& c) { return c.translationRules.empty(); }},
        {rule, "rule 1 /^9\\(.*\\)/ /\\1/", "no rule 1",
         [](auto& c) { return c.translationRules.at(5).rules.at(1) == std::pair<std::string, std::string>{"^9\\(.*\\)", "\\1"}; },
         [](auto& c) { return c.translationRules.at(5).rules.empty(); }},
        {"", "voice translation-profile P", "no voice translation-profile P", [](auto& c) { return c.translationProfiles.count("P") == 1; },
         [](auto& c) { return c.translationProfiles.empty(); }},
        {prof, "translate called 5", "no translate called", [](auto& c) { return c.translationProfiles.at("P").called == 5; },
         [](auto& c) { return !c.translationProfiles.at("P").called; }},
        {prof, "translate calling 6", "no translate calling", [](auto& c) { return c.translationProfiles.at("P").calling == 6; },
         [](auto& c) { return !c.translationProfiles.at("P").calling; }},
        {prof, "translate redirect-called 7", "no translate redirect-called",
         [](auto& c) { return c.translationProfiles.at("P").redirectCalled == 7; }, [](auto& c) { return !c.translationProfiles.at("P").redirectCalled; }},
        {"", "sip-ua", "no sip-ua", [](auto&) { return true; }, [](auto& c) { return c.sipUa == SipUa{}; }},
        {ua, "sip-server ipv4:192.0.2.1:5061", "no sip-server",
         [](auto& c) { return c.sipUa.sipServer == SessionTarget{TargetKind::Ipv4, "192.0.2.1", 5061}; }, [](auto& c) { return !c.sipUa.sipServer; }},
        {ua, "sip-server dns:proxy.example.com", "no sip-server",
         [](auto& c) { return c.sipUa.sipServer == SessionTarget{TargetKind::Dns, "proxy.example.com", 0}; }, [](auto& c) { return !c.sipUa.sipServer; }},
        {ua, "registrar ipv4:192.0.2.9", "no registrar",
         [](auto& c) { return c.sipUa.registrar == SipUa::Registrar{{TargetKind::Ipv4, "192.0.2.9", 0}, 3600}; },
         [](auto& c) { return !c.sipUa.registrar; }},
        {ua, "registrar dns:reg.example.com:5070 expires 600", "no registrar",
         [](auto& c) { return c.sipUa.registrar == SipUa::Registrar{{TargetKind::Dns, "reg.example.com", 5070}, 600}; },
         [](auto& c) { return !c.sipUa.registrar; }},
        {ua, "retry invite 4", "no retry invite", [](auto& c) { return c.sipUa.retryInvite == 4; }, [](auto& c) { return !c.sipUa.retryInvite; }},
        {ua, "timers trying 400", "no timers trying", [](auto& c) { return c.sipUa.timersTryingMs == 400; }, [](auto& c) { return !c.sipUa.timersTryingMs; }},
        {ua, "timers expires 60000", "no timers expires", [](auto& c) { return c.sipUa.timersExpiresMs == 60000; },
         [](auto& c) { return !c.sipUa.timersExpiresMs; }},
        {ua, "set pstn-cause 21 sip-status 403", "no set pstn-cause 21 sip-status 403",
         [](auto& c) { return c.sipUa.pstnCauseToSip == std::map<int, int>{{21, 403}}; },
         [](auto& c) { return c.sipUa.pstnCauseToSip.empty(); }},
        {ua, "set sip-status 480 pstn-cause 19", "no set sip-status 480",
         [](auto& c) { return c.sipUa.sipStatusToPstn == std::map<int, int>{{480, 19}}; },
         [](auto& c) { return c.sipUa.sipStatusToPstn.empty(); }},
        {ua, "credentials username alice password s3cret realm example.com", "no credentials",
         [](auto& c) { return c.sipUa.credentials == std::vector<SipUa::Credentials>{{"alice", "s3cret", "example.com"}}; },
         [](auto& c) { return c.sipUa.credentials.empty(); }},
        {pots, "calling-number default 5550000", "no calling-number default",
         [](auto& c) { return peer(c, 1).callingDefault == "5550000"; }, [](auto& c) { return peer(c, 1).callingDefault.empty(); }},
        {"voice service voip", "calling-number default +4930123", "no calling-number default",
         [](auto& c) { return c.voip.callingDefault == "+4930123"; }, [](auto& c) { return c.voip.callingDefault.empty(); }},
        {"voice service voip", "call threshold source 20", "no call threshold source",
         [](auto& c) { return c.voip.sourceCallsPerSecond == 20; }, [](auto& c) { return !c.voip.sourceCallsPerSecond; }},
        {ua, "user-agent PRI-GW 1.0", "no user-agent", [](auto& c) { return c.sipUa.userAgent == "PRI-GW 1.0"; },
         [](auto& c) { return c.sipUa.userAgent == ""; }},
        {ua, "bind 192.0.2.7 5080", "no bind", [](auto& c) { return c.sipUa.bindAddr == "192.0.2.7" && c.sipUa.bindPort == 5080; },
         [](auto& c) { return c.sipUa.bindAddr == "127.0.0.1" && c.sipUa.bindPort == 5060; }},
    };
}

} // namespace

BOOST_AUTO_TEST_SUITE(test_conf_parser)

BOOST_AUTO_TEST_CASE(every_command_and_its_no_form) {
    for (const auto& tc : commandCases()) {
        BOOST_TEST_CONTEXT("command: " << tc.command) {
            Session s;
            if (!tc.enter.empty()) s.must(tc.enter);
            s.must(tc.command);
            BOOST_TEST(tc.set(s.config));
            s.must(tc.undo);
            BOOST_TEST(tc.unset(s.config));
        }
    }
}

// voice-port N:D exists only for a controller with a PRI group, goes with
// its controller, and carries the T pattern's interdigit timeout.
BOOST_AUTO_TEST_CASE(voice_port_of_a_pri_group) {
    Session s;
    auto r = s.session.execute("voice-port 0:D");
    BOOST_TEST(!r.ok());
    BOOST_TEST(r.describe().find("no PRI group on controller 0") != std::string::npos);
    BOOST_TEST(!s.session.execute("voice-port 0").ok());   // IOS names it 0:D
    s.must("controller e1 0");
    s.must("pri-group timeslots 1-31");
    s.must("voice-port 0:D");
    BOOST_TEST(s.session.prompt().find("(config-voiceport)#") != std::string::npos);
    s.must("timeouts interdigit 4");
    BOOST_TEST((s.config.voicePorts.at(0).interdigitS == 4));
    BOOST_TEST(!s.session.execute("timeouts interdigit 0").ok());
    BOOST_TEST((s.config.voicePorts.at(0).interdigitS == 4));   // a refused line changes nothing
    s.must("no timeouts interdigit");
    BOOST_TEST(!s.config.voicePorts.at(0).interdigitS);
    s.must("exit");
    s.must("no voice-port 0:D");
    BOOST_TEST(s.config.voicePorts.empty());
    s.must("voice-port 0:D");
    s.must("exit");
    s.must("no controller e1 0");
    BOOST_TEST(s.config.voicePorts.empty());
}

// voice service voip -> ip address trusted list: entries added once,
// removed by `no`, masks checked; lines of the enclosing mode leave the list
// mode as in IOS; `exit` goes up one level.
BOOST_AUTO_TEST_CASE(voice_service_voip_trusted_list) {
    Session s;
    s.must("voice service voip");
    BOOST_TEST(s.session.prompt().find("(conf-voi-serv)#") != std::string::npos);
    s.must("ip address trusted list");
    BOOST_TEST(s.session.prompt().find("(cfg-iptrust-list)#") != std::string::npos);
    s.must("ipv4 192.0.2.10");
    s.must("ipv4 192.0.2.10");   // once only
    s.must("ipv4 198.51.100.0 255.255.255.0");
    s.must("ipv6 2001:db8::/32");
    BOOST_TEST(!s.session.execute("ipv4 198.51.100.0 255.0.255.0").ok());   // not contiguous
    BOOST_TEST(!s.session.execute("ipv4 300.1.1.1").ok());
    BOOST_TEST(!s.session.execute("ipv6 2001:db8::/129").ok());
    BOOST_TEST(!s.session.execute("ipv6 192.0.2.1").ok());
    BOOST_REQUIRE(s.config.voip.trusted.size() == 3u);
    BOOST_TEST(s.config.voip.trusted[1].mask == "255.255.255.0");
    s.must("no ipv4 192.0.2.10");
    BOOST_TEST(s.config.voip.trusted.size() == 2u);
    s.must("no ip address trusted authenticate");   // a voice service voip line: leaves the list mode
    BOOST_TEST(!s.config.voip.trustedAuthenticate);
    BOOST_TEST(s.session.prompt().find("(conf-voi-serv)#") != std::string::npos);
    s.must("ip address trusted list");
    s.must("exit");
    BOOST_TEST(s.session.prompt().find("(conf-voi-serv)#") != std::string::npos);
    s.must("exit");
    BOOST_TEST(s.session.prompt().find("(config)#") != std::string::npos);

    const std::string text = renderRunningConfig(s.config);
    BOOST_TEST(text.find("voice service voip\n no ip address trusted authenticate\n ip address trusted list\n"
                         "  ipv4 198.51.100.0 255.255.255.0\n  ipv6 2001:db8::/32\n!\n") != std::string::npos);
    Session again;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line != "end" && line.rfind('!', 0) != 0) again.must(line);
    }
    BOOST_TEST((again.config.voip == s.config.voip));
    s.must("no voice service voip");
    BOOST_TEST((s.config.voip == VoiceServiceVoip{}));
}

BOOST_AUTO_TEST_CASE(abbreviations_are_accepted) {
    Session s;
    s.must("dial-p v 10 voip");
    s.must("dest 555....");
    s.must("sess tar ipv4:192.0.2.1");
    s.must("dtmf rtp sip");
    s.must("cod g711a");
    s.must("CONT E1 1");
    s.must("pri-g time 1-31");
    s.must("isdn sw primary-ne");
    s.must("isdn prot net");
    const auto& p = s.config.dialPeers.at(10);
    BOOST_TEST(p.destinationPattern == "555....");
    BOOST_TEST((p.target == SessionTarget{TargetKind::Ipv4, "192.0.2.1", 0}));
    BOOST_TEST((p.dtmfRelay == std::vector{DtmfRelay::RtpNte, DtmfRelay::SipInfo}));
    BOOST_TEST((p.codec == Codec::G711Alaw));
    BOOST_TEST(s.config.controllers.at(1).timeslots == "1-31");
    BOOST_TEST((s.config.controllers.at(1).switchType == SwitchType::PrimaryNet5));
    BOOST_TEST((s.config.controllers.at(1).side == IsdnSide::Network));
}

BOOST_AUTO_TEST_CASE(ambiguous_abbreviation_is_refused) {
    Session s;
    s.must("dial-peer voice 1 voip");
    Result r = s.run("d 555");
    BOOST_TEST((r.status == Result::Status::Ambiguous));
    BOOST_TEST(r.message == "% Ambiguous command: \"d 555\"");
    BOOST_TEST((s.session.mode() == Mode::DialPeerVoip));
    BOOST_TEST((s.run("translate c 1").status != Result::Status::Ok));
    BOOST_TEST((s.run("voice translation 1").status == Result::Status::Ambiguous));
}

BOOST_AUTO_TEST_CASE(invalid_input_has_caret_under_bad_word) {
    Session s;
    Result r = s.run("dial-peer voice 10 potz");
    BOOST_TEST((r.status == Result::Status::Invalid));
    BOOST_TEST(r.column == 19);
    BOOST_TEST(r.word == "potz");
    BOOST_TEST(r.message == "% Invalid input detected at '^' marker.");
    BOOST_TEST(r.caretLine() == std::string(19, ' ') + "^");
    BOOST_TEST(r.caretLine(12) == std::string(31, ' ') + "^");
    r = s.run("hostnam gw1 extra");
    BOOST_TEST(r.column == 12);
    r = s.run("dial-peer voice 0 pots");
    BOOST_TEST(r.column == 16);
    BOOST_TEST(r.detail == "out of range 1-2147483647");
    BOOST_TEST(s.config.dialPeers.empty());
}

BOOST_AUTO_TEST_CASE(incomplete_command) {
    Session s;
    BOOST_TEST(s.run("dial-peer voice 10").message == "% Incomplete command.");
    BOOST_TEST((s.run("controller e1").status == Result::Status::Incomplete));
    BOOST_TEST((s.run("no").status == Result::Status::Incomplete));
    s.must("sip-ua");
    BOOST_TEST((s.run("credentials username a password b").status == Result::Status::Incomplete));
}

BOOST_AUTO_TEST_CASE(values_are_validated) {
    Session s;
    s.must("dial-peer voice 1 pots");
    for (std::string bad : {"destination-pattern 55x", "destination-pattern 5T5", "destination-pattern 5+5",
                            "destination-pattern [9-2]", "destination-pattern 5[", "port 64", "preference 11",
                            "max-conn 0", "prefix 9a", "forward-digits 33", "session target ipv4:1.2.3.4"})
        BOOST_TEST(!s.run(bad).ok(), bad);
    s.must("dial-peer voice 2 voip");
    for (std::string bad : {"session target ipv4:1.2.3", "session target ipv4:1.2.3.4:0", "session target ipv4:1.2.3.4:70000",
                            "session target sip:1.2.3.4", "port 0", "prefix 9", "digit-strip", "codec g729"})
        BOOST_TEST(!s.run(bad).ok(), bad);
    s.must("sip-ua");
    for (std::string bad : {"bind 1.2.3 5060", "bind 1.2.3.4 0", "retry invite 11", "timers trying 99", "sip-server registrar"})
        BOOST_TEST(!s.run(bad).ok(), bad);
    s.must("voice translation-rule 1");
    for (std::string bad : {"rule 1 ^9 //", "rule 1 /^9\\(/ //", "rule 1 /*/ //", "rule 1 /^9/ /\\1/", "rule 101 /1/ /2/"})
        BOOST_TEST(!s.run(bad).ok(), bad);
    BOOST_TEST(s.config.translationRules.at(1).rules.empty());
    BOOST_TEST(s.config.dialPeers.at(1).destinationPattern.empty());
}

BOOST_AUTO_TEST_CASE(timeslots_are_checked_against_the_controller_type) {
    Session s;
    s.must("controller t1 0");
    Result r = s.run("pri-group timeslots 1-31");
    BOOST_TEST((r.status == Result::Status::Refused));
    BOOST_TEST(r.column == 20);
    BOOST_TEST(r.detail.find("1-24") != std::string::npos);
    s.must("pri-group timeslots 1-23");
    BOOST_TEST(!s.run("framing crc4").ok());
    BOOST_TEST(!s.run("linecode hdb3").ok());
    s.must("controller e1 1");
    s.must("pri-group timeslots 1-31");
    BOOST_TEST(!s.run("pri-group timeslots 0-31").ok());
    BOOST_TEST(!s.run("pri-group timeslots 1-32").ok());
    BOOST_TEST(!s.run("pri-group timeslots 1-10,5-12").ok());
    BOOST_TEST(!s.run("pri-group timeslots 10-1").ok());
    BOOST_TEST(!s.run("framing esf").ok());
    BOOST_TEST(s.config.controllers.at(0).timeslots == "1-23");
    BOOST_TEST(s.config.controllers.at(1).timeslots == "1-31");
}

BOOST_AUTO_TEST_CASE(reentering_a_peer_with_another_kind_is_refused) {
    Session s;
    s.must("dial-peer voice 10 pots");
    s.must("destination-pattern 9T");
    Result r = s.run("dial-peer voice 10 voip");
    BOOST_TEST((r.status == Result::Status::Refused));
    BOOST_TEST(r.word == "voip");
    BOOST_TEST((s.session.mode() == Mode::DialPeerPots));   // the refused line did not change the mode
    BOOST_TEST((s.config.dialPeers.at(10).kind == PeerKind::Pots));
    s.must("dial-peer voice 10 pots");
    BOOST_TEST(s.config.dialPeers.at(10).destinationPattern == "9T");
    s.must("controller t1 10");
    BOOST_TEST(!s.run("controller e1 10").ok());
}

BOOST_AUTO_TEST_CASE(failed_command_changes_nothing) {
    Session s;
    s.must("hostname gw1");
    s.must("dial-peer voice 1 voip");
    s.must("destination-pattern 555....");
    Config before = s.config;
    Mode mode = s.session.mode();
    for (std::string bad : {"destination-pattern 55Z", "dial-peer voice 1 pots", "session target ipv4:300.1.1.1",
                            "hostname bad_name.x", "controller t1 99", "voice translation-rule 0", "bogus"}) {
        BOOST_TEST(!s.run(bad).ok(), bad);
        BOOST_TEST((s.config == before), bad);
        BOOST_TEST((s.session.mode() == mode), bad);
    }
}

BOOST_AUTO_TEST_CASE(implicit_sub_mode_exit) {
    Session s;
    s.must("dial-peer voice 1 pots");
    s.must("destination-pattern 1...");
    s.must("voice translation-rule 3");   // a global command leaves dial-peer mode
    BOOST_TEST((s.session.mode() == Mode::TranslationRule));
    s.must("rule 1 /^1/ /2/");
    s.must("hostname gw2");
    BOOST_TEST((s.session.mode() == Mode::Global));
    BOOST_TEST(!s.run("rule 2 /^1/ /3/").ok());   // sub-mode command no longer valid
    s.must("controller e1 0");
    s.must("isdn switch-type primary-net5");       // valid in both: the sub-mode wins
    BOOST_TEST(!s.config.switchType);
    BOOST_TEST((s.config.controllers.at(0).switchType == SwitchType::PrimaryNet5));
    s.must("exit");
    s.must("isdn switch-type primary-ni");
    BOOST_TEST((s.config.switchType == SwitchType::PrimaryNi));
    s.must("dial-peer voice 2 voip");
    s.must("end");
    BOOST_TEST((s.session.mode() == Mode::Global));
    BOOST_TEST(s.session.leftConfig());
}

BOOST_AUTO_TEST_CASE(sub_mode_error_reported_for_sub_mode_word) {
    Session s;
    s.must("dial-peer voice 1 pots");
    Result r = s.run("destination-pattern 5x");
    BOOST_TEST(r.column == 20);
    r = s.run("dial-peer voice 1 voip");   // global command: its own error
    BOOST_TEST((r.status == Result::Status::Refused));
    r = s.run("dial-peer voice 1");
    BOOST_TEST((r.status == Result::Status::Incomplete));
    BOOST_TEST((s.session.mode() == Mode::DialPeerPots));
}

BOOST_AUTO_TEST_CASE(comments_and_blank_lines) {
    Session s;
    BOOST_TEST(s.run("").ok());
    BOOST_TEST(s.run("   ").ok());
    BOOST_TEST(s.run("! a comment").ok());
    BOOST_TEST(s.run("   ! indented comment").ok());
    BOOST_TEST((s.config == Config{}));
}

BOOST_AUTO_TEST_CASE(credentials_replace_and_remove) {
    Session s;
    s.must("sip-ua");
    s.must("credentials username a password 1 realm r1");
    s.must("credentials username b password 2 realm r1");
    s.must("credentials username a password 3 realm r1");
    BOOST_REQUIRE(s.config.sipUa.credentials.size() == 2u);
    BOOST_TEST(s.config.sipUa.credentials[0].password == "3");
    s.must("no credentials username a");
    BOOST_REQUIRE(s.config.sipUa.credentials.size() == 1u);
    BOOST_TEST(s.config.sipUa.credentials[0].username == "b");
}

BOOST_AUTO_TEST_CASE(help_lists_next_words) {
    Session s;
    auto words = [&](const std::string& partial) {
        std::vector<std::string> w;
        for (const auto& h : s.session.help(partial)) w.push_back(h.word);
        return w;
    };
    BOOST_TEST((words("") == std::vector<std::string>{"controller", "dial-peer", "end", "exit", "hostname", "isdn", "no", "sip-ua", "voice", "voice-port"}));
    BOOST_TEST((words("dial-peer voice ") == std::vector<std::string>{"<1-2147483647>"}));
    BOOST_TEST((words("dial-peer voice 1 ") == std::vector<std::string>{"pots", "voip"}));
    BOOST_TEST((words("controller e1 0 ") == std::vector<std::string>{"<cr>"}));
    BOOST_TEST((words("d") == std::vector<std::string>{"dial-peer"}));
    BOOST_TEST((words("isdn switch-type primary-n") == std::vector<std::string>{"primary-net5", "primary-ni"}));
    BOOST_TEST(words("bogus ").empty());
    auto noWords = words("no ");
    BOOST_TEST((std::find(noWords.begin(), noWords.end(), "exit") == noWords.end()));
    BOOST_TEST((std::find(noWords.begin(), noWords.end(), "dial-peer") != noWords.end()));
    s.must("dial-peer voice 1 voip");
    auto sub = words("");
    BOOST_TEST((std::find(sub.begin(), sub.end(), "session") != sub.end()));
    BOOST_TEST((std::find(sub.begin(), sub.end(), "port") == sub.end()));   // pots only
    BOOST_TEST((words("dtmf-relay rtp-nte ") == std::vector<std::string>{"inband", "rtp-nte", "sip-info", "<cr>"}));
    BOOST_TEST((words("description ") == std::vector<std::string>{"LINE"}));
    BOOST_TEST((words("description some text ") == std::vector<std::string>{"<cr>"}));
    auto help = s.session.help("codec ");
    BOOST_REQUIRE(help.size() == 2u);
    BOOST_TEST(help[0].help == "G.711 A Law 64000 bps");
}

BOOST_AUTO_TEST_CASE(tab_completion) {
    Session s;
    auto c = s.session.complete("dial-p");
    BOOST_REQUIRE(c.size() == 1u);
    BOOST_TEST(c[0].line == "dial-peer ");
    c = s.session.complete("dial-peer v");
    BOOST_REQUIRE(c.size() == 1u);
    BOOST_TEST(c[0].line == "dial-peer voice ");
    c = s.session.complete("voice translation-");
    BOOST_TEST(c.size() == 2u);
    c = s.session.complete("dial-peer voice 5 ");
    BOOST_TEST(c.size() == 2u);
    BOOST_TEST(c[0].line == "dial-peer voice 5 pots ");
    BOOST_TEST(s.session.complete("dial-peer voice ").empty());   // a number: nothing to complete
    BOOST_TEST(s.session.complete("zzz").empty());
}

BOOST_AUTO_TEST_CASE(object_removed_elsewhere_ends_its_sub_mode) {
    Session s;
    s.must("dial-peer voice 1 pots");
    ConfigSession other(s.config);
    BOOST_TEST(other.execute("no dial-peer voice 1").ok());
    BOOST_TEST(!s.run("destination-pattern 1...").ok());   // not silently recreated
    BOOST_TEST(s.config.dialPeers.empty());
    BOOST_TEST((s.session.mode() == Mode::Global));
}

BOOST_AUTO_TEST_CASE(prompt_follows_mode) {
    Session s;
    BOOST_TEST(s.session.prompt() == "gateway(config)#");
    s.must("hostname gw1");
    s.must("dial-peer voice 1 pots");
    BOOST_TEST(s.session.prompt() == "gw1(config-dial-peer)#");
    s.must("sip-ua");
    BOOST_TEST(s.session.prompt() == "gw1(config-sip-ua)#");
}

BOOST_AUTO_TEST_SUITE_END()
