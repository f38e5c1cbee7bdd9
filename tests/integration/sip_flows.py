"""Integration tests of the SIP call flows of the phone guides (Cisco SIP IP
phone administrator guide, Appendix B): each flow with pbxsim on the PRI
side and SIPp on the SIP side, asserting the message order on both sides
and the causes and status codes. Registered into run.py's test list."""
import array
import math
import re
import socket
import threading
import time
import warnings

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


class RtpSink:
    """Receives RTP on a UDP port of 127.0.0.1 in a thread; keeps each
    packet's arrival time (time.time()) and payload."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", free_port(even=True)))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)
        self.packets = []
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                data = self.sock.recv(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            self.packets.append((time.time(), data[12:]))

    def between(self, start, end):
        return [p for t, p in self.packets if start <= t < end]

    def stop(self):
        self.running = False
        self.thread.join()
        self.sock.close()


def tone_of(payloads):
    """(frequency Hz, level dBm0) of A-law payloads: zero crossings and RMS
    (a full-scale A-law sine is +3.14 dBm0, G.711 Table 1a)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop
        pcm = audioop.alaw2lin(b"".join(payloads), 2)
        samples = array.array("h", pcm)
        rms = audioop.rms(pcm, 2)
    crossings = sum(1 for a, b in zip(samples, samples[1:]) if (a < 0) != (b < 0))
    freq = crossings / 2 / (len(samples) / 8000.0)
    level = 20 * math.log10(max(rms, 1) * math.sqrt(2) / 32768.0) + 3.14
    return freq, level


def trace_times(trace):
    """The wall-clock time of each message in SIPp's trace, in order."""
    stamps = re.findall(r"^-{20,}\s+(\d{4}-\d\d-\d\d)\s+(\d\d:\d\d:\d\d)\.(\d+)", trace, re.M)
    return [time.mktime(time.strptime(d + " " + t, "%Y-%m-%d %H:%M:%S")) + float("0." + f) for d, t, f in stamps]


@test
def hold_and_resume_in_every_form_keep_the_isdn_call_up():
    """Cisco B-2 to B-5 from the gateway's side, on one call from a phone to
    the PBX (which plays 1000 Hz at -10 dBm0): re-INVITEs with a=sendonly,
    a=inactive and c=0.0.0.0 are answered recvonly / inactive / recvonly and
    stop the RTP toward the phone; a resume moving the RTP to another port
    restores it there; a re-INVITE without SDP gets our offer in the 200 and
    the ACK's answer moves the RTP back. The ISDN call stays up throughout
    and ends with the phone's BYE."""
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "1", "--ring", "0", "--tone", "1000", "--level", "-10"])
        procs.append(pbx)
        gw.wait_dchannel()
        a, b = RtpSink(), RtpSink()
        try:
            phone = Sipp(gw, "uac_hold.xml", free_port(), {"service": "5551234", "rtp_a": a.port, "rtp_b": b.port,
                                                             "ms": 1200}, uac=True, trace=True)
            procs.append(phone)
            check(phone.wait(30) == 0, "SIPp:\n" + phone.errors())
            check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
        finally:
            a.stop()
            b.stop()
        trace = phone.messages()
        steps = [(d, w, h) for d, w, h in sip_ladder(trace) if not (w.isdigit() and int(w) < 200)]
        check(["%s %s" % (d, w) for d, w, _ in steps] ==
              ["tx INVITE", "rx 200", "tx ACK"] * 6 + ["tx BYE", "rx 200"],
              "SIP side: %s" % ladder(trace))
        oks = [m.group(0) for m in re.finditer(r"SIP/2\.0 200 OK.*?(?=\n-{20,}|\Z)", trace, re.S)
               if "INVITE" in m.group(0).split("CSeq:")[1].split("\n")[0]]
        check(len(oks) == 6, "six 200s to INVITEs, got %d" % len(oks))
        for ok, want in zip(oks[1:5], ("a=recvonly", "a=inactive", "a=recvonly", "a=sendrecv")):
            check(want in ok, "a 200 to a re-INVITE should say %s:\n%s" % (want, ok))
        check(re.search(r"m=audio \d+ RTP/AVP 8 0 101", oks[5]), "the 200 to the offerless re-INVITE should be a "
              "full offer:\n" + oks[5])
        # Phases between the 200s (by SIPp's clock), trimmed of 200 ms at each end.
        times = trace_times(trace)
        oks_at = [times[i] for i, (d, w, h) in enumerate(sip_ladder(trace))
                  if d == "rx" and w == "200" and h["cseq"].endswith("INVITE")]
        acks_at = [times[i] for i, (d, w, h) in enumerate(sip_ladder(trace)) if d == "tx" and w == "ACK"]
        bye_at = [times[i] for i, (d, w, h) in enumerate(sip_ladder(trace)) if d == "tx" and w == "BYE"][0]
        trim = 0.2
        talking = a.between(oks_at[0] + trim, oks_at[1] - trim)
        held = a.between(oks_at[1] + trim, oks_at[4] - trim) + b.between(oks_at[1] + trim, oks_at[4] - trim)
        moved = b.between(oks_at[4] + trim, acks_at[5] - trim)
        back = a.between(acks_at[5] + trim, bye_at - trim)
        check(len(talking) >= 30 and len(moved) >= 30 and len(back) >= 30,
              "RTP toward the phone: %d packets before hold, %d on the new port, %d back on the first"
              % (len(talking), len(moved), len(back)))
        check(held == [], "%d RTP packets reached the phone while it held the call" % len(held))
        check(a.between(oks_at[4] + trim, acks_at[5] - trim) == [], "RTP still went to the old port after the move")
        for what, packets in (("before hold", talking), ("after the move", moved), ("back", back)):
            freq, level = tone_of(packets)
            check(abs(freq - 1000) <= 10 and abs(level + 10) <= 1.0,
                  "%s the phone heard %.0f Hz at %.1f dBm0, want 1000 Hz at -10" % (what, freq, level))
        call = pbx.calls()[0]
        check(messages(call) == ["rx SETUP", "tx CALL PROCEEDING", "tx ALERTING", "tx CONNECT",
                                 "rx CONNECT ACKNOWLEDGE", "rx DISCONNECT", "tx RELEASE", "rx RELEASE COMPLETE"]
              and call["cause"] == 16, "PBX side: %s cause %s" % (messages(call), call["cause"]))
        all_idle(gw)
    with_gateway(POTS, body)


