// The management CLI: the line protocol, CliSession's exec and config modes
// over a fake runtime (dispatch, IOS errors, abbreviations, help, TAB, live
// apply, write memory), restartNotes, and CliServer on a real socket driven
// by a SofiaLoop (partial lines, overlong lines, clients that vanish).
#include "conf/loader.hpp"
#include "conf/render.hpp"
#include "gateway/cli/cli_client.hpp"
#include "gateway/cli/cli_protocol.hpp"
#include "gateway/cli/cli_server.hpp"
#include "gateway/cli/cli_session.hpp"
#include "gateway/live_config.hpp"
#include "sip/sofia_loop.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>

using namespace gw;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const char* kConfig = "hostname gw1\n"
                      "controller e1 0\n pri-group timeslots 1-31\n source virtual /tmp/gw/span0\n"
                      "voice translation-rule 1\n rule 1 /^555/ /9/\n"
                      "dial-peer voice 10 pots\n destination-pattern 5551...\n port 0\n"
                      "dial-peer voice 100 voip\n destination-pattern 5552...\n session target ipv4:127.0.0.1:5070\n";

conf::Config load(const std::string& text) {
    conf::Config c;
    std::vector<conf::Diagnostic> errors;
    BOOST_REQUIRE(conf::loadConfigText(text, "<test>", c, errors));
    return c;
}

struct FakeRuntime : CliRuntime {
    conf::Config config = load(kConfig);
    std::shared_ptr<const route::DialPeerTable> table = route::DialPeerTable::build(config);
    std::string startup;
    int applied = 0;
    std::vector<CallSummary> active;
    std::vector<std::pair<CallId, int>> cleared;
    std::map<int, bool> busy;
    unsigned debug = 0;

    conf::Config& running() override { return config; }
    std::string startupPath() const override { return startup; }
    std::vector<std::string> applyConfig(const conf::Config& before) override {
        ++applied;
        table = route::DialPeerTable::build(config);
        return restartNotes(before, config, {0});
    }
    const route::DialPeerTable& dialPeers() const override { return *table; }
    int activeOnPeer(int tag) const override { return tag == 100 ? static_cast<int>(active.size()) : 0; }
    std::vector<CallSummary> calls() const override { return active; }
    bool clearCall(CallId id, gw::q850::Cause cause) override {
        for (const auto& c : active)
            if (c.id == id) {
                cleared.emplace_back(id, gw::q850::value(cause));
                return true;
            }
        return false;
    }
    std::vector<SpanStatus> spans() const override {
        SpanStatus s;
        s.running = true;
        s.alarm = false;
        s.dchannelUp = true;
        s.switchType = "primary-net5";
        s.source = "virtual e1 /tmp/gw/span0";
        s.busyout = busy.count(0) && busy.at(0);
        s.activeCalls = static_cast<int>(active.size());
        for (int ch = 1; ch <= 3; ++ch) s.channels.push_back({ch, ch == 1 ? ChannelStatus::Use::InUse : ChannelStatus::Use::Idle});
        s.channels[0].q931 = ChannelStatus::Q931::Busy;   // B1 in step
        s.channels[2].q931 = ChannelStatus::Q931::Busy;   // B3 held by Q.931 only
        s.channels[1].service = 2;                         // B2 out of service
        return {s};
    }
    SipStatus sipStatus{"127.0.0.1", 5060, true, true, "", "", {}};
    SipStatus sip() const override { return sipStatus; }
    const route::TrustList& trustList() const override {
        trust = route::TrustList::build(config);
        return *trust;
    }
    std::vector<UntrustedSource> untrustedSources() const override {
        return {{"192.0.2.66", 3, gw::Clock::now() - std::chrono::seconds(5)}};
    }
    mutable std::shared_ptr<const route::TrustList> trust;
    bool setBusyout(int controller, bool on) override {
        if (controller != 0) return false;
        busy[controller] = on;
        return true;
    }
    void setDebug(DebugCat cat, bool on) override {
        if (on) debug |= static_cast<unsigned>(cat);
        else debug &= ~static_cast<unsigned>(cat);
    }
};

