"""Integration tests of digest authentication with the gateway as the client:
the two-proxy flow (RFC 3665 §3.2 style: the first proxy challenges the
INVITE with 407), refused credentials, a challenged BYE, and the gateway's
numbers registered with a registrar. Kamailio is the proxy and registrar,
SIPp the phone, pbxsim the PBX. Registered into run.py's test list."""
import re
import shutil
import tempfile

from gwtest import POTS, Pbx, Sipp, check, free_port, ladder, messages, sip_ladder, test, wait_for, with_gateway
from kamailio_proc import kamailio_log, registered_contacts, start_kamailio, stop_kamailio
from sip_flows import all_idle, first

CREDENTIALS = "sip-ua\n credentials username alice password %s realm test.example\n"
PBX_CALLS_VIA_PROXY = POTS + "dial-peer voice 100 voip\n destination-pattern 5552...\n session target ipv4:127.0.0.1:%d\n"


def proxy(gw, procs, port, next_port, auth):
    defines = {"LISTEN": "udp:127.0.0.1:%d" % port, "NEXT_HOP": "sip:127.0.0.1:%d" % next_port}
    if auth:
        defines.update({"AUTH_REALM": "test.example", "AUTH_USER": "alice", "AUTH_PASSWORD": "secret"})
    k = start_kamailio("proxy.cfg", gw.dir, defines)
    procs.append(KamailioProc(k))
    return k


class KamailioProc:
    """Lets with_gateway stop kamailio with the other processes."""

    def __init__(self, proc):
        self.proc = proc

    def stop(self):
        stop_kamailio(self.proc)


def auth_lines(k, call_id):
    """The first proxy's AUTH lines for one call: 'challenge' or 'ok'."""
    out = []
    for line in kamailio_log(k).splitlines():
        m = re.search(r"AUTH (challenge|ok) INVITE call-id (\S+)", line)
        if m and m.group(2) == call_id:
            out.append(m.group(1))
    return out


def requests_at(k, call_id):
    """The requests of one call as the proxy received them: 'INVITE 17'."""
    out = []
    for line in kamailio_log(k).splitlines():
        m = re.search(r"REQ (\S+) \S+ from \S+ call-id (\S+) cseq (\d+)", line)
        if m and m.group(2) == call_id:
            out.append("%s %s" % (m.group(1), m.group(3)))
    return out