@test
def redirect_302_is_followed_by_the_gateway():
    """Yealink's 302 flow with the gateway as the calling UA: the phone's 302
    is ACKed, its Contacts are tried in q order (q=1.0 first), each attempt
    on the gateway's own record (`debug voip ccapi`), and the PBX caller is
    connected to the phone the call was redirected to."""
    def body(gw, procs):
        contacts = "<sip:5552777@127.0.0.1:%d>;q=0.5, <sip:5552999@127.0.0.1:%d>;q=1.0" % (port_c, port_b)
        mover = Sipp(gw, "uas_redirect.xml", port_a, {"status": 302, "contact": contacts,
                                                       "diversion": "<sip:5552000@127.0.0.1>;reason=unconditional"},
                     trace=True)
        target = Sipp(gw, "uas_answer.xml", port_b, {"codec": 8, "ring_ms": 0}, trace=True)
        procs += [mover, target]
        pbx = Pbx(gw, ["call", "--to", "5552000", "--talk", "0.5"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim:\n" + pbx.err())
        check(mover.wait() == 0 and target.wait() == 0, "SIPp:\n" + mover.errors() + target.errors())
        check(ladder(mover.messages()) == ["rx INVITE", "tx 302", "rx ACK"], "redirector: %s" % ladder(mover.messages()))
        check(ladder(target.messages())[:1] == ["rx INVITE"], "target: %s" % ladder(target.messages()))
        invite = [m for m in target.messages().split("\n") if m.startswith("INVITE ")][0]
        check(invite.startswith("INVITE sip:5552999@127.0.0.1:%d " % port_b), "new Request-URI: " + invite)
        call = pbx.calls()[0]
        check(call["result"] == "answer" and call["cause"] == 16, "PBX side: %s" % call)
        log = gw.text()
        check("redirected by 302 from dial-peer 100: 2 Contact(s) to try, first sip:5552999" in log,
              "no ccapi line for the redirection")
        all_idle(gw)
    port_a, port_b, port_c = free_port(), free_port(), free_port()
    with_gateway(PBX_CALLS_PHONE % port_a, body, extra_cfg="")


@test
def redirecting_number_from_the_pbx_becomes_diversion_and_history_info():
    """A SETUP with a Redirecting Number IE (5551777, reason 1: call
    forwarding busy) reaches the phone with Diversion (RFC 5806) and
    History-Info (RFC 7044, RFC 4458 cause 486)."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_answer.xml", port, {"codec": 8, "ring_ms": 0}, trace=True)
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--talk", "0.3", "--redirecting", "5551777:1"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp:\n" + phone.errors())
        invite = first(phone.messages(), "INVITE", "rx")
        check(invite.get("diversion") == "<sip:5551777@127.0.0.1>;reason=user-busy;counter=1",
              "Diversion: %r" % invite.get("diversion"))
        history = invite.get("history-info", "")
        check(history.startswith("<sip:5551777@127.0.0.1>;index=1,<sip:5552000@") and "cause=486>;index=1.1" in history,
              "History-Info: %r" % history)
        all_idle(gw)
    port = free_port()
    with_gateway(PBX_CALLS_PHONE % port, body)