std::string joined(const CliReply& r) {
    std::string s;
    for (const auto& l : r.lines) s += l + "\n";
    return s;
}

bool has(const CliReply& r, const std::string& text) { return joined(r).find(text) != std::string::npos; }

CallSummary liveCall() {
    CallSummary s;
    s.id = 7;
    s.origin = "isdn";
    s.called = "5552000";
    s.calling = "1000";
    s.callState = "Early";
    s.isdnState = "Active";
    s.sipState = "Confirmed";
    s.span = 0;
    s.channel = 31;
    s.peerTag = 100;
    s.seconds = 65;
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_protocol)

BOOST_AUTO_TEST_CASE(requests_and_replies_round_trip) {
    auto req = cli::parseRequest("x show run");
    BOOST_REQUIRE(req);
    BOOST_TEST((req->kind == cli::RequestKind::Exec));
    BOOST_TEST(req->text == "show run");
    BOOST_TEST(cli::encodeRequest(cli::RequestKind::Help, "show ") == "? show \n");
    BOOST_TEST(cli::parseRequest("t sh")->text == "sh");
    BOOST_TEST(cli::parseRequest("x")->text == "");
    BOOST_TEST(!cli::parseRequest("show run"));
    BOOST_TEST(!cli::parseRequest(""));
    BOOST_TEST(cli::parseRequest("x a\tb\x01\r")->text == "a b ");

    auto end = cli::parseReply(". error gw1(config)#");
    BOOST_REQUIRE(end);
    BOOST_TEST((end->kind == cli::ReplyKind::End));
    BOOST_TEST((end->status == cli::EndStatus::Error));
    BOOST_TEST(end->text == "gw1(config)#");
    BOOST_TEST((cli::parseReply(". bye")->status == cli::EndStatus::Bye));
    BOOST_TEST(cli::parseReply("o ")->text == "");
    BOOST_TEST(cli::parseReply(cli::outputLine("a\nb").substr(0, 5))->text == "a b");
    BOOST_TEST(!cli::parseReply(". maybe"));
    BOOST_TEST(cli::traceLine("q931: x") == "d q931: x\n");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cli_session)

BOOST_AUTO_TEST_CASE(exec_and_config_modes_with_prompts) {
    FakeRuntime rt;
    CliSession s(rt, 1);
    BOOST_TEST(s.prompt() == "gw1#");
    CliReply r = s.execute("conf t");
    BOOST_TEST(r.ok);
    BOOST_TEST(has(r, "Enter configuration commands"));
    BOOST_TEST(s.prompt() == "gw1(config)#");
    BOOST_TEST(s.execute("dial-peer voice 7 voip").ok);
    BOOST_TEST(s.prompt() == "gw1(config-dial-peer)#");
    BOOST_TEST(s.execute("preference 2").ok);
    BOOST_TEST(rt.config.dialPeers.at(7).preference == 2);
    BOOST_TEST(rt.applied == 2);
    BOOST_TEST(s.execute("end").ok);
    BOOST_TEST(s.prompt() == "gw1#");
    BOOST_TEST(!s.inConfig());
    BOOST_TEST(s.execute("exit").close);
}

BOOST_AUTO_TEST_CASE(show_running_config_and_abbreviations) {
    FakeRuntime rt;
    CliSession s(rt, 1);
    CliReply r = s.execute("sh run");
    BOOST_TEST(r.ok);
    BOOST_TEST(has(r, "Current configuration : "));
    BOOST_TEST(has(r, conf::renderRunningConfig(rt.config)));
    r = s.execute("sh dial-p v sum");
    BOOST_TEST(r.ok);
    BOOST_TEST(has(r, "DEST-PATTERN"));
    BOOST_TEST(has(r, "5552..."));
    BOOST_TEST(has(r, "ipv4:127.0.0.1:5070"));
    BOOST_TEST(s.execute("show dial-peer voice 100").ok);
    BOOST_TEST(has(s.execute("show dial-peer voice"), "VoiceEncapPeer10"));
    BOOST_TEST(!s.execute("show dial-peer voice 5").ok);
}

