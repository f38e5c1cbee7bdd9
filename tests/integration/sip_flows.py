"""Integration tests of the SIP call flows of the phone guides (Cisco SIP IP
phone administrator guide, Appendix B): each flow with pbxsim on the PRI
side and SIPp on the SIP side, asserting the message order on both sides
and the causes and status codes. Registered into run.py's test list."""
import re

from gwtest import (POTS, Pbx, Sipp, check, free_port, idle_channels, ladder, messages, sip_final_response,
                    sip_ladder, test, voip_peer, wait_for, with_gateway)

PBX_CALLS_PHONE = POTS + "dial-peer voice 100 voip\n destination-pattern 5552...\n session target ipv4:127.0.0.1:%d\n"


def first(trace, what, direction):
    """Headers of the first message `what` (method or status) in SIPp's trace."""
    for d, w, headers in sip_ladder(trace):
        if d == direction and w == what:
            return headers
    raise AssertionError("no %s %s in the trace" % (direction, what))


def cseq_number(headers):
    return headers["cseq"].split()[0]


def without_tag(value):
    return value.split(";tag=")[0]


def all_idle(gw):
    wait_for(lambda: idle_channels(gw) == (30, 30), 5, "every B-channel idle (now %s)" % (idle_channels(gw),))


@test
def busy_both_ways_is_486_and_cause_17():
    """Cisco B-16. PBX -> phone: SETUP, INVITE, CALL PROCEEDING, 486 Busy
    Here -> ACK and DISCONNECT cause 17, RELEASE, RELEASE COMPLETE. Phone ->
    PBX: DISCONNECT cause 17 -> 486 with Reason: Q.850;cause=17."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_reject.xml", port, {"status": 486, "reason": "Busy Here"}, trace=True)
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--expect", "busy"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim did not see busy:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp:\n" + phone.errors())
        call = pbx.calls()[0]
        check(messages(call) == ["tx SETUP", "rx CALL PROCEEDING", "rx DISCONNECT", "tx RELEASE", "rx RELEASE COMPLETE"]
              and call["cause"] == 17, "PBX side: %s cause %s" % (messages(call), call["cause"]))
        check(ladder(phone.messages()) == ["rx INVITE", "tx 486", "rx ACK"], "SIP side: %s" % ladder(phone.messages()))

        pbx = Pbx(gw, ["answer", "--count", "1", "--reject", "17"])
        procs.append(pbx)
        gw.wait_dchannel()
        caller = Sipp(gw, "uac_refused.xml", free_port(), {"service": "5551234", "status": 486}, uac=True, trace=True)
        procs.append(caller)
        check(caller.wait(15) == 0, "SIPp caller:\n" + caller.errors())
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
        check(ladder(caller.messages()) == ["tx INVITE", "rx 100", "rx 486", "tx ACK"],
              "SIP side: %s" % ladder(caller.messages()))
        reason = first(caller.messages(), "486", "rx").get("reason", "")
        check(reason == 'Q.850;cause=17;text="user busy"', "Reason of the 486: %r" % reason)
        check(messages(pbx.calls()[0]) == ["rx SETUP", "tx CALL PROCEEDING", "tx DISCONNECT", "rx RELEASE",
                                           "tx RELEASE COMPLETE"], "PBX side: %s" % messages(pbx.calls()[0]))
        all_idle(gw)
    port = free_port()
    with_gateway(PBX_CALLS_PHONE % port, body)


def check_cancel_of(trace, cause):
    """The gateway's CANCEL matches its INVITE (RFC 3261 9.1: same Call-ID,
    From, To and CSeq number) and carries Reason: Q.850;cause=N."""
    invite, cancel = first(trace, "INVITE", "rx"), first(trace, "CANCEL", "rx")
    for h in ("call-id", "from", "to"):
        check(cancel[h] == invite[h], "CANCEL %s %r, INVITE %r" % (h, cancel[h], invite[h]))
    check(cseq_number(cancel) == cseq_number(invite) and cancel["cseq"].endswith("CANCEL"),
          "CANCEL CSeq %r, INVITE %r" % (cancel["cseq"], invite["cseq"]))
    check(cancel.get("reason", "").startswith("Q.850;cause=%d;" % cause), "CANCEL Reason %r" % cancel.get("reason"))
    return invite


NO_ANSWER_LADDER = ["rx INVITE", "tx 180", "rx CANCEL", "tx 200", "tx 487", "rx ACK"]


@test
def no_answer_the_pbx_caller_hangs_up_and_the_gateway_cancels():
    """Cisco B-15: the phone rings (180 -> ALERTING); the PBX caller hangs
    up: CANCEL with the INVITE's Call-ID, From, To and CSeq number, the 200
    and the 487 handled, the 487 ACKed; the PBX's clearing completes."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_no_answer.xml", port, trace=True)
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--hangup-while-ringing", "1", "--expect", "cause=16"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp:\n" + phone.errors())
        check(ladder(phone.messages()) == NO_ANSWER_LADDER, "SIP side: %s" % ladder(phone.messages()))
        check_cancel_of(phone.messages(), 16)
        check(messages(pbx.calls()[0]) == ["tx SETUP", "rx CALL PROCEEDING", "rx ALERTING", "tx DISCONNECT",
                                           "rx RELEASE", "tx RELEASE COMPLETE"],
              "PBX side: %s" % messages(pbx.calls()[0]))
        all_idle(gw)
    port = free_port()
    with_gateway(PBX_CALLS_PHONE % port, body)