@test
def invite_challenged_by_the_first_of_two_proxies_is_authenticated():
    """Gateway -> proxy 1 (407, realm test.example) -> proxy 2 -> phone. The
    gateway ACKs the 407 and sends the INVITE again with Proxy-Authorization
    (same Call-ID, CSeq + 1); both proxies record-route, the phone answers
    and the PBX caller is connected; the gateway's BYE goes through both."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_answer_rr.xml", phone_port, {"codec": 8, "ring_ms": 0}, trace=True)
        procs.append(phone)
        p2 = proxy(gw, procs, p2_port, phone_port, auth=False)
        p1 = proxy(gw, procs, p1_port, p2_port, auth=True)
        check(gw.gwctl("debug ccsip messages")[0] == 0, "debug ccsip messages")
        pbx = Pbx(gw, ["call", "--to", "5552000", "--talk", "0.3"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp:\n" + phone.errors())
        call = pbx.calls()[0]
        check(call["result"] == "answer" and call["cause"] == 16, "PBX side: %s" % call)
        invite = first(phone.messages(), "INVITE", "rx")
        n = int(invite["cseq"].split()[0])
        seen = requests_at(p1, invite["call-id"])
        check(seen[:2] == ["INVITE %d" % (n - 1), "INVITE %d" % n],
              "at proxy 1: INVITE, then INVITE with CSeq + 1 (the phone got %d): %s" % (n, seen))
        # The ACK of the 407 is hop by hop: proxy 1 absorbs it before its
        # script runs, so it is checked in the gateway's own trace.
        check(re.search(r"ACK sip:5552000@127\.0\.0\.1:%d SIP/2\.0.*?CSeq: %d ACK" % (p1_port, n - 1), gw.text(), re.S),
              "the gateway ACKed the 407 (CSeq %d)" % (n - 1))
        check("proxy-authorization" not in invite, "proxy 1 consumes the credentials")
        rr = [line for line in phone.messages().split("\n") if line.lower().startswith("record-route:")]
        check(len(rr) >= 2 and "127.0.0.1:%d" % p2_port in rr[0] and "127.0.0.1:%d" % p1_port in rr[1],
              "Record-Route of both proxies at the phone: %s" % rr)
        check(ladder(phone.messages()) == ["rx INVITE", "tx 100", "tx 180", "tx 200", "rx ACK", "rx BYE", "tx 200"],
              "phone: %s" % ladder(phone.messages()))
        check(auth_lines(p1, invite["call-id"]) == ["challenge", "ok"],
              "proxy 1 challenged once, then accepted: %s" % auth_lines(p1, invite["call-id"]))
        via = [line for line in phone.messages().split("\n") if line.lower().startswith("via:")]
        check(len(via) >= 3, "the INVITE came through two proxies (Via: %s)" % via)
        all_idle(gw)
    phone_port, p1_port, p2_port = free_port(), free_port(), free_port()
    with_gateway(PBX_CALLS_VIA_PROXY % p1_port, body, extra_cfg=CREDENTIALS % "secret")


@test
def refused_credentials_end_the_call_with_cause_21():
    """Wrong password: proxy 1 challenges the INVITE sent with credentials
    again; the gateway does not try a third time and the PBX gets DISCONNECT
    cause 21 (RFC 3398 §8.2.6.1: 401/407 -> 21). A realm the gateway has no
    credentials for fails the same way after one INVITE."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_answer_rr.xml", phone_port, {"codec": 8, "ring_ms": 0}, trace=True)
        procs.append(phone)
        p1 = proxy(gw, procs, p1_port, phone_port, auth=True)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--expect", "cause=21"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim:\n" + pbx.err())
        call = pbx.calls()[0]
        check(call["cause"] == 21, "cause %s, want 21 (call rejected)" % call["cause"])
        check(messages(call)[:2] == ["tx SETUP", "rx CALL PROCEEDING"] and "rx DISCONNECT" in messages(call),
              "PBX side: %s" % messages(call))
        challenges = [line for line in kamailio_log(p1).splitlines() if "AUTH challenge INVITE" in line]
        check(len(challenges) == 2, "two INVITEs challenged, no third: %s" % challenges)
        check("AUTH ok" not in kamailio_log(p1), "proxy 1 never accepted the wrong password")
        check("credentials of realm \"test.example\" were refused" in gw.text(), "no log line for the refusal")
        all_idle(gw)
    phone_port, p1_port = free_port(), free_port()
    with_gateway(PBX_CALLS_VIA_PROXY % p1_port, body, extra_cfg=CREDENTIALS % "wrong")


@test
def challenge_for_an_unknown_realm_fails_at_once():
    def body(gw, procs):
        p1 = proxy(gw, procs, p1_port, free_port(), auth=True)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--expect", "cause=21"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim:\n" + pbx.err())
        check(pbx.calls()[0]["cause"] == 21, "cause %s, want 21" % pbx.calls()[0]["cause"])
        challenges = [line for line in kamailio_log(p1).splitlines() if "AUTH challenge INVITE" in line]
        check(len(challenges) == 1, "one INVITE, challenged: %s" % challenges)
        check("realm \"test.example\", which has no sip-ua credentials" in gw.text(), "no log line for the realm")
        all_idle(gw)
    p1_port = free_port()
    with_gateway(PBX_CALLS_VIA_PROXY % p1_port, body,
                 extra_cfg="sip-ua\n credentials username alice password secret realm other.example\n")