BOOST_AUTO_TEST_CASE(bad_commands_get_a_caret_and_change_nothing) {
    FakeRuntime rt;
    CliSession s(rt, 1);
    conf::Config before = rt.config;
    CliReply r = s.execute("show xyz");
    BOOST_TEST(!r.ok);
    BOOST_REQUIRE(r.lines.size() >= 2u);
    BOOST_TEST(r.lines[0] == std::string(4 + 5, ' ') + "^");
    BOOST_TEST(r.lines[1] == "% Invalid input detected at '^' marker.");
    BOOST_TEST(!s.execute("c").ok);
    BOOST_TEST(has(s.execute("c"), "% Ambiguous command"));
    BOOST_TEST(has(s.execute("show"), "% Incomplete command."));
    BOOST_TEST(!s.execute("clear call voice causecode 999 id 1").ok);

    s.execute("configure terminal");
    s.execute("dial-peer voice 100 voip");
    r = s.execute("session target ipv4:300.1.1.1");
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.lines[0].find('^') == std::string("gw1(config-dial-peer)#session target ").size());
    r = s.execute("destination-patern 5553...");
    BOOST_TEST(!r.ok);
    BOOST_TEST((rt.config == before));
    BOOST_TEST(rt.applied == 0);
    BOOST_TEST(s.prompt() == "gw1(config-dial-peer)#");
}

BOOST_AUTO_TEST_CASE(nothing_a_client_types_throws) {
    FakeRuntime rt;
    CliSession s(rt, 1);
    const std::vector<std::string> lines = {
        "", " ", "no", "no no no", "show dial-peer match", "show dial-peer match x",
        "test voice translation-rule 99999999999999 1", "clear call voice causecode 16 id 0", "debug", "undebug",
        "busyout controller e1 63", "do show run", "write memory", "show startup-config", "conf t", "do",
        "do show run", "do conf t", "no controller e1 0", "controller t1 0", "!", "end", "exit", "exit",
        std::string(5000, 'x'), "show controllers t1 9", "\x7f\x01"};
    for (const auto& l : lines) {
        BOOST_CHECK_NO_THROW(s.execute(l));
        BOOST_CHECK_NO_THROW(s.help(l));
        BOOST_CHECK_NO_THROW(s.complete(l));
    }
}

BOOST_AUTO_TEST_CASE(dial_peer_match_and_translation_test) {
    FakeRuntime rt;
    CliSession s(rt, 1);
    CliReply r = s.execute("show dial-peer match 5552000 calling 1000");
    BOOST_TEST(r.ok);
    BOOST_TEST(has(r, "outbound * dial-peer 100 voip: candidate 1"));
    BOOST_TEST(has(r, "try 1: dial-peer 100 sends called 5552000, calling 1000"));
    BOOST_TEST(has(s.execute("show dial-peer match 7777"), "no outbound dial-peer"));
    r = s.execute("test voice translation-rule 1 5551234");
    BOOST_TEST(r.ok);
    BOOST_TEST(has(r, "Matched with rule 1"));
    BOOST_TEST(has(r, "Translated number: 91234"));
    BOOST_TEST(has(s.execute("test voice translation-rule 1 7000"), "Didn't match with any of rules"));
    BOOST_TEST(!s.execute("test voice translation-rule 2 7000").ok);
}

