// SofiaSipPort on the wire: bind errors, 100 Trying, re-INVITEs, what the
// stack answers itself, headers and Reason, and SIPp as the calling phone.
#include "tests/unit/sofia_test_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace gw::sip;
using namespace gw::sip::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(sofia_sip_port)

BOOST_AUTO_TEST_CASE(port_in_use_is_a_clear_error) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto first = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(first.get() != nullptr, error);
    auto second = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST(second.get() == nullptr);
    BOOST_TEST(error == "cannot listen for SIP on 127.0.0.1:" + std::to_string(c.port) +
                            ": Address already in use");
    c.bindAddr = "192.0.2.1";                                // not ours
    auto third = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST(third.get() == nullptr);
    BOOST_TEST(error.find("Cannot assign requested address") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(trying_at_once_and_invite_without_sdp_reaches_core) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    RawPeer peer(loop);
    peer.send(c.port, peer.request("INVITE", c.port, "", "", "nosdp1"));
    std::string trying = peer.waitFor("SIP/2.0 100");
    BOOST_TEST(!trying.empty());
    BOOST_TEST(header(trying, "Call-ID") == "nosdp1");
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return events.invites.size() == 1; }));
    SipDialogId id = events.invites.begin()->first;
    BOOST_TEST(events.invites[id].sdp.empty());
    BOOST_TEST(events.invites[id].fromDisplay == "Bob");
    port->setReason(id, 88, "incompatible destination");
    port->respond(id, 488, "", "");
    std::string rejected = peer.waitFor("SIP/2.0 488");
    BOOST_TEST(header(rejected, "Reason") == "Q.850;cause=88;text=\"incompatible destination\"");
    peer.send(c.port, "ACK sip:5551000@127.0.0.1 SIP/2.0\r\nVia: " + header(rejected, "Via") +
                          "\r\nFrom: " + header(rejected, "From") + "\r\nTo: " +
                          header(rejected, "To") + "\r\nCall-ID: nosdp1\r\nCSeq: 1 ACK\r\n"
                          "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");

    // A garbage body labelled application/sdp reaches the core as it is.
    peer.send(c.port, peer.request("INVITE", c.port, "Content-Type: application/sdp\r\n",
                                   "this is not sdp", "badsdp1"));
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return events.invites.size() == 2; }));
    BOOST_TEST(events.invites.rbegin()->second.sdp == "this is not sdp");
}