@test
def no_answer_timer_cancels_and_disconnects_with_cause_19():
    """sip-ua timers expires 2000: the INVITE says Expires: 2; unanswered
    after 2 s the gateway CANCELs it (Reason cause 19) and sends DISCONNECT
    cause 19 (no answer from user) to the PBX."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_no_answer.xml", port, trace=True)
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--expect", "cause=19"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp:\n" + phone.errors())
        check(ladder(phone.messages()) == NO_ANSWER_LADDER, "SIP side: %s" % ladder(phone.messages()))
        invite = check_cancel_of(phone.messages(), 19)
        check(invite.get("expires") == "2", "INVITE Expires %r" % invite.get("expires"))
        call = pbx.calls()[0]
        check(messages(call) == ["tx SETUP", "rx CALL PROCEEDING", "rx ALERTING", "rx DISCONNECT", "tx RELEASE",
                                 "rx RELEASE COMPLETE"], "PBX side: %s" % messages(call))
        at = {m["msg"]: m["t"] for m in call["messages"]}
        check(1.9 <= at["DISCONNECT"] - at["SETUP"] <= 3.5,
              "DISCONNECT %.2f s after SETUP, want about 2" % (at["DISCONNECT"] - at["SETUP"]))
        all_idle(gw)
    port = free_port()
    with_gateway(PBX_CALLS_PHONE % port, body, extra_cfg="sip-ua\n timers expires 2000\n")


@test
def phone_cancels_a_ringing_call_to_the_pbx():
    """Cisco B-15 from the phone side: CANCEL of an INVITE toward the PBX ->
    200 to the CANCEL, 487 to the INVITE (ACKed), DISCONNECT to the PBX."""
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "1", "--ring", "10"])
        procs.append(pbx)
        gw.wait_dchannel()
        phone = Sipp(gw, "uac_cancel.xml", free_port(), {"service": "5551234", "ring_ms": 500}, uac=True,
                     trace=True)
        procs.append(phone)
        check(phone.wait(15) == 0, "SIPp:\n" + phone.errors())
        check(ladder(phone.messages()) == ["tx INVITE", "rx 100", "rx 180", "tx CANCEL", "rx 200", "rx 487", "tx ACK"],
              "SIP side: %s" % ladder(phone.messages()))
        pbx.wait(10)   # the call was not answered: not what `answer` expects, but over
        call = pbx.calls()[0]
        check(messages(call) == ["rx SETUP", "tx CALL PROCEEDING", "tx ALERTING", "rx DISCONNECT", "tx RELEASE",
                                 "rx RELEASE COMPLETE"] and call["cause"] == 16,
              "PBX side: %s cause %s" % (messages(call), call["cause"]))
        all_idle(gw)
    with_gateway(POTS, body)


@test
def pbx_causes_reach_the_phone_as_rfc3398_status_with_reason():
    """RFC 3398 7.2.4.1 toward the phone, each with Reason: Q.850: 17 -> 486,
    34 -> 503 with Retry-After, 1 -> 404, 21 -> 603; `set pstn-cause 27
    sip-status 404` replaces the table's 502."""
    def body(gw, procs):
        for cause, status in ((17, 486), (34, 503), (1, 404), (21, 603), (27, 404)):
            pbx = Pbx(gw, ["answer", "--count", "1", "--reject", str(cause)])
            procs.append(pbx)
            gw.wait_dchannel()
            caller = Sipp(gw, "uac_refused.xml", free_port(), {"service": "5551234", "status": status}, uac=True,
                          trace=True)
            procs.append(caller)
            check(caller.wait(15) == 0, "cause %d: SIPp caller:\n%s" % (cause, caller.errors()))
            check(pbx.wait(10) == 0, "cause %d: pbxsim:\n%s" % (cause, pbx.err()))
            rsp = first(caller.messages(), str(status), "rx")
            check(rsp.get("reason", "").startswith("Q.850;cause=%d;text=" % cause),
                  "cause %d: Reason of the %d: %r" % (cause, status, rsp.get("reason")))
            if status == 503:
                check(rsp.get("retry-after", "").isdigit(), "503 without Retry-After: %s" % rsp)
        all_idle(gw)
    with_gateway(POTS, body, extra_cfg="sip-ua\n set pstn-cause 27 sip-status 404\n")