BOOST_AUTO_TEST_CASE(calls_isdn_and_busyout) {
    FakeRuntime rt;
    rt.active.push_back(liveCall());
    CliSession s(rt, 1);
    CliReply r = s.execute("show call active voice brief");
    BOOST_TEST(has(r, "Total calls: 1"));
    BOOST_TEST(has(r, "5552000"));
    BOOST_TEST(has(r, "0:31"));
    BOOST_TEST(has(r, "00:01:05"));
    BOOST_TEST(has(s.execute("show call active voice"), "Dial-peer 100"));
    BOOST_TEST(has(s.execute("show call active voice"), "  State Early"));
    BOOST_TEST(has(r, " Early "));
    BOOST_TEST(has(s.execute("show sip-ua calls"), "User Agent Client:0"));
    BOOST_TEST(has(s.execute("show isdn status"), "MULTIPLE_FRAME_ESTABLISHED"));
    CliReply service = s.execute("show isdn service");
    BOOST_TEST(has(service, "    Channel :  1  2  3"));
    BOOST_TEST(has(service, "    State   :  2  0  2"));   // Q.931
    BOOST_TEST(has(service, "    State   :  2  0  0"));   // the gateway
    BOOST_TEST(has(service, "Out of step: B3"));
    BOOST_TEST(has(service, "    State   :  0  2  0"));   // service states
    BOOST_TEST(has(s.execute("show isdn status"), "1 Active Layer 3 Call(s)"));
    BOOST_TEST(has(s.execute("show controllers e1 0"), "E1 0 is up."));
    BOOST_TEST(has(s.execute("show voice port summary"), "in use"));
    BOOST_TEST(has(s.execute("show sip-ua status"), "127.0.0.1 5060"));
    BOOST_TEST(has(s.execute("show sip-ua register status"), "No registrar configured"));
    rt.sipStatus.registrar = "ipv4:192.0.2.7";
    rt.sipStatus.registrations = {{"5551000", true, 1800, 200, "OK"}, {"5551001", false, 0, 403, "Forbidden"}};
    CliReply reg = s.execute("show sip-ua register status");
    BOOST_TEST(has(reg, "Registrar ipv4:192.0.2.7"));
    BOOST_TEST(has(reg, "5551000                          -          1800         yes         200 OK"));
    BOOST_TEST(has(reg, "5551001                          -          0            no          403 Forbidden"));
    BOOST_TEST(!s.execute("clear call voice causecode 16 id 8").ok);
    BOOST_TEST(s.execute("clear call voice causecode 17 id 7").ok);
    BOOST_TEST((rt.cleared == std::vector<std::pair<CallId, int>>{{7, 17}}));
    BOOST_TEST(s.execute("busyout controller e1 0").ok);
    BOOST_TEST(rt.busy[0]);
    BOOST_TEST(has(s.execute("show controllers"), "busyout"));
    BOOST_TEST(s.execute("no busyout controller e1 0").ok);
    BOOST_TEST(!rt.busy[0]);
    BOOST_TEST(!s.execute("busyout controller t1 0").ok);
    BOOST_TEST(!s.execute("busyout controller e1 5").ok);
}

BOOST_AUTO_TEST_CASE(debug_switches_and_session_traces) {
    FakeRuntime rt;
    CliSession s(rt, 1);
    BOOST_TEST(has(s.execute("debug isdn q931"), "ISDN Q931 packets debugging is on"));
    BOOST_TEST(rt.debug == static_cast<unsigned>(DebugCat::IsdnQ931));
    BOOST_TEST(s.traces() == static_cast<unsigned>(DebugCat::IsdnQ931));
    s.execute("debug ccsip messages");
    s.execute("debug voip ccapi");
    BOOST_TEST(rt.debug == 7u);
    s.execute("no debug ccsip messages");
    s.execute("undebug voip ccapi");
    BOOST_TEST(rt.debug == 1u);
    BOOST_TEST(s.traces() == 1u);
    BOOST_TEST(has(s.execute("undebug all"), "All possible debugging has been turned off"));
    BOOST_TEST(rt.debug == 0u);
    BOOST_TEST(s.traces() == 0u);
}