BOOST_AUTO_TEST_CASE(refresh_reinvite_answered_changes_to_the_core_bye_reason) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    events.onInviteDo = [&](SipDialogId id) { port->respond(id, 200, "", kAnswer); };
    RawPeer peer(loop);
    std::string invite = peer.request("INVITE", c.port, "Content-Type: application/sdp\r\n", kSdp, "re1");
    peer.send(c.port, invite);
    std::string ok = peer.waitFor("SIP/2.0 200");
    BOOST_TEST_REQUIRE(!ok.empty());
    std::string toTag = header(ok, "To").substr(header(ok, "To").find(";tag="));
    std::string contact = header(ok, "Contact");
    std::string target = contact.substr(1, contact.find('>') - 1);
    // In-dialog requests: To with the tag, a new branch and CSeq each.
    auto inDialog = [&](const std::string& method, int cseq, const std::string& body) {
        std::string r = peer.request(method, c.port, body.empty() ? "" : "Content-Type: application/sdp\r\n",
                                     body, "re1");
        r.replace(0, r.find(" SIP/2.0"), method + " " + target);
        r.replace(r.find("branch=z9hG4bK"), 14, "branch=z9hG4bK" + std::to_string(cseq));
        r.replace(r.find("CSeq: 1 " + method), 8 + method.size(), "CSeq: " + std::to_string(cseq) + " " + method);
        auto to = r.find("\r\nTo: ") + 2;
        r.replace(to, r.find("\r\n", to) - to, "To: " + header(ok, "To").substr(0, header(ok, "To").find(";tag=")) + toTag);
        return r;
    };
    peer.send(c.port, inDialog("ACK", 1, ""));
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return events.log.size() == 2; }));   // invite, ack
    SipDialogId id = events.invites.begin()->first;
    BOOST_TEST(events.has("ack " + std::to_string(id)));

    std::string refreshed = kSdp;
    refreshed.replace(refreshed.find("o=- 1 1"), 7, "o=- 1 2");   // new version, same session
    peer.send(c.port, inDialog("INVITE", 2, refreshed));
    std::string ok2 = peer.waitFor("SIP/2.0 200");
    BOOST_TEST(ok2.ends_with("\r\n\r\n" + kAnswer));               // our SDP again
    peer.send(c.port, inDialog("ACK", 2, ""));

    BOOST_TEST(events.log.size() == 2u);                        // the core saw none of the refresh

    // A change (hold) goes to the core, which answers it.
    const std::string held = kAnswer + "a=recvonly\r\n";
    events.onReinviteDo = [&](SipDialogId d, const std::string& offer) {
        port->answerReinvite(d, 200, offer.empty() ? kAnswer : held);
    };
    std::string hold = kSdp + "a=sendonly\r\n";
    peer.send(c.port, inDialog("INVITE", 3, hold));
    std::string ok3 = peer.waitFor("SIP/2.0 200");
    BOOST_TEST(ok3.ends_with("\r\n\r\n" + held));
    BOOST_TEST(events.reinviteSdps[id] == std::vector<std::string>{hold});
    peer.send(c.port, inDialog("ACK", 3, ""));
    // Without SDP: our offer in the 200, the answer in the ACK.
    peer.send(c.port, inDialog("INVITE", 4, ""));
    std::string ok4 = peer.waitFor("SIP/2.0 200");
    BOOST_TEST(ok4.ends_with("\r\n\r\n" + kAnswer));
    peer.send(c.port, inDialog("ACK", 4, kSdp));
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return events.has("reinvite-ack " + std::to_string(id)); }));
    BOOST_TEST(events.reinviteAckSdps[id] == std::vector<std::string>{kSdp});
    // The same session again is a refresh once more, answered with what we sent last.
    peer.send(c.port, inDialog("INVITE", 5, kSdp));
    BOOST_TEST(peer.waitFor("SIP/2.0 200").ends_with("\r\n\r\n" + kAnswer));
    peer.send(c.port, inDialog("ACK", 5, ""));
    BOOST_TEST(events.reinviteSdps[id].size() == 2u);

    port->setReason(id, 16, "normal call clearing");
    port->bye(id);
    std::string bye = peer.waitFor("BYE ");
    BOOST_TEST(header(bye, "Reason") == "Q.850;cause=16;text=\"normal call clearing\"");
    peer.send(c.port, rawResponse(bye, "200 OK", ""));
    BOOST_TEST(runUntil(loop, [&] { return events.terminated[id] == 1; }));
    BOOST_TEST(events.terminatedStatus[id] == 200);
}

BOOST_AUTO_TEST_CASE(stack_answers_malformed_and_options_itself) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    RawPeer peer(loop);
    std::string bad = peer.request("INVITE", c.port, "", "", "bad1");
    bad.replace(bad.find("CSeq: 1 INVITE"), 14, "CSeq: x INVITE");
    peer.send(c.port, bad);
    BOOST_TEST(!peer.waitFor("SIP/2.0 400").empty());
    peer.send(c.port, peer.request("OPTIONS", c.port, "", "", "opt1"));
    std::string ok = peer.waitFor("SIP/2.0 200");
    BOOST_TEST(header(ok, "Allow").find("INVITE") != std::string::npos);
    peer.send(c.port, peer.request("MESSAGE", c.port, "", "", "msg1"));
    BOOST_TEST(!peer.waitFor("SIP/2.0 405").empty());
    peer.send(c.port, peer.request("INVITE", c.port, "Require: 100rel\r\n", "", "req1"));
    std::string refused = peer.waitFor("SIP/2.0 420");                 // RFC 3261 §8.2.2.3
    BOOST_TEST(header(refused, "Unsupported") == "100rel");
    runUntil(loop, [] { return false; }, 20ms);
    BOOST_TEST(events.log.empty());
    BOOST_TEST(port->dialogCount() == 0u);
}