@test
def phone_failures_reach_the_pbx_as_rfc3398_causes():
    """RFC 3398 8.2.6.1 toward the PBX: 600 -> cause 17; a Reason: Q.850
    header in the response wins over the table (503 with cause 38 -> 38)
    and a Reason of another protocol does not; `set sip-status 480
    pstn-cause 19` replaces the table's 18. A 6xx ends the hunt: dial-peer
    201, next in line, would answer, yet the PBX gets cause 17."""
    def body(gw, procs):
        for status, reason, cause in ((600, "SIP;cause=600", 17), (503, "Q.850;cause=38", 38),
                                      (480, "SIP;cause=480", 19)):
            phone = Sipp(gw, "uas_reject_reason.xml", port,
                         {"status": status, "reason": "Refused", "reason_header": reason})
            procs.append(phone)
            pbx = Pbx(gw, ["call", "--to", "5553000", "--expect", "cause=%d" % cause])
            procs.append(pbx)
            check(pbx.wait() == 0, "%d: pbxsim:\n%s" % (status, pbx.err()))
            check(phone.wait() == 0, "%d: SIPp:\n%s" % (status, phone.errors()))
        first_choice = Sipp(gw, "uas_reject_reason.xml", port_a,
                            {"status": 604, "reason": "Does Not Exist Anywhere", "reason_header": "SIP;cause=604"})
        second_choice = Sipp(gw, "uas_answer.xml", port_b, {"codec": 8, "ring_ms": 0}, trace=True)
        procs += [first_choice, second_choice]
        pbx = Pbx(gw, ["call", "--to", "5554000", "--expect", "cause=1"])
        procs.append(pbx)
        check(pbx.wait() == 0, "604: pbxsim:\n%s" % pbx.err())
        check(first_choice.wait() == 0, "604: SIPp:\n%s" % first_choice.errors())
        check(second_choice.messages() == "", "dial-peer 201 was tried after a 604")
        all_idle(gw)
    port, port_a, port_b = free_port(), free_port(), free_port()
    peers = (POTS + voip_peer(100, "5553...", port) + voip_peer(200, "5554...", port_a) + " preference 1\n" +
             voip_peer(201, "5554...", port_b) + " preference 2\n")
    with_gateway(peers, body, extra_cfg="sip-ua\n set sip-status 480 pstn-cause 19\n")


def header(response, name):
    m = re.search(r"^%s:[ \t]*(.*?)\r?$" % name, response, re.M | re.I)
    return m.group(1) if m else None


@test
def options_says_what_is_supported_and_503_while_no_dchannel():
    """OPTIONS is answered as an INVITE would be (RFC 3261 11.2): 503 with
    Retry-After while no span has its D-channel, 200 with Allow, Accept and
    Supported once one has; an unknown method gets 501 with Allow."""
    def body(gw, procs):
        down = sip_final_response(gw, "127.0.0.1", "OPTIONS", "gw", sdp=False)
        check(down.startswith("SIP/2.0 503 ") and header(down, "Retry-After") == "30",
              "OPTIONS without a D-channel:\n" + down)
        pbx = Pbx(gw, ["answer", "--count", "0"])
        procs.append(pbx)
        gw.wait_dchannel()
        up = sip_final_response(gw, "127.0.0.1", "OPTIONS", "gw", sdp=False)
        check(up.startswith("SIP/2.0 200 "), "OPTIONS with the D-channel up:\n" + up)
        allow = {m.strip() for m in (header(up, "Allow") or "").split(",")}
        check({"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"} <= allow, "Allow: %s" % sorted(allow))
        check(header(up, "Accept") == "application/sdp", "Accept: %s" % header(up, "Accept"))
        check(header(up, "Supported") is not None, "no Supported header:\n" + up)
        unknown = sip_final_response(gw, "127.0.0.1", "FROBNICATE", "gw", sdp=False)
        check(unknown.startswith("SIP/2.0 501 ") and header(unknown, "Allow") == header(up, "Allow"),
              "unknown method:\n" + unknown)
    with_gateway(POTS, body)