BOOST_AUTO_TEST_CASE(help_and_completion_in_both_modes) {
    FakeRuntime rt;
    CliSession s(rt, 1);
    CliReply r = s.help("show ");
    BOOST_TEST(r.ok);
    BOOST_TEST(has(r, "running-config"));
    BOOST_TEST(has(r, "Current operating configuration"));
    BOOST_TEST(!s.help("xyz ").ok);
    BOOST_TEST(has(s.help("xyz "), "% Unrecognized command"));
    BOOST_TEST((s.complete("sh") == std::vector<std::string>{"show"}));
    BOOST_TEST((s.complete("show d") == std::vector<std::string>{"debugging", "dial-peer"}));
    s.execute("conf t");
    BOOST_TEST(has(s.help(""), "dial-peer"));
    BOOST_TEST(has(s.help("do sh"), "show"));
    BOOST_TEST((s.complete("dial-p") == std::vector<std::string>{"dial-peer"}));
    BOOST_TEST((s.complete("do show ru") == std::vector<std::string>{"running-config"}));
    CliReply run = s.execute("do show running-config");
    BOOST_TEST(run.ok);
    BOOST_TEST(has(run, "hostname gw1"));
    BOOST_TEST(s.inConfig());
}

BOOST_AUTO_TEST_CASE(restart_notes_only_for_what_needs_a_restart) {
    FakeRuntime rt;
    CliSession s(rt, 1);
    s.execute("conf t");
    s.execute("hostname edge");
    BOOST_TEST(s.prompt() == "edge(config)#");
    s.execute("controller e1 0");
    CliReply r = s.execute("source virtual /tmp/other");
    BOOST_TEST(r.ok);
    BOOST_TEST(has(r, "% controller e1 0: source takes effect after restart"));
    BOOST_TEST(!has(s.execute("shutdown"), "restart"));
    r = s.execute("sip-ua");
    r = s.execute("bind 127.0.0.1 5099");
    BOOST_TEST(has(r, "% sip-ua bind takes effect after restart"));

    conf::Config a = load(kConfig), b = a;
    b.controllers[1] = b.controllers[0];
    b.controllers[1].number = 1;
    b.dialPeers[10].preference = 3;
    auto notes = restartNotes(a, b, {0});
    BOOST_TEST((notes == std::vector<std::string>{"% controller e1 1 takes effect after restart"}));
    BOOST_TEST(restartNotes(b, a, {0, 1}).size() == 1u);
    BOOST_TEST(controllerBlocked(a, 1));
    BOOST_TEST(!controllerBlocked(a, 0));
}

