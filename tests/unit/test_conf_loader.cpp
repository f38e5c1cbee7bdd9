// Loading config text and files (all-or-nothing, FILE:LINE diagnostics) and
// rendering the running-config back (IOS order, byte-identical round trip).
#include "conf/loader.hpp"
#include "conf/render.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

using namespace gw::conf;

namespace {

const char* kRich = R"(hostname edge-gw
isdn switch-type primary-ni
controller t1 1
 framing esf
 linecode b8zs
 clock source internal
 pri-group timeslots 1-23
 isdn protocol-emulate network
 source dahdi 2
 shutdown
controller e1 0
 framing crc4
 linecode hdb3
 pri-group timeslots 1-15,17-31
 isdn switch-type primary-net5
 source virtual /tmp/gw/span0
voice translation-rule 10
 rule 2 /^0\(.*\)/ /+49\1/
 rule 1 /^9/ //
voice translation-profile FROM-PBX
 translate called 10
 translate calling 10
 translate redirect-called 10
dial-peer voice 200 voip
 description SBC  primary
 destination-pattern +49T
 session target dns:sbc.example.net:5061
 session transport tcp
 preference 1
 max-conn 30
 codec g711alaw
 voice-class codec 3
 dtmf-relay sip-info rtp-nte
 translation-profile outgoing FROM-PBX
 huntstop
dial-peer voice 10 pots
 destination-pattern 9[2-9]......
 incoming called-number 555....
 answer-address 408T
 port 1
 forward-digits 7
 prefix 1
 translation-profile incoming FROM-PBX
 shutdown
dial-peer voice 11 pots
 destination-pattern 555....
 no digit-strip
 forward-digits all
dial-peer voice 300 voip
 session target sip-server
dial-peer voice 301 voip
 session target registrar
sip-ua
 sip-server ipv4:192.0.2.10:5070
 registrar ipv4:192.0.2.11:5090 expires 600
 retry invite 3
 timers trying 250
 timers expires 90000
 set pstn-cause 21 sip-status 403
 set pstn-cause 34 sip-status 480
 set sip-status 480 pstn-cause 19
 credentials username gw password secret realm example.net
 credentials username gw2 password other realm example.org
 bind 192.0.2.1 5062
)";