@test
def bye_challenged_by_the_phone_is_sent_again_with_credentials():
    """The PBX hangs up; the phone answers the gateway's BYE with 401 (realm
    phone.example). The gateway sends the BYE again (CSeq + 1) with an
    Authorization header that SIPp verifies (200 only if the digest is
    right)."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_auth_bye.xml", port, {"codec": 8, "ring_ms": 0, "realm": "phone.example",
                                                      "user": "gw1", "password": "byebye"}, trace=True)
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--talk", "0.3"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp:\n" + phone.errors())
        steps = ladder(phone.messages())
        check(steps[-4:] == ["rx BYE", "tx 401", "rx BYE", "tx 200"],
              "the second BYE must carry a valid digest: %s" % steps)
        byes = [h for d, w, h in sip_ladder(phone.messages()) if d == "rx" and w == "BYE"]
        check(int(byes[1]["cseq"].split()[0]) == int(byes[0]["cseq"].split()[0]) + 1, "CSeq + 1: %s" % byes)
        check('username="gw1"' in byes[1].get("authorization", ""), "Authorization: %r" % byes[1].get("authorization"))
        all_idle(gw)
    port = free_port()
    with_gateway(PBX_CALLS_VIA_PROXY % port, body,
                 extra_cfg="sip-ua\n credentials username gw1 password byebye realm phone.example\n")


@test
def the_gateways_numbers_register_and_calls_come_back_through_the_registrar():
    """sip-ua registrar: the POTS dial-peer's complete number (5551000) is
    registered with Kamailio's registrar after its 401 challenge; `show
    sip-ua register status` says so; an INVITE to 5551000 sent to the
    registrar reaches the PBX through the gateway; a stopped gateway
    unregisters."""
    def body(gw, procs):
        wait_for(lambda: registered_contacts(reg, "5551000"), 10, "5551000 registered at the registrar")
        contacts = registered_contacts(reg, "5551000")
        check(contacts == ["sip:5551000@127.0.0.1:%d" % gw.sip_port], "contact: %s" % contacts)
        rc, out, err = gw.gwctl("show sip-ua register status")
        check(rc == 0 and re.search(r"5551000\s+11\s+120\s+yes\s+200 OK", out), "show sip-ua register status:\n" + out + err)
        check("5551..." not in out, "only complete numbers are registered:\n" + out)
        pbx = Pbx(gw, ["answer", "--count", "1", "--talk", "0.3"])
        procs.append(pbx)
        caller = Sipp(gw, "uac_via_proxy.xml", free_port(), {"service": "5551000"}, uac=True, trace=True,
                      extra=["-rsa", "127.0.0.1:%d" % reg_port])
        procs.append(caller)
        check(caller.wait() == 0, "SIPp caller:\n" + caller.errors())
        check(pbx.wait() == 0, "pbxsim:\n" + pbx.err())
        check(pbx.calls()[0]["called"] == "5551000", "PBX got %s" % pbx.calls()[0])
        check(re.search(r"REGISTERED aor=5551000 contacts=1", kamailio_log(reg)), "registrar log")
        gw.stop()
        check(registered_contacts(reg, "5551000") == [], "a stopped gateway unregisters its numbers")
    reg_port = free_port()
    peers = ("dial-peer voice 11 pots\n destination-pattern 5551000\n no digit-strip\n port 0\n" + POTS +
             "sip-ua\n registrar ipv4:127.0.0.1:%d expires 120\n"
             " credentials username gw password secret realm test.example\n" % reg_port)
    workdir = tempfile.mkdtemp(prefix="gwtest-registrar-")
    reg = start_kamailio("registrar.cfg", workdir, {"LISTEN": "udp:127.0.0.1:%d" % reg_port,
                                                      "AUTH_REALM": "test.example", "AUTH_USER": "gw",
                                                      "AUTH_PASSWORD": "secret"})
    try:
        with_gateway(peers, body)
    finally:
        stop_kamailio(reg)
        shutil.rmtree(workdir, ignore_errors=True)