BOOST_AUTO_TEST_CASE(write_memory_is_atomic_and_keeps_a_backup) {
    FakeRuntime rt;
    fs::path dir = fs::temp_directory_path() / ("test_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    rt.startup = (dir / "gw.cfg").string();
    { std::ofstream(rt.startup) << "hostname old\n"; }
    CliSession s(rt, 1);
    CliReply r = s.execute("write memory");
    BOOST_TEST(r.ok);
    BOOST_TEST(has(r, "[OK]"));
    conf::Config back;
    std::vector<conf::Diagnostic> errors;
    BOOST_TEST(conf::loadConfigFile(rt.startup, back, errors));
    BOOST_TEST((back == rt.config));
    std::ifstream bak(rt.startup + ".bak");
    std::string first;
    std::getline(bak, first);
    BOOST_TEST(first == "hostname old");
    BOOST_TEST(has(s.execute("show startup-config"), "hostname gw1"));

    // PATH.tmp cannot be created (a directory is in its place): the error is
    // reported and the startup-config stays as it was.
    fs::create_directories(rt.startup + ".tmp/x");
    rt.config.hostname = "changed";
    r = s.execute("copy running-config startup-config");
    BOOST_TEST(!r.ok);
    BOOST_TEST(has(r, "% Error writing startup-config"));
    BOOST_TEST(conf::loadConfigFile(rt.startup, back, errors));
    BOOST_TEST(back.hostname == "gw1");
    fs::remove_all(dir);

    rt.startup = "";
    BOOST_TEST(!s.execute("write").ok);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cli_server)

namespace {

std::string socketPath(const char* name) {
    return (fs::temp_directory_path() / ("test_cli_" + std::to_string(::getpid()) + "_" + name)).string();
}

// Runs `client` on a thread while the loop serves it on this one.
void serve(sip::SofiaLoop& loop, const std::function<void()>& client) {
    std::atomic<bool> done{false};
    std::thread t([&] {
        client();
        done = true;
    });
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done && std::chrono::steady_clock::now() < deadline) loop.step(5ms);
    t.join();
}

int rawConnect(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    BOOST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    timeval limit{5, 0};   // a server that stops answering fails the test, not hangs it
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    return fd;
}

std::string readUntil(int fd, const std::string& marker) {
    std::string got;
    char buf[4096];
    while (got.find(marker) == std::string::npos) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

} // namespace

BOOST_AUTO_TEST_CASE(sessions_over_the_socket) {
    sip::SofiaLoop loop;
    FakeRuntime rt;
    std::string path = socketPath("a/cli.sock");
    std::string error;
    auto server = CliServer::open(loop, rt, path, error);
    BOOST_REQUIRE_MESSAGE(server, error);
    struct stat st{};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0660u);
    BOOST_TEST(!CliServer::open(loop, rt, path, error));
    BOOST_TEST(error.find("another gatewayd") != std::string::npos);

    serve(loop, [&] {
        cli::CliClient a, b;
        std::string err;
        BOOST_REQUIRE(a.connect(path, err));
        BOOST_REQUIRE(b.connect(path, err));
        BOOST_TEST(a.prompt() == "gw1#");
        auto r = a.request(cli::RequestKind::Exec, "conf t");
        BOOST_TEST(r.prompt == "gw1(config)#");
        BOOST_TEST(b.request(cli::RequestKind::Exec, "show dial-peer voice 100").prompt == "gw1#");
        r = a.request(cli::RequestKind::Exec, "bogus");
        BOOST_TEST((r.status == cli::EndStatus::Error));
        BOOST_TEST(r.lines.at(0).find('^') == std::string("gw1(config)#").size());
        r = b.request(cli::RequestKind::Complete, "show ru");
        BOOST_TEST((r.completions == std::vector<std::string>{"running-config"}));
        r = b.request(cli::RequestKind::Exec, "exit");
        BOOST_TEST((r.status == cli::EndStatus::Bye));
    });

    // Partial lines, pipelined requests, an overlong line, garbage, and a
    // client that leaves in the middle of a request.
    serve(loop, [&] {
        int fd = rawConnect(path);
        readUntil(fd, "\n");
        auto say = [fd](const std::string& text) { ::send(fd, text.data(), text.size(), 0); };
        say("x sh");
        std::this_thread::sleep_for(50ms);
        say("ow isdn status\nx show deb\n");
        std::string got = readUntil(fd, "No debugging is on");
        BOOST_TEST(got.find("o ISDN controller E1 0 interface") != std::string::npos);
        std::string longLine = "x " + std::string(10000, 'a') + "\n";
        say(longLine);
        got = readUntil(fd, "% Line too long");
        BOOST_TEST(got.find("% Line too long") != std::string::npos);
        say("hello\n");
        BOOST_TEST(readUntil(fd, "Bad request").find("Bad request") != std::string::npos);
        say("x show running-config\nx show run");
        ::close(fd);
        int again = rawConnect(path);
        BOOST_TEST(readUntil(again, "\n").rfind(". ok gw1#", 0) == 0);
        ::close(again);
    });
    server.reset();
    BOOST_TEST(!fs::exists(path));
    fs::remove_all(fs::path(path).parent_path());
}

BOOST_AUTO_TEST_CASE(a_file_in_the_way_is_not_replaced) {
    sip::SofiaLoop loop;
    FakeRuntime rt;
    std::string path = socketPath("file");
    { std::ofstream(path) << "precious\n"; }
    std::string error;
    BOOST_TEST(!CliServer::open(loop, rt, path, error));
    BOOST_TEST(error.find("not a socket") != std::string::npos);
    BOOST_TEST(fs::file_size(path) == 9u);
    fs::remove(path);
}

BOOST_AUTO_TEST_SUITE_END()