Config mustLoad(const std::string& text) {
    Config c;
    std::vector<Diagnostic> errors;
    bool ok = loadConfigText(text, "test.cfg", c, errors);
    for (const auto& e : errors) BOOST_TEST_MESSAGE(e.toString());
    BOOST_REQUIRE(ok);
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(test_conf_loader)

BOOST_AUTO_TEST_CASE(errors_name_file_line_and_word_and_change_nothing) {
    Config out;
    out.hostname = "keep-me";
    Config before = out;
    std::vector<Diagnostic> errors;
    std::string text = "hostname gw1\n"
                       "dial-peer voice 10 potz\n"
                       "! comment\n"
                       "controller t1 0\n"
                       " pri-group timeslots 1-31\n"
                       "dial-peer voice 20 pots\n"
                       " destination-pattern 55Q\n"
                       " port 1\n";
    BOOST_TEST(!loadConfigText(text, "site.cfg", out, errors));
    BOOST_TEST((out == before));
    BOOST_REQUIRE(errors.size() == 3u);
    BOOST_TEST(errors[0].line == 2);
    BOOST_TEST(errors[0].word == "potz");
    BOOST_TEST(errors[0].column == 19);
    BOOST_TEST(errors[0].toString().rfind("site.cfg:2: ", 0) == 0);
    BOOST_TEST(errors[0].toString().find("'potz'") != std::string::npos);
    BOOST_TEST(errors[1].line == 5);
    BOOST_TEST(errors[1].word == "1-31");
    BOOST_TEST(errors[1].message.find("1-24") != std::string::npos);
    BOOST_TEST(errors[2].line == 7);
    BOOST_TEST(errors[2].word == "55Q");
    BOOST_TEST(errors[2].text == "destination-pattern 55Q");
}

BOOST_AUTO_TEST_CASE(incomplete_and_ambiguous_lines_are_reported) {
    Config out;
    std::vector<Diagnostic> errors;
    BOOST_TEST(!loadConfigText("dial-peer voice 1\nvoice t 1\n", "x.cfg", out, errors));
    BOOST_REQUIRE(errors.size() == 2u);
    BOOST_TEST(errors[0].toString() == "x.cfg:1: % Incomplete command. in \"dial-peer voice 1\"");
    BOOST_TEST(errors[1].line == 2);
    BOOST_TEST(errors[1].word == "t");
}

BOOST_AUTO_TEST_CASE(success_replaces_the_target_from_defaults) {
    Config out;
    out.hostname = "old";
    out.dialPeers[5].tag = 5;
    std::vector<Diagnostic> errors;
    BOOST_TEST(loadConfigText("dial-peer voice 7 voip\n", "x", out, errors));
    BOOST_TEST(errors.empty());
    BOOST_TEST(out.hostname == "gateway");
    BOOST_TEST(out.dialPeers.size() == 1u);
    BOOST_TEST(out.dialPeers.count(7) == 1u);
}

BOOST_AUTO_TEST_CASE(indentation_crlf_and_comments_do_not_matter) {
    Config a = mustLoad("dial-peer voice 1 pots\r\n   destination-pattern 1...\r\n!\r\n\r\nport 0\r\n");
    Config b = mustLoad("dial-peer voice 1 pots\ndestination-pattern 1...\n port 0");
    BOOST_TEST((a == b));
    BOOST_TEST((a.dialPeers.at(1).port == 0));
}

BOOST_AUTO_TEST_CASE(missing_file_names_the_file_and_reason) {
    Config out;
    std::vector<Diagnostic> errors;
    BOOST_TEST(!loadConfigFile("/nonexistent/dir/gw.cfg", out, errors));
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].toString() == "/nonexistent/dir/gw.cfg: cannot read config file: No such file or directory");
    errors.clear();
    auto dir = std::filesystem::temp_directory_path();
    BOOST_TEST(!loadConfigFile(dir.string(), out, errors));
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].message.find("Is a directory") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(file_errors_carry_the_path) {
    auto path = std::filesystem::temp_directory_path() / "test_conf_loader_bad.cfg";
    {
        std::ofstream f(path);
        f << "hostname ok\nbogus line\n";
    }
    Config out;
    std::vector<Diagnostic> errors;
    BOOST_TEST(!loadConfigFile(path.string(), out, errors));
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].toString().rfind(path.string() + ":2: ", 0) == 0);
    std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(save_then_load_gives_the_same_config) {
    Config c = mustLoad(kRich);
    auto path = std::filesystem::temp_directory_path() / "test_conf_loader_saved.cfg";
    BOOST_TEST(saveConfigFile(path.string(), c) == "");
    Config back;
    std::vector<Diagnostic> errors;
    BOOST_TEST(loadConfigFile(path.string(), back, errors));
    BOOST_TEST((back == c));
    BOOST_TEST(!std::filesystem::exists(path.string() + ".tmp"));
    std::filesystem::remove(path);
    std::string err = saveConfigFile("/nonexistent/dir/gw.cfg", c);
    BOOST_TEST(err.find("/nonexistent/dir/gw.cfg.tmp") != std::string::npos);
    BOOST_TEST(err.find("No such file or directory") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(default_config_renders_empty) {
    BOOST_TEST(renderRunningConfig(Config{}) == "!\nend\n");
    BOOST_TEST((mustLoad(renderRunningConfig(Config{})) == Config{}));
}

BOOST_AUTO_TEST_CASE(render_is_ios_ordered_and_indented) {
    Config c = mustLoad("isdn switch-type primary-net5\ndial-peer voice 100 voip\n destination-pattern 5552...\n session target ipv4:127.0.0.1:5070\n"
                        " codec g711alaw\ndial-peer voice 10 pots\n destination-pattern 5551...\n no digit-strip\n port 0\n"
                        "sip-ua\n bind 127.0.0.1 5061\nvoice translation-profile P\n translate called 1\n"
                        "voice translation-rule 1\n rule 1 /^9/ //\ncontroller e1 0\n pri-group timeslots 1-31\n"
                        "hostname gw1\n");
    const std::string expected = "!\n"
                                 "hostname gw1\n!\n"
                                 "isdn switch-type primary-net5\n!\n"
                                 "controller e1 0\n pri-group timeslots 1-31\n!\n"
                                 "voice translation-rule 1\n rule 1 /^9/ //\n!\n"
                                 "voice translation-profile P\n translate called 1\n!\n"
                                 "dial-peer voice 10 pots\n destination-pattern 5551...\n port 0\n no digit-strip\n!\n"
                                 "dial-peer voice 100 voip\n destination-pattern 5552...\n session target ipv4:127.0.0.1:5070\n codec g711alaw\n!\n"
                                 "sip-ua\n bind 127.0.0.1 5061\n!\n"
                                 "end\n";
    BOOST_TEST(renderRunningConfig(c) == expected);
}

BOOST_AUTO_TEST_CASE(round_trip_is_byte_identical) {
    Config c = mustLoad(kRich);
    std::string once = renderRunningConfig(c);
    Config again = mustLoad(once);
    BOOST_TEST((again == c));
    BOOST_TEST(renderRunningConfig(again) == once);
    BOOST_TEST(c.dialPeers.at(200).description == "SBC  primary");
    BOOST_TEST((c.dialPeers.at(200).dtmfRelay == std::vector{DtmfRelay::SipInfo, DtmfRelay::RtpNte}));
    BOOST_TEST(c.sipUa.credentials.size() == 2u);
    BOOST_TEST((c.sipUa.pstnCauseToSip == std::map<int, int>{{21, 403}, {34, 480}}));
    BOOST_TEST((c.sipUa.timersExpiresMs == 90000));
    BOOST_TEST(c.translationRules.at(10).rules.at(2).second == "+49\\1");
}

BOOST_AUTO_TEST_CASE(round_trip_of_the_example_files) {
    for (const auto& entry : std::filesystem::directory_iterator("conf/examples")) {
        if (entry.path().extension() != ".cfg") continue;
        BOOST_TEST_CONTEXT(entry.path().string()) {
            Config c;
            std::vector<Diagnostic> errors;
            BOOST_TEST(loadConfigFile(entry.path().string(), c, errors));
            BOOST_TEST(errors.empty());
            std::string once = renderRunningConfig(c);
            BOOST_TEST((mustLoad(once) == c));
            BOOST_TEST(renderRunningConfig(mustLoad(once)) == once);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