BOOST_AUTO_TEST_CASE(outgoing_headers_and_cancel_reason_on_the_wire) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    RawPeer peer(loop);
    OutgoingInvite inv;
    inv.requestUri = "sip:5552000@127.0.0.1:" + std::to_string(peer.port);
    inv.fromUser = "1000#";
    inv.fromDisplay = "PBX";
    inv.toUser = "5552000";
    inv.sdp = kSdp;
    SipDialogId id = port->invite(inv);
    std::string req = peer.waitFor("INVITE ");
    BOOST_TEST_REQUIRE(!req.empty());
    BOOST_TEST(req.starts_with("INVITE " + inv.requestUri + " SIP/2.0\r\n"));
    BOOST_TEST(header(req, "From").starts_with("\"PBX\" <sip:1000%23@127.0.0.1>;tag="));
    BOOST_TEST(header(req, "To") == "<" + inv.requestUri + ">");
    BOOST_TEST(header(req, "Content-Type") == "application/sdp");
    BOOST_TEST(header(req, "User-Agent") == "gatewayd");
    BOOST_TEST(req.ends_with("\r\n\r\n" + kSdp));
    peer.send(c.port, rawResponse(req, "180 Ringing", ";tag=raw2"));
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return events.gotStatus(id, 180); }));
    port->setReason(id, 16, "normal call clearing");
    port->cancel(id);
    std::string cancel = peer.waitFor("CANCEL ");
    BOOST_TEST(header(cancel, "Reason") == "Q.850;cause=16;text=\"normal call clearing\"");
    peer.send(c.port, rawResponse(cancel, "200 OK", ";tag=raw2"));
    peer.send(c.port, rawResponse(req, "487 Request Terminated", ";tag=raw2"));
    BOOST_TEST(runUntil(loop, [&] { return events.terminated[id] == 1; }));
    BOOST_TEST(events.terminatedStatus[id] == 487);
    BOOST_TEST(!peer.waitFor("ACK ").empty());               // nta ACKs the 487
}

BOOST_AUTO_TEST_CASE(sipp_uac_call) {
    SofiaLoop loop;
    Recorder events;
    SofiaSipPortConfig c;
    c.port = freePort();
    std::string error;
    auto port = SofiaSipPort::create(loop, events, c, error);
    BOOST_TEST_REQUIRE(port.get() != nullptr, error);
    events.onInviteDo = [&](SipDialogId id) {
        port->respond(id, 180, "", "");
        port->respond(id, 200, "", kAnswer);
    };
    std::string target = "127.0.0.1:" + std::to_string(c.port);
    std::string sippPort = std::to_string(freePort());
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        int devNull = ::open("/dev/null", O_WRONLY);
        ::dup2(devNull, STDOUT_FILENO);
        ::dup2(devNull, STDERR_FILENO);
        ::execlp("sipp", "sipp", "-sn", "uac", target.c_str(), "-i", "127.0.0.1", "-p",
                 sippPort.c_str(), "-m", "1", "-l", "1", "-d", "100", "-timeout", "5s",
                 "-timeout_error", "-nostdin", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = -1;
    bool exited = runUntil(loop, [&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 8s);
    BOOST_TEST_REQUIRE(exited);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0, "sipp exit status " << WEXITSTATUS(status));
    BOOST_TEST_REQUIRE(runUntil(loop, [&] { return !events.terminated.empty(); }));
    SipDialogId id = events.invites.begin()->first;
    BOOST_TEST(events.has("ack " + std::to_string(id)));
    BOOST_TEST(events.has("bye " + std::to_string(id)));
    BOOST_TEST(events.terminated[id] == 1);
}

BOOST_AUTO_TEST_SUITE_END()
