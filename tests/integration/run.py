"""Integration tests: gatewayd as a black box between pbxsim (a real libpri
on the far end of a virtual E1) and SIPp phones on 127.0.0.1.
Usage: run.py [-k SUBSTRING] (run the tests whose name contains SUBSTRING)."""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(__file__))
import rawpri  # noqa: E402
from gwtest import (BIN, POTS, PBX_CALLEE_SEQ, PBX_CALLER_SEQ, TESTS, THEY_CLEAR, WE_CLEAR,  # noqa: E402
                    Failure, Gateway, Pbx, Sipp, check, check_tone, free_port, idle_channels, messages,
                    sip_final_response, sip_final_status, test, voip_peer, wait_for, with_gateway)


@test
def pbx_to_phone_pbx_hangs_up_with_echoed_tone():
    """Cisco 'Gateway-to-SIP IP Phone': Setup -> INVITE ... the PBX clears;
    a 1004 Hz tone at -10 dBm0 goes to the phone and comes back (SIPp echo)."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_answer.xml", port, {"codec": 8, "ring_ms": 200}, extra=["-rtp_echo"])
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--from", "1000", "--tone", "1004", "--level", "-10",
                       "--talk", "2"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim call failed:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp phone scenario failed:\n" + phone.errors())
        call = pbx.calls()[0]
        check(messages(call) == PBX_CALLER_SEQ + WE_CLEAR, "Q.931 sequence: %s" % messages(call))
        check(call["cause"] == 16, "cause %s" % call["cause"])
        check_tone(call, 1004, -10, "PBX->phone->PBX A-law")
    port = free_port()
    with_gateway(POTS + voip_peer(100, "5552...", port, "g711alaw"), body)


@test
def pbx_to_phone_phone_hangs_up_ulaw_transcoded():
    """The phone clears with BYE; PCMU on the SIP side is transcoded from and
    to the E1's A-law without losing more than 1 dB either way."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_hangup.xml", port, {"codec": 0, "talk_ms": 2500}, extra=["-rtp_echo"])
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552001", "--tone", "697", "--level", "-15", "--talk", "10"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim call failed:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp phone scenario failed:\n" + phone.errors())
        call = pbx.calls()[0]
        check(messages(call) == PBX_CALLER_SEQ + THEY_CLEAR, "Q.931 sequence: %s" % messages(call))
        check(call["cause"] == 16, "cause %s" % call["cause"])
        check_tone(call, 697, -15, "PBX->phone->PBX via PCMU")
    port = free_port()
    with_gateway(POTS + voip_peer(100, "5552...", port, "g711ulaw"), body)


@test
def phone_to_pbx_phone_hangs_up_with_tone():
    """'Call from SIP IP Phone to Gateway': INVITE -> Setup ... BYE from the
    phone; the phone's PCMU tone arrives at the PBX at 1004 Hz, -10 dBm0."""
    def body(gw, procs):
        pcap = os.path.join(gw.dir, "tone.pcap")
        subprocess.check_call([sys.executable, os.path.join(os.path.dirname(__file__), "tone_pcap.py"), pcap,
                               "--hz", "1004", "--dbm0", "-10", "--seconds", "3", "--pt", "0"])
        pbx = Pbx(gw, ["answer", "--count", "1"])
        procs.append(pbx)
        gw.wait_dchannel()
        phone = Sipp(gw, "uac_call.xml", free_port(), {"service": "5551000", "pcap": pcap, "talk_ms": 3000},
                     uac=True)
        procs.append(phone)
        check(phone.wait() == 0, "SIPp phone scenario failed:\n" + phone.errors())
        check(pbx.wait() == 0, "pbxsim answer failed:\n" + pbx.err())
        call = pbx.calls()[0]
        check(call["called"] == "5551000", "called %s" % call["called"])
        check(messages(call) == PBX_CALLEE_SEQ + THEY_CLEAR, "Q.931 sequence: %s" % messages(call))
        check_tone(call, 1004, -10, "phone->PBX")
    with_gateway(POTS, body)


@test
def phone_to_pbx_pbx_hangs_up():
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "1", "--talk", "1"])
        procs.append(pbx)
        gw.wait_dchannel()
        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True)
        procs.append(phone)
        check(phone.wait() == 0, "SIPp phone scenario failed:\n" + phone.errors())
        check(pbx.wait() == 0, "pbxsim answer failed:\n" + pbx.err())
        call = pbx.calls()[0]
        check(messages(call) == PBX_CALLEE_SEQ + WE_CLEAR, "Q.931 sequence: %s" % messages(call))
    with_gateway(POTS, body)


@test
def busy_phone_is_cause_17_at_the_pbx():
    def body(gw, procs):
        phone = Sipp(gw, "uas_reject.xml", port, {"status": 486, "reason": "Busy Here"})
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--expect", "busy"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim did not see busy:\n" + pbx.err())
        call = pbx.calls()[0]
        check(call["cause"] == 17, "cause %s" % call["cause"])
    port = free_port()
    with_gateway(POTS + voip_peer(100, "5552...", port), body)


@test
def unrouted_number_is_cause_1():
    def body(gw, procs):
        pbx = Pbx(gw, ["call", "--to", "7777", "--expect", "cause=1"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim did not see cause 1:\n" + pbx.err())
        wait_for(lambda: idle_channels(gw) == (30, 30), 5,
                 "every B-channel idle after the call (now %s)" % (idle_channels(gw),))
    with_gateway(POTS, body)


@test
def fifty_calls_leave_every_channel_idle():
    def body(gw, procs):
        phone = Sipp(gw, "uas_answer.xml", port, {"codec": 8, "ring_ms": 0}, calls=50)
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--count", "50", "--talk", "0.1"])
        procs.append(pbx)
        check(pbx.wait(120) == 0, "pbxsim calls failed:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp phone scenario failed:\n" + phone.errors())
        calls = pbx.calls()
        check(len(calls) == 50, "%d calls reported" % len(calls))
        check(all(c["result"] == "answer" for c in calls), "not every call was answered")
        wait_for(lambda: idle_channels(gw) == (30, 30), 5,
                 "every B-channel idle after 50 calls (now %s)" % (idle_channels(gw),))
    port = free_port()
    with_gateway(POTS + voip_peer(100, "5552...", port), body)


def run_gatewayd(args):
    p = subprocess.run([os.path.join(BIN, "gatewayd")] + args, capture_output=True, text=True, timeout=20)
    return p.returncode, p.stdout + p.stderr


@test
def bad_input_gives_clear_errors():
    import tempfile
    d = tempfile.mkdtemp(prefix="gwbad-")
    rc, out = run_gatewayd(["-c", os.path.join(d, "missing.cfg")])
    check(rc != 0 and "missing.cfg" in out, "missing file: rc=%d %s" % (rc, out))
    bad = os.path.join(d, "bad.cfg")
    with open(bad, "w") as f:
        f.write("hostname gw\ndial-peer voice 10 pots\n destination-pattern 5551...\n prot 0\n")
    rc, out = run_gatewayd(["--check", "-c", bad])
    check(rc != 0 and "bad.cfg:4" in out, "broken line: rc=%d %s" % (rc, out))
    good = os.path.join(d, "good.cfg")
    with open(good, "w") as f:
        f.write("hostname gw\ncontroller e1 0\n pri-group timeslots 1-31\n source virtual %s/nodir/span0\n"
                "sip-ua\n bind 127.0.0.1 %d\n" % (d, free_port()))
    rc, out = run_gatewayd(["-c", good])
    check(rc != 0 and "nodir" in out, "unreachable span path: rc=%d %s" % (rc, out))
    import socket
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    busy = s.getsockname()[1]
    with open(good, "w") as f:
        f.write("hostname gw\ncontroller e1 0\n pri-group timeslots 1-31\n source virtual %s/span0\n"
                "sip-ua\n bind 127.0.0.1 %d\n" % (d, busy))
    rc, out = run_gatewayd(["-c", good])
    s.close()
    check(rc != 0 and str(busy) in out and "Segmentation" not in out, "SIP port in use: rc=%d %s" % (rc, out))


# ---- management CLI (gwctl) ----

def gwctl_ok(gw, *commands):
    rc, out, err = gw.gwctl(*commands)
    check(rc == 0, "gwctl %s: status %d\n%s%s" % (list(commands), rc, out, err))
    return out


def wait_call_active(gw, called, timeout=10):
    wait_for(lambda: re.search(r"^\S+\s+isdn\s+%s\s.*Active" % called,
                               gw.gwctl("show call active voice brief")[1], re.M), timeout,
             "call to %s active in 'show call active voice brief'" % called)


@test
def cli_dial_peer_change_applies_to_new_calls_only():
    """With a call up through dial-peer 100 (SIPp A), gwctl moves 5552...
    to dial-peer 101 (SIPp B) and shuts 100 down: a new call takes 101 while
    the first call continues and both end normally (cause 16)."""
    span1 = None

    def body(gw, procs):
        # A far end on span 1 from the start, swapped for the caller below: a
        # span left without one for more than N200 x T200 (3 s) loses the
        # first SETUP after a far end attaches (layer 2 is re-established
        # under it), which is not what this test is about.
        keeper = Pbx(gw, ["answer", "--count", "0"], span=span1)
        phone_a = Sipp(gw, "uas_answer.xml", port_a, {"codec": 8, "ring_ms": 0})
        phone_b = Sipp(gw, "uas_answer.xml", port_b, {"codec": 8, "ring_ms": 0})
        procs += [keeper, phone_a, phone_b]
        first = Pbx(gw, ["call", "--to", "5552000", "--talk", "6"])
        procs.append(first)
        wait_call_active(gw, "5552000")
        brief = gwctl_ok(gw, "show call active voice brief")
        check(re.search(r"^\S+\s+isdn\s+5552000\s+1000\s+100\s+0:\d+\s+Active", brief, re.M),
              "brief listing:\n" + brief)
        out = gwctl_ok(gw, "conf t", "dial-peer voice 101 voip", "destination-pattern 5552...",
                       "session target ipv4:127.0.0.1:%d" % port_b, "codec g711alaw",
                       "dial-peer voice 100 voip", "shutdown", "end", "show dial-peer voice summary")
        check(re.search(r"^100\s+voip\s+down", out, re.M) and re.search(r"^101\s+voip\s+up\s+up", out, re.M),
              "summary after the change:\n" + out)
        keeper.stop()
        second = Pbx(gw, ["call", "--to", "5552001", "--talk", "1"], span=span1)
        procs.append(second)
        check(second.wait() == 0, "second call failed:\n" + second.err())
        check(phone_b.wait() == 0, "SIPp B failed:\n" + phone_b.errors())
        check(first.proc.poll() is None, "the first call ended before the second")
        check(first.wait() == 0, "first call failed:\n" + first.err())
        check(phone_a.wait() == 0, "SIPp A failed:\n" + phone_a.errors())
        for call in (first.calls()[0], second.calls()[0]):
            check(messages(call) == PBX_CALLER_SEQ + WE_CLEAR, "Q.931 sequence: %s" % messages(call))
            check(call["cause"] == 16, "cause %s" % call["cause"])
        log = gw.text()
        check("INVITE sip:5552000@127.0.0.1:%d via dial-peer 100" % port_a in log, "first call not via 100")
        check("INVITE sip:5552001@127.0.0.1:%d via dial-peer 101" % port_b in log, "second call not via 101")
    port_a, port_b = free_port(), free_port()
    import tempfile
    span_dir = tempfile.mkdtemp(prefix="gwspan1-")
    span1 = os.path.join(span_dir, "span1")
    extra = "controller e1 1\n pri-group timeslots 1-31\n isdn switch-type primary-net5\n source virtual %s\n" % span1
    try:
        with_gateway(POTS + voip_peer(100, "5552...", port_a, "g711alaw"), body, extra_cfg=extra)
    finally:
        shutil.rmtree(span_dir, ignore_errors=True)


@test
def cli_write_memory_survives_a_restart():
    def body(gw, procs):
        gwctl_ok(gw, "configure terminal", "dial-peer voice 7 voip", "preference 2", "destination-pattern 5557...",
                 "session target ipv4:127.0.0.1:5999", "exit", "voice translation-rule 3", "rule 1 /^9/ //", "end")
        before = gwctl_ok(gw, "show running-config")
        out = gwctl_ok(gw, "write memory")
        check("[OK]" in out, "write memory said:\n" + out)
        check(os.path.exists(gw.cfg + ".bak"), "no backup of the previous startup-config")
        gw.restart()
        after = gwctl_ok(gw, "show running-config")
        check(after == before, "running-config after restart differs:\n%s\n---\n%s" % (before, after))
        check(gwctl_ok(gw, "show startup-config").split("\n", 1)[1] == open(gw.cfg).read(),
              "show startup-config is not the file")
    with_gateway(POTS, body)


@test
def cli_hunts_to_the_second_peer_on_503():
    """Dial-peer 100 (preference 1) answers 503, 101 (preference 2) answers:
    the call completes through 101; `debug voip ccapi` shows the hunt in
    the session that asked for it."""
    def body(gw, procs):
        out = gwctl_ok(gw, "show dial-peer match 5552000")
        check(out.index("candidate 1") < out.index("candidate 2") and
              re.search(r"\* dial-peer 100 voip: candidate 1", out), "match order:\n" + out)
        tap = socket.socket(socket.AF_UNIX)
        tap.connect(gw.cli_socket)
        tap.sendall(b"x debug voip ccapi\n")
        rejecting = Sipp(gw, "uas_reject.xml", port_a, {"status": 503, "reason": "Service Unavailable"})
        answering = Sipp(gw, "uas_answer.xml", port_b, {"codec": 8, "ring_ms": 0})
        procs += [rejecting, answering]
        pbx = Pbx(gw, ["call", "--to", "5552000", "--talk", "0.5"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim call failed:\n" + pbx.err())
        check(answering.wait() == 0, "SIPp answering failed:\n" + answering.errors())
        check(rejecting.wait() == 0, "SIPp 503 failed:\n" + rejecting.errors())
        call = pbx.calls()[0]
        check(messages(call) == PBX_CALLER_SEQ + WE_CLEAR and call["cause"] == 16, "call: %s" % call)
        traces = b""
        tap.settimeout(2)
        while b"dial-peer 100 failed with 503, hunting" not in traces:
            chunk = tap.recv(65536)
            check(chunk, "trace session closed; got:\n" + traces.decode())
            traces += chunk
        check(b"\nd " in traces and b"via dial-peer 101" in traces, "traces:\n" + traces.decode())
        tap.close()
        gwctl_ok(gw, "undebug all")
    port_a, port_b = free_port(), free_port()
    peers = (voip_peer(100, "5552...", port_a) + " preference 1\n" +
             voip_peer(101, "5552...", port_b, "g711alaw") + " preference 2\n")
    with_gateway(POTS + peers, body)


@test
def kill_during_write_memory_never_leaves_a_broken_startup_config():
    """Ten times, gatewayd is killed (SIGKILL) at a different moment while
    `write memory` saves a running-config of 300 dial-peers. Each time the
    startup-config is whole: the previous file or the new one, which
    `gatewayd --check` accepts, and gatewayd starts on it again."""
    def body(gw, procs):
        script = "configure terminal\n" + "".join(
            "dial-peer voice %d voip\n destination-pattern 7%03d...\n session target ipv4:127.0.0.1:%d\n"
            % (1000 + i, i, 6000 + i) for i in range(300)) + "end\nwrite memory\n"
        rc, out, err = gw.gwctl(stdin=script)
        check(rc == 0 and "[OK]" in out, "the first write memory failed:\n" + out + err)
        previous = open(gw.cfg).read()
        kept_old = 0
        for n in range(10):
            gwctl_ok(gw, "configure terminal", "hostname crash%d" % n, "end")
            writer = subprocess.Popen([os.path.join(BIN, "gwctl"), "--socket", gw.cli_socket, "-c", "write memory"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.002 * n)   # a different moment of the write each time
            gw.proc.kill()
            gw.proc.wait()
            writer.wait(10)
            text = open(gw.cfg).read()
            check(text == previous or ("hostname crash%d\n" % n in text and text.endswith("end\n")),
                  "kill %d left a startup-config that is neither the old nor the new one" % n)
            check(text.count("dial-peer voice ") == 301, "kill %d: the startup-config lost dial-peers" % n)
            check(run_gatewayd(["--check", "-c", gw.cfg])[0] == 0, "kill %d: --check refuses the file" % n)
            kept_old += text == previous
            previous = text
            gw.crash_and_start()
        print("    10 kills during write memory: the new file %d times, the previous one %d times"
              % (10 - kept_old, kept_old))
    with_gateway(POTS, body)


@test
def cli_failed_write_keeps_the_startup_config():
    def body(gw, procs):
        original = open(gw.cfg).read()
        gwctl_ok(gw, "conf t", "hostname changed", "end")
        os.makedirs(gw.cfg + ".tmp/blocker")   # the temporary file cannot be created
        rc, out, err = gw.gwctl("write memory")
        check(rc != 0 and "% Error writing startup-config" in err and "gw.cfg.tmp" in err,
              "failed write: rc=%d\n%s%s" % (rc, out, err))
        check(open(gw.cfg).read() == original, "startup-config changed by a failed write")
        check("hostname gw\n" in gwctl_ok(gw, "show startup-config"), "show startup-config changed")
        check("hostname changed" in gwctl_ok(gw, "show running-config"), "running-config lost the change")
        shutil.rmtree(gw.cfg + ".tmp")
        gwctl_ok(gw, "write memory")
        check("hostname changed" in open(gw.cfg).read(), "second write did not land")
        check(open(gw.cfg + ".bak").read() == original, "backup is not the previous startup-config")
    with_gateway(POTS, body)


@test
def cli_show_test_and_errors():
    def body(gw, procs):
        out = gwctl_ok(gw, "sh dial-p match 5551234 calling 1000")
        check("outbound * dial-peer 10 pots: candidate 1" in out and "sends called 5551234" in out, out)
        out = gwctl_ok(gw, "test voice translation-rule 5 5551234")
        check("Matched with rule 1" in out and "Translated number: 91234" in out, out)
        rc, out, err = gw.gwctl("show dial-peer voice summary", "show dail-peer voice", "show isdn status")
        check(rc != 0, "a bad command did not fail gwctl")
        check("gw#show dail-peer voice\n" + " " * 8 + "^\n% Invalid input detected at '^' marker." in err,
              "caret:\n" + err)
        check("DEST-PATTERN" in out and "Layer 2 Status" in out, "the other commands did not run:\n" + out)
        out = gwctl_ok(gw, "conf t", "dial-peer voice 7 voip", "preference 2", "end", "show dial-peer voice 7")
        check("preference = 2" in out, out)
        rc, out, err = gw.gwctl(stdin="conf t\ndial-peer voice 8 pots\nport 0\nend\nshow run\nshow ?\n")
        check(rc == 0 and "dial-peer voice 8 pots\n port 0" in out and "running-config" in out, out + err)
        rc, out, err = gw.gwctl(stdin="show calls\n")
        check(rc != 0, "stdin script with a bad line exited 0")
        rc, out, err = subprocess.run([os.path.join(BIN, "gwctl"), "--socket", gw.dir + "/none.sock", "-c", "show run"],
                                      capture_output=True, text=True).returncode, "", ""
        check(rc != 0, "gwctl without a daemon exited 0")
    extra = "voice translation-rule 5\n rule 1 /^555/ /9/\n"
    with_gateway(POTS, body, extra_cfg=extra)


@test
def cli_busyout_refuses_new_calls_on_the_controller():
    def body(gw, procs):
        out = gwctl_ok(gw, "busyout controller e1 0", "show controllers e1 0")
        check("busyout" in out, out)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--expect", "cause=34"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim did not see cause 34:\n" + pbx.err())
        gwctl_ok(gw, "no busyout controller e1 0")
        check("busyout" not in gwctl_ok(gw, "show controllers e1 0"), "busyout still shown")
    with_gateway(POTS + voip_peer(100, "5552...", free_port()), body)


@test
def first_call_after_a_long_alarm_is_answered():
    """The span sits in alarm past N200 x T200 before the PBX attaches; the
    first SETUP must not be lost to a layer-2 re-establishment."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_answer.xml", port, {"codec": 8, "ring_ms": 0})
        procs.append(phone)
        time.sleep(4)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--talk", "0.2"])
        procs.append(pbx)
        check(pbx.wait() == 0, "first call after the alarm failed:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp phone scenario failed:\n" + phone.errors())
    port = free_port()
    with_gateway(POTS + voip_peer(100, "5552...", port), body)


@test
def pbx_call_takes_the_inbound_peer_of_its_controller():
    """Inbound step 4: a PBX call whose numbers match no POTS peer takes the
    POTS peer whose `port` is the controller it arrived on, and that peer's
    incoming translation (02000 -> 5552000) routes it to the phone."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_answer.xml", port, {"codec": 8, "ring_ms": 0}, trace=True)
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "02000", "--from", "1000", "--talk", "0.2"])
        procs.append(pbx)
        check(pbx.wait() == 0, "call through the controller's inbound peer failed:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp phone scenario failed:\n" + phone.errors())
        check(messages(pbx.calls()[0]) == PBX_CALLER_SEQ + WE_CLEAR,
              "Q.931 sequence: %s" % messages(pbx.calls()[0]))
        check(re.search(r"INVITE sip:5552000@", phone.messages()), "the phone was not called at 5552000")
    port = free_port()
    extra = ("voice translation-rule 1\n rule 1 /^0/ /555/\n"
             "voice translation-profile FROM-PBX\n translate called 1\n")
    peers = ("dial-peer voice 5 pots\n translation-profile incoming FROM-PBX\n port 0\n"
             + POTS + voip_peer(100, "5552...", port))
    with_gateway(peers, body, extra_cfg=extra)


@test
def pbx_vanishing_clears_the_sip_side_at_once():
    """The PBX dies (kill -9) with a call up: the span goes into alarm, the
    D-channel is reported down at once (not after libpri's T200 x N200) and
    the phone gets its BYE with cause 38; every B-channel ends idle."""
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "0"])
        procs.append(pbx)
        gw.wait_dchannel()
        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True, trace=True)
        procs.append(phone)
        wait_for(lambda: "Active(10) on Connect" in gw.text(), 10, "the call answered by the PBX")
        pbx.proc.kill()
        killed = time.time()
        check(phone.wait(10) == 0, "SIPp phone scenario failed:\n" + phone.errors())
        check(time.time() - killed < 3, "the phone's BYE came %.1f s after the PBX died" % (time.time() - killed))
        check("Reason: Q.850;cause=38" in phone.messages(), "BYE without Reason cause 38")
        wait_for(lambda: idle_channels(gw) == (30, 30), 20, "every B-channel idle after the PBX died")
    with_gateway(POTS, body)


@test
def gateway_killed_with_calls_up_restarts_every_channel_when_back():
    """gatewayd is killed (kill -9) with five calls up and started again on
    the same config. The PBX still holds the five calls; the restarted gateway
    restarts every B-channel when its D-channel comes up (Q.931 §5.5.1), so
    the PBX clears them, and the next five calls from the phones are
    answered on channels and call references the PBX has free."""
    def body(gw, procs):
        pbx = Pbx(gw, ["--reattach", "answer", "--count", "0", "--ring", "0"])
        procs.append(pbx)
        gw.wait_dchannel()
        before = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True, calls=5, limit=5,
                      rate=20)
        procs.append(before)
        wait_for(lambda: active_call_count(gw) == 5, 15, "five calls up")
        gw.crash_and_start()
        before.stop()
        wait_for(lambda: "the device is back; attaching again" in pbx.err(), 10, "pbxsim attached again")
        wait_for(lambda: pbx.err().count("the far end restarted the B-channel") == 5, 15,
                 "the PBX's five stale calls cleared by the gateway's RESTARTs")
        wait_for(lambda: "30 B-channel(s) restarted" in gw.text(), 15, "the gateway's restarts acknowledged")
        after = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True, calls=5, limit=5,
                     rate=20)
        procs.append(after)
        wait_for(lambda: active_call_count(gw) == 5, 15, "five new calls up after the restart")
        check("408" not in after.errors(), "a call after the restart timed out:\n" + after.errors())
    with_gateway(POTS, body)


@test
def pbx_restart_of_the_interface_clears_every_call():
    """The PBX sends RESTART for all interfaces (Q.931 §5.5) with five calls
    up: the gateway acknowledges it, each phone gets its BYE with Reason
    cause 41, and all 30 B-channels end idle."""
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "5", "--ring", "0", "--restart", "all", "--restart-after", "0.5"])
        procs.append(pbx)
        gw.wait_dchannel()
        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True, calls=5, limit=5,
                     rate=20, trace=True)
        procs.append(phone)
        check(phone.wait(20) == 0, "SIPp phones failed:\n" + phone.errors())
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
        check("RESTART ACKNOWLEDGE received" in pbx.err(), "no RESTART ACKNOWLEDGE at the PBX")
        check(phone.messages().count("Reason: Q.850;cause=41") == 5, "not every BYE carried Reason cause 41")
        wait_for(lambda: "RESTART received for the whole interface: 5 call(s) cleared" in gw.text(), 5,
                 "the gateway's log of the RESTART")
        wait_for(lambda: idle_channels(gw) == (30, 30), 10, "every B-channel idle after the RESTART")
    with_gateway(POTS, body)


@test
def pbx_restart_of_one_channel_clears_only_its_call():
    """RESTART of one B-channel ends the call on it (cause 41) and no other:
    the second call goes on until the PBX clears it normally. (The gateway,
    on the user side, takes channels from the top: the first call is on B31.)"""
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "2", "--ring", "0", "--talk", "3", "--restart", "31",
                       "--restart-after", "0.3"])
        procs.append(pbx)
        gw.wait_dchannel()
        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True, calls=2, limit=2,
                     rate=20, trace=True)
        procs.append(phone)
        wait_for(lambda: "RESTART received for B-channel 31: 1 call(s) cleared" in gw.text(), 15,
                 "the gateway's log of the RESTART of B31")
        wait_for(lambda: phone.messages().count("Reason: Q.850;cause=41") == 1, 5, "the BYE of the call on B31")
        wait_for(lambda: idle_channels(gw) == (29, 30), 5, "the restarted call's channel idle, the other still held")
        check(phone.wait(20) == 0, "SIPp phones failed:\n" + phone.errors())
        check(phone.messages().count("Reason: Q.850;cause=16") == 1, "the second call's BYE should carry cause 16")
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
        wait_for(lambda: idle_channels(gw) == (30, 30), 10, "every B-channel idle at the end")
    with_gateway(POTS, body)


@test
def dchannel_up_restarts_every_idle_channel_first():
    """Q.931 §5.5.1: when its D-channel comes up the gateway restarts each
    B-channel (the PBX may still hold calls from before a crash) and takes
    calls only once the PBX has acknowledged them; with `isdn skipsend-restart`
    it sends none."""
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "1", "--ring", "0", "--talk", "0.5"])
        procs.append(pbx)
        gw.wait_dchannel()
        check("span=0 30 B-channel(s) restarted" in gw.text(), "the gateway did not restart the 30 channels")
        restarted = re.findall(r"far end restarted B(\d+)", pbx.err())
        check(sorted(int(c) for c in restarted) == list(range(1, 16)) + list(range(17, 32)),
              "pbxsim saw RESTART for %s" % restarted)
        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True)
        procs.append(phone)
        check(phone.wait(15) == 0, "the first call after the restarts failed:\n" + phone.errors())
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
    with_gateway(POTS, body)

    def skipped(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "0"])
        procs.append(pbx)
        gw.wait_dchannel()
        check("restarting" not in gw.text(), "RESTART sent despite isdn skipsend-restart")
        check("far end restarted" not in pbx.err(), "pbxsim saw a RESTART despite isdn skipsend-restart")
    with_gateway(POTS, skipped, extra_cfg="controller e1 0\n isdn skipsend-restart\n")


@test
def pbx_progress_with_inband_information_gives_183_with_sdp():
    """PROGRESS with progress indicator 8 (in-band information available)
    before ALERTING: the phone gets 183 Session Progress with the SDP answer,
    so it plays the PBX's own tones, then 200 when the PBX answers."""
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "1", "--progress", "--ring", "0.5", "--talk", "0.5"])
        procs.append(pbx)
        gw.wait_dchannel()
        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True, trace=True)
        procs.append(phone)
        check(phone.wait(15) == 0, "SIPp phone failed:\n" + phone.errors())
        msgs = phone.messages()
        progress = msgs.find("SIP/2.0 183")
        check(progress >= 0, "no 183 Session Progress")
        check(msgs.find("SIP/2.0 200", progress) > progress, "the 183 should come before the 200")
        check("application/sdp" in msgs[progress:msgs.find("SIP/2.0 200", progress)], "the 183 should carry SDP")
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
    with_gateway(POTS, body)


@test
def calling_party_name_type_and_presentation_arrive_intact():
    """PBX -> phone: a national calling number with a name reaches the phone
    as From "Reception" <sip:5551000@...>; with presentation restricted (the
    network then withholds the name too) the phone gets an anonymous From,
    Privacy: id and the number in P-Asserted-Identity. Phone -> PBX: the From
    display name arrives as the calling party name."""
    def pbx_to_phone(gw, procs):
        phone = Sipp(gw, "uas_answer.xml", port, {"codec": 8, "ring_ms": 0}, calls=2, trace=True)
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--from", "5551000", "--from-name", "Reception",
                       "--from-type", "national", "--talk", "1.5"])
        procs.append(pbx)
        wait_for(lambda: active_call_count(gw) == 1, 10, "the call up")
        shown = gw.gwctl("show call active voice")[1]
        check('calling 5551000 (national, presentation allowed, name "Reception")' in shown,
              "show call active voice:\n" + shown)
        # One channel busy, and Q.931 and the gateway agree on which.
        service = gwctl_ok(gw, "show isdn service")
        rows = [l.split(":")[1].split() for l in service.splitlines() if l.strip().startswith("State")]
        check(len(rows) == 6 and sum(r.count("2") for r in rows[:2]) == 1 and rows[:2] == rows[2:4] and
              "Out of step: none" in service, "show isdn service:\n" + service)
        check(pbx.wait() == 0, "pbxsim call failed:\n" + pbx.err())
        hidden = Pbx(gw, ["call", "--to", "5552000", "--from", "5551000", "--from-name", "Reception",
                          "--restricted", "--talk", "0.5"])
        procs.append(hidden)
        check(hidden.wait() == 0, "pbxsim call failed:\n" + hidden.err())
        check(phone.wait() == 0, "SIPp phone failed:\n" + phone.errors())
        invites = ["INVITE sip:" + m.split("\r\n\r\n", 1)[0] for m in phone.messages().split("INVITE sip:")[1:]]
        check(len(invites) >= 2, "two INVITEs expected:\n" + "\n".join(invites))
        shown_id, hidden_id = invites[0], invites[-1]
        check(re.search(r'^From: "Reception" <sip:5551000@', shown_id, re.M), shown_id)
        check(not re.search(r"^Privacy:", shown_id, re.M), shown_id)
        check(re.search(r'^From: "Anonymous" <sip:anonymous@anonymous.invalid>', hidden_id, re.M), hidden_id)
        check(re.search(r"^Privacy: id", hidden_id, re.M), "no Privacy: id\n" + hidden_id)
        check(re.search(r"^P-Asserted-Identity: <sip:5551000@", hidden_id, re.M), hidden_id)
    port = free_port()
    with_gateway(POTS + voip_peer(100, "5552...", port, "g711alaw"), pbx_to_phone)

    def phone_to_pbx(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "1", "--ring", "0", "--talk", "0.5"])
        procs.append(pbx)
        gw.wait_dchannel()
        gwctl_ok(gw, "debug isdn q931")
        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True)
        procs.append(phone)
        check(phone.wait(15) == 0, "SIPp phone failed:\n" + phone.errors())
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
        call = pbx.calls()[0]
        check(call.get("calling_name") == "Phone" and call.get("calling") == "2000", "pbxsim saw %s" % call)
        check(call.get("calling_presentation") == "allowed", "pbxsim saw %s" % call)
        # pbxsim reports every IE of what it received; the gateway's Q.931
        # trace shows the same SETUP decoded.
        setup = call["messages"][0]
        values = {ie["ie"]: ie.get("value") for ie in setup.get("ies", [])}
        check(setup["msg"] == "SETUP" and values.get("Display") == "'Phone'" and
              values.get("Bearer capability") == "speech, 64 kbit/s, A-law" and
              re.match(r"B\d+ preferred$", values.get("Channel identification") or "") and
              (values.get("Called party number") or "").startswith("'5551234'") and
              (values.get("Calling party number") or "").startswith("'2000'"), "SETUP IEs: %s" % setup)
        traced = re.search(r"TX -> SETUP cr=0x[0-9a-f]{4}/orig: .*", gw.text())
        check(traced and "Calling party number '2000'" in traced.group(0) and "Display 'Phone'" in traced.group(0),
              "no decoded SETUP in the debug isdn q931 trace:\n" + gw.text()[-3000:])
        check(re.search(r"RX <- CONNECT cr=0x[0-9a-f]{4}/dest", gw.text()), "no decoded CONNECT in the trace")
    with_gateway(POTS, phone_to_pbx)


@test
def overlap_receiving_of_a_seven_digit_number():
    """The PBX dials 5552000 digit by digit (SETUP with the first digit and no
    Sending Complete, then one INFORMATION per digit): the gateway answers
    SETUP ACKNOWLEDGE, collects the digits and sends the INVITE as soon as
    dial-peer 5552... matches completely. For 9T the number ends on the
    voice-port's `timeouts interdigit`."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_answer.xml", port_a, {"codec": 8, "ring_ms": 0}, trace=True)
        procs.append(phone)
        pbx = Pbx(gw, ["call", "--to", "5552000", "--overlap", "0.1", "--talk", "0.5"])
        procs.append(pbx)
        check(pbx.wait() == 0, "pbxsim call failed:\n" + pbx.err())
        check(phone.wait() == 0, "SIPp phone failed:\n" + phone.errors())
        call = pbx.calls()[0]
        seq = messages(call)
        check(seq == ["tx SETUP", "rx SETUP ACKNOWLEDGE"] + ["tx INFORMATION"] * 6 + PBX_CALLER_SEQ[1:] + WE_CLEAR,
              "Q.931 sequence: %s" % seq)
        check(call["cause"] == 16, "cause %s" % call["cause"])
        check("INVITE sip:5552000@" in phone.messages(), "the INVITE:\n" + phone.messages()[:600])
        # Six digits 0.1 s apart, then at once: well under T302.
        check(call["setup_to_connect_ms"] < 1500, "setup to connect %s ms" % call["setup_to_connect_ms"])

        t_phone = Sipp(gw, "uas_answer.xml", port_b, {"codec": 8, "ring_ms": 0}, trace=True)
        procs.append(t_phone)
        t_pbx = Pbx(gw, ["call", "--to", "91234", "--overlap", "0.1", "--talk", "0.5"])
        procs.append(t_pbx)
        check(t_pbx.wait() == 0, "pbxsim call failed:\n" + t_pbx.err())
        check(t_phone.wait() == 0, "SIPp phone failed:\n" + t_phone.errors())
        t_call = t_pbx.calls()[0]
        check(messages(t_call)[:6] == ["tx SETUP", "rx SETUP ACKNOWLEDGE"] + ["tx INFORMATION"] * 4,
              "Q.931 sequence: %s" % messages(t_call))
        check("INVITE sip:91234@" in t_phone.messages(), "the INVITE:\n" + t_phone.messages()[:600])
        # 9T matches from the first digit on: the number ends on the
        # voice-port's interdigit timeout (1 s), not on T302 (3 s).
        t = t_call["setup_to_connect_ms"]
        check(1300 <= t < 3000, "9T routed %s ms after the SETUP; expected the last digit + 1 s" % t)
    port_a, port_b = free_port(), free_port()
    with_gateway(POTS + voip_peer(100, "5552...", port_a) + voip_peer(101, "9T", port_b), body,
                 extra_cfg="controller e1 0\n isdn overlap-receiving T302 3000\n"
                           "voice-port 0:D\n timeouts interdigit 1\n")


def setup_ie_names(call):
    setup = call["messages"][0]
    check(setup["dir"] == "rx" and setup["msg"] == "SETUP", "first message %s" % setup)
    return [ie["ie"] for ie in setup.get("ies", [])]


@test
def overlap_sending_toward_the_pbx_for_a_t_dial_peer():
    """Phone -> PBX through dial-peer 9T on EuroISDN: the SETUP carries no
    Sending Complete (the gateway cannot know the number is complete), the
    PBX answers SETUP ACKNOWLEDGE and completes the number on its interdigit
    timer, and the call goes on from Overlap Sending (Q.931 state 2) to
    answer. A fixed-length dial-peer's SETUP carries Sending Complete, and so
    does every SETUP with `isdn sending-complete`."""
    peers = POTS + "dial-peer voice 11 pots\n destination-pattern 9T\n port 0\n"

    def call(gw, procs, number):
        pbx = Pbx(gw, ["answer", "--count", "1", "--ring", "0", "--talk", "0.5", "--collect", "0.5"])
        procs.append(pbx)
        gw.wait_dchannel()
        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": number}, uac=True, trace=True)
        procs.append(phone)
        check(phone.wait(15) == 0, "SIPp phone failed:\n" + phone.errors())
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
        return pbx.calls()[0]

    def overlap(gw, procs):
        c = call(gw, procs, "95551234")
        check("Sending complete" not in setup_ie_names(c), "the SETUP for 9T carried Sending Complete")
        check(messages(c)[:3] == ["rx SETUP", "tx SETUP ACKNOWLEDGE", "tx CALL PROCEEDING"],
              "Q.931 sequence: %s" % messages(c))
        check(c["called"] == "5551234", "the PBX completed %s" % c["called"])
        check(c["result"] == "answer", "the call was not answered: %s" % c)
        check("CallInitiated(1) -> OverlapSending(2) on SetupAck" in gw.text() and
              "OverlapSending(2) -> OutgoingCallProceeding(3) on CallProceeding" in gw.text(),
              "the gateway's leg did not pass through Overlap Sending:\n" + gw.text()[-3000:])
        check("overlap sending (no Sending Complete)" in gw.text(), "no CCAPI line for the overlap SETUP")

        fixed = call(gw, procs, "5551234")
        check("Sending complete" in setup_ie_names(fixed), "the SETUP for 5551... lacked Sending Complete")
        check(messages(fixed)[:2] == ["rx SETUP", "tx CALL PROCEEDING"], "Q.931 sequence: %s" % messages(fixed))
    with_gateway(peers, overlap)

    def en_bloc(gw, procs):
        c = call(gw, procs, "95551234")
        check("Sending complete" in setup_ie_names(c), "isdn sending-complete: the SETUP lacked Sending Complete")
        check(messages(c)[:2] == ["rx SETUP", "tx CALL PROCEEDING"], "Q.931 sequence: %s" % messages(c))
        rc, out, _ = gw.gwctl("show running-config")
        check(" isdn sending-complete\n" in out, "show running-config lacks isdn sending-complete")
    with_gateway(peers, en_bloc, extra_cfg="controller e1 0\n isdn sending-complete\n")


@test
def untrusted_source_is_refused_with_403_before_routing():
    """Toll-fraud protection, default deny: INVITEs from 127.0.0.2 (neither
    in the trusted list nor a dial-peer's session target) get 403 whatever
    the number (routable, unroutable, without SDP), so a scanner learns
    nothing of the dial plan, and no SETUP reaches the PBX. `show ip address
    trusted list` shows the list and counts the source; a phone at the
    trusted 127.0.0.1 still gets through."""
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "1", "--ring", "0", "--talk", "0.5"])
        procs.append(pbx)
        gw.wait_dchannel()
        statuses = [sip_final_status(gw, "127.0.0.2", "INVITE", "5551234"),
                    sip_final_status(gw, "127.0.0.2", "INVITE", "0044123456789012345678"),
                    sip_final_status(gw, "127.0.0.2", "INVITE", "5551234", sdp=False)]
        check(statuses == [403, 403, 403], "untrusted INVITEs answered %s" % statuses)
        check(sip_final_status(gw, "127.0.0.2", "OPTIONS", "5551234") ==
              sip_final_status(gw, "127.0.0.2", "OPTIONS", "999"), "OPTIONS answers depend on the number")
        check("refused with 403" in gw.text(), "no log line for the untrusted source")
        check(gw.text().count("untrusted source 127.0.0.2") == 1, "the refusal log is not rate-limited")
        out = gwctl_ok(gw, "show ip address trusted list")
        check(re.search(r"ipv4 127\.0\.0\.1\s+trusted list", out) and
              re.search(r"127\.0\.0\.2\s+3 request\(s\)", out), "show ip address trusted list:\n" + out)

        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True)
        procs.append(phone)
        check(phone.wait(15) == 0, "the trusted phone's call failed:\n" + phone.errors())
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
        check(len(pbx.calls()) == 1 and pbx.err().count(": SETUP from") == 1,
              "the PBX saw more than the trusted call:\n" + pbx.err())
    with_gateway(POTS, body)


@test
def user_agent_header_is_configurable_and_can_be_hidden():
    """`sip-ua` -> `user-agent TEXT` names the product in what the gateway
    sends; `no user-agent` leaves the header out, so a scanner (svmap) has no
    banner to fingerprint. Both apply at once, and the running-config keeps them."""
    def body(gw, procs):
        check(re.search(r"^User-Agent: gatewayd\r$", sip_final_response(gw, "127.0.0.1", "OPTIONS", "1"), re.M),
              "the default User-Agent is not gatewayd")
        gwctl_ok(gw, "configure terminal", "sip-ua", "user-agent PRI-GW 1.0", "end")
        check(re.search(r"^User-Agent: PRI-GW 1\.0\r$", sip_final_response(gw, "127.0.0.1", "OPTIONS", "1"), re.M),
              "user-agent PRI-GW 1.0 not sent")
        gwctl_ok(gw, "configure terminal", "sip-ua", "no user-agent", "end")
        for who in ("127.0.0.1", "127.0.0.2"):
            for method in ("OPTIONS", "INVITE"):
                final = sip_final_response(gw, who, method, "5551234")
                check(final and not re.search(r"^(User-Agent|Server):", final, re.M | re.I),
                      "%s from %s: the answer names the product:\n%s" % (method, who, final))
        check(" no user-agent\n" in gwctl_ok(gw, "show running-config"), "running-config lacks no user-agent")
    with_gateway(POTS, body)


@test
def calling_user_name_is_never_sent_as_a_calling_number():
    """A trusted SIP caller whose identity is a user name (From:
    sip:scanner@...) reaches the PBX with the configured calling-number
    default instead (voice service voip's, then the dial-peer's once set),
    never with the name in the Calling Party Number IE."""
    def body(gw, procs):
        pbx = Pbx(gw, ["answer", "--count", "2", "--ring", "0", "--talk", "0.3"])
        procs.append(pbx)
        gw.wait_dchannel()
        check(sip_final_status(gw, "127.0.0.1", "INVITE", "5551234") == 200, "the first call was not answered")
        wait_for(lambda: len(pbx.calls()) == 1, 10, "the first call's report")
        gwctl_ok(gw, "configure terminal", "dial-peer voice 10 pots", "calling-number default 5559999", "end")
        check(sip_final_status(gw, "127.0.0.1", "INVITE", "5551234") == 200, "the second call was not answered")
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
        callers = [c.get("calling") for c in pbx.calls()]
        check(callers == ["5550000", "5559999"], "the PBX saw calling numbers %s" % callers)
        check("calling 'scanner' is not a number: calling-number default 5550000" in gw.text(),
              "no CCAPI line for the replaced calling number")
    with_gateway(POTS, body, extra_cfg="voice service voip\n calling-number default 5550000\n")


def received_blocks(trace, status):
    """The SIP responses with `status` that SIPp received, from its message trace."""
    blocks = re.split(r"\n-{20,}[^\n]*\n", trace)
    return [b for b in blocks if "message received" in b and re.search(r"^SIP/2\.0 %d " % status, b, re.M)]


def start_flood(gw, procs, talk, calls, rate):
    """A PBX answering every call for `talk` seconds, and SIPp sending `calls`
    INVITEs at `rate` a second, each admitted or refused with 503."""
    pbx = Pbx(gw, ["answer", "--count", "0", "--ring", "0", "--talk", str(talk)])
    procs.append(pbx)
    gw.wait_dchannel()
    flood = Sipp(gw, "uac_storm.xml", free_port(), {"service": "5551234"}, uac=True, calls=calls, limit=calls,
                 rate=rate, trace=True)
    procs.append(flood)
    return pbx, flood


@test
def invite_storm_at_five_times_capacity_admits_only_what_fits():
    """150 INVITEs within half a second to a 30-channel E1 (5x capacity):
    at most 30 calls reach the PBX, every other INVITE is refused at once with
    503 and Retry-After, OPTIONS are still answered during the storm, and
    every B-channel is idle after it."""
    def body(gw, procs):
        pbx, storm = start_flood(gw, procs, talk=3, calls=150, rate=300)
        latencies = []
        while storm.proc.poll() is None and len(latencies) < 10:
            start = time.time()
            check(sip_final_status(gw, "127.0.0.1", "OPTIONS", "1") == 200, "OPTIONS unanswered during the storm")
            latencies.append(time.time() - start)
        check(storm.wait(60) == 0, "SIPp storm: a call was neither admitted nor refused with 503:\n" + storm.errors())
        refused = received_blocks(storm.messages(), 503)
        refused_calls = {re.search(r"^Call-ID:\s*(\S+)", b, re.M | re.I).group(1) for b in refused}
        without = [b for b in refused if not re.search(r"^Retry-After:\s*\d+", b, re.M)]
        check(not without, "a 503 without Retry-After:\n" + (without[0] if without else ""))
        wait_for(lambda: idle_channels(gw) == (30, 30), 20, "every B-channel idle after the storm")
        pbx.stop()
        admitted = len(pbx.calls())
        check(admitted <= 30 and admitted + len(refused_calls) == 150,
              "admitted %d, refused %d of 150" % (admitted, len(refused_calls)))
        print("    storm: 150 INVITEs, %d admitted, %d refused with 503 + Retry-After; OPTIONS during it: %d, "
              "max %.1f ms" % (admitted, len(refused_calls), len(latencies), 1000 * max(latencies or [0])))
    with_gateway(POTS, body)


@test
def malformed_q931_from_the_pbx_is_refused_or_ignored_as_q931_says():
    """A far end that speaks Q.921/Q.931 itself (no libpri) sends what a
    broken or hostile PBX might. Each reaction is checked against Q.931 5.8:
    a SETUP on the global call reference is refused (RELEASE COMPLETE, cause
    81) and no INVITE goes out; a SETUP without Bearer capability gets cause
    96, one for a channel the span lacks cause 44, a RELEASE for an unknown
    call reference cause 81; too-short messages, a wrong protocol
    discriminator, an unknown message type, a call reference longer than 2
    octets or with spare bits set (5.8.3.1), bad FCS, an oversize frame and
    frames for another SAPI or TEI are ignored (the next probe's answer is the
    first thing to come back). Then a valid call works and every B-channel
    ends idle."""
    def body(gw, procs):
        phone = Sipp(gw, "uas_answer.xml", port, {"codec": 8, "ring_ms": 0}, trace=True)
        procs.append(phone)
        far = rawpri.RawPri(gw.span)
        procs.append(far)
        check(far.wait_up(), "layer 2 did not come up")
        refs = iter(range(0x20, 0x7F))

        def answer_to(msg, what):
            """Sends `msg`; returns the first message that comes back."""
            start = len(far.received)
            far.send_q931(msg)
            check(far.wait_for(lambda got: len(got) > start, 5), "no answer to " + what)
            return far.received[start]

        def ignored(send, what):
            """`send()` puts something on the line; a RELEASE for an unknown
            call reference then must be the first thing answered."""
            start = len(far.received)
            send()
            cr = bytes([0x00, next(refs)])
            far.send_q931(rawpri.message(cr, rawpri.RELEASE, bytes([0x08, 0x02, 0x80, 0x90])))
            check(far.wait_for(lambda got: len(got) > start, 5), "no answer to the probe after " + what)
            first = far.received[start]
            check(rawpri.call_ref(first) == bytes([0x80, cr[1]]) and rawpri.message_type(first) == rawpri.RELEASE_COMPLETE,
                  "%s was answered: %s" % (what, first.hex()))

        got = answer_to(rawpri.setup(b"\x00\x00", "5552000"), "a SETUP on the global call reference")
        check(rawpri.call_ref(got) == b"\x80\x00" and rawpri.message_type(got) == rawpri.RELEASE_COMPLETE and
              rawpri.cause(got) == 81, "global SETUP answered %s" % got.hex())
        got = answer_to(rawpri.setup(bytes([0x00, next(refs)]), "5552000", channel=12, bearer=False), "no bearer")
        check(rawpri.message_type(got) == rawpri.RELEASE_COMPLETE and rawpri.cause(got) == 96,
              "SETUP without Bearer capability answered %s" % got.hex())
        got = answer_to(rawpri.setup(bytes([0x00, next(refs)]), "5552000", channel=40), "channel 40")
        check(rawpri.message_type(got) == rawpri.RELEASE_COMPLETE and rawpri.cause(got) in (44, 82),
              "SETUP for B40 of an E1 answered %s" % got.hex())
        got = answer_to(rawpri.message(bytes([0x00, next(refs)]), rawpri.RELEASE, bytes([0x08, 0x02, 0x80, 0x90])),
                        "a RELEASE for an unknown call reference")
        check(rawpri.message_type(got) == rawpri.RELEASE_COMPLETE and rawpri.cause(got) == 81,
              "RELEASE for an unknown call reference answered %s" % got.hex())

        ignored(lambda: far.send_q931(bytes([0x08])), "a 1-octet message")
        ignored(lambda: far.send_q931(bytes([0x08, 0x02, 0x00])), "a message cut inside its call reference")
        ignored(lambda: far.send_q931(bytes([0x41, 0x02, 0x00, 0x07, 0x05])), "a wrong protocol discriminator")
        ignored(lambda: far.send_q931(rawpri.message(bytes([0x00, next(refs)]), 0x33)), "an unknown message type")
        ignored(lambda: far.send_q931(rawpri.setup(bytes([0x00, 0x00, next(refs)]), "5552000", channel=12)),
                "a SETUP with a 3-octet call reference")
        ignored(lambda: far.send_q931(bytes([0x08, 0x12, 0x00, next(refs), rawpri.SETUP, 0x04, 0x03, 0x80, 0x90, 0xA3])),
                "a call reference length octet with spare bits set")
        ignored(lambda: far.send_raw(bytes([0x02, 0x01, far.vs << 1, far.vr << 1]) +
                                     rawpri.setup(bytes([0x00, next(refs)]), "5552000") + b"\x00\x00"),
                "a frame with a bad FCS")
        ignored(lambda: far.send_frame([0x02, 0x01, 0x03] + [0x55] * 1000), "an oversize frame")
        ignored(lambda: far.send_frame([0x40, 0x01, 0x03, 0x01]), "a frame for SAPI 16")
        ignored(lambda: far.send_frame([0x02, 0x0B, 0x03, 0x01]), "a frame for TEI 5")
        check("INVITE sip:" not in gw.text(), "an INVITE went out for the garbage:\n" + gw.text()[-2000:])

        cr = bytes([0x00, next(refs)])
        start = len(far.received)
        far.send_q931(rawpri.setup(cr, "5552000", channel=14))
        check(far.wait_for(lambda got: any(rawpri.message_type(m) == rawpri.CONNECT for m in got[start:]), 10),
              "the valid call after the garbage was not answered")
        far.send_q931(rawpri.message(cr, rawpri.DISCONNECT, bytes([0x08, 0x02, 0x80, 0x90])))
        check(far.wait_for(lambda got: any(rawpri.message_type(m) == rawpri.RELEASE for m in got[start:]), 5),
              "no RELEASE after our DISCONNECT")
        far.send_q931(rawpri.message(cr, rawpri.RELEASE_COMPLETE))
        check(phone.wait(15) == 0, "the phone's call did not end cleanly:\n" + phone.errors())
        wait_for(lambda: idle_channels(gw) == (30, 30), 10, "every B-channel idle at the end")
    port = free_port()
    with_gateway(voip_peer(100, "5552...", port), body, extra_cfg="controller e1 0\n isdn skipsend-restart\n")


@test
def call_threshold_per_source_sheds_a_flood_from_one_address():
    """`call threshold source 5` under voice service voip: a trusted address
    that sends 20 INVITEs at once gets 5 calls through (the burst), and the
    other 15 get 503 with Retry-After at once, before any SETUP; the limit
    is logged once. Without the command, nothing is limited (the storm test)."""
    def body(gw, procs):
        pbx, flood = start_flood(gw, procs, talk=1, calls=20, rate=1000)
        check(flood.wait(30) == 0, "SIPp flood: a call was neither admitted nor refused with 503:\n" + flood.errors())
        refused = received_blocks(flood.messages(), 503)
        refused_calls = {re.search(r"^Call-ID:\s*(\S+)", b, re.M | re.I).group(1) for b in refused}
        check(all(re.search(r"^Retry-After:\s*1\b", b, re.M) for b in refused), "a 503 without Retry-After: 1")
        wait_for(lambda: idle_channels(gw) == (30, 30), 20, "every B-channel idle after the flood")
        pbx.stop()
        admitted = len(pbx.calls())
        # The burst of 5, plus the tokens that come back at 5/s while the 20
        # INVITEs arrive (well under half a second even on a loaded machine).
        check(5 <= admitted <= 7 and admitted + len(refused_calls) == 20,
              "admitted %d, refused %d of 20" % (admitted, len(refused_calls)))
        check(gw.text().count("over call threshold source 5/s") == 1, "the limit is not logged exactly once")
        check(" call threshold source 5\n" in gwctl_ok(gw, "show running-config"), "running-config lacks the threshold")
    with_gateway(POTS, body, extra_cfg="voice service voip\n call threshold source 5\n")


@test
def busyout_of_one_channel_with_service_message():
    """`isdn service dsl 0 b_channel 31 state 2` on a national ISDN span
    sends SERVICE for B31 when the D-channel comes up (the PBX acknowledges
    it), `show isdn service` shows B31 out of service, and a call from SIP
    takes B30 instead of the user side's first choice B31."""
    def body(gw, procs):
        pbx = Pbx(gw, ["--switchtype", "ni2", "answer", "--count", "1", "--ring", "0", "--talk", "0.5"])
        procs.append(pbx)
        gw.wait_dchannel()
        wait_for(lambda: "to service state 2" in pbx.err(), 10, "SERVICE at the PBX")
        check("far end set B31 to service state 2 (out of service)" in pbx.err(), "pbxsim:\n" + pbx.err())
        service = gwctl_ok(gw, "show isdn service")
        rows = [l.split(":")[1].split() for l in service.splitlines() if l.strip().startswith("State")]
        check(len(rows) == 6 and (rows[4] + rows[5])[-1] == "2" and (rows[4] + rows[5]).count("2") == 1,
              "show isdn service:\n" + service)
        phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True)
        procs.append(phone)
        check(phone.wait(15) == 0, "SIPp phone failed:\n" + phone.errors())
        check(pbx.wait(10) == 0, "pbxsim:\n" + pbx.err())
        call = pbx.calls()[0]
        check(call["channel"] == 30, "the call took B%s, not B30" % call["channel"])
    with_gateway(POTS, body, extra_cfg="controller e1 0\n isdn switch-type primary-ni\n"
                                       " isdn service dsl 0 b_channel 31 state 2\n")


def active_call_count(gw):
    rc, out, _ = gw.gwctl("show call active voice brief")
    return len(re.findall(r"^\s*\d+\s", out, re.M)) if rc == 0 else -1


def call_then_lose_the_link(gw, procs, talk, outage):
    """A phone calls the PBX, which answers and, half a second later, loses
    every D-channel frame for `outage` seconds; returns the phone's SIPp once
    the gateway has noticed the lost link."""
    pbx = Pbx(gw, ["answer", "--count", "1", "--ring", "0", "--talk", str(talk), "--drop-dchannel", "0.5,%d" % outage])
    procs.append(pbx)
    gw.wait_dchannel()
    phone = Sipp(gw, "uac_wait_bye.xml", free_port(), {"service": "5551234"}, uac=True, trace=True)
    procs.append(phone)
    wait_for(lambda: active_call_count(gw) == 1, 10, "the call up")
    shown = gw.gwctl("show call active voice")[1]
    check(re.search(r"call reference 0x(?!0000)[0-9a-f]{4}", shown), "a call from SIP should show its Q.931 "
          "call reference:\n" + shown)
    wait_for(lambda: "D-channel down: new calls refused" in gw.text(), 25, "the gateway noticing the lost link")
    return phone


@test
def dchannel_outage_within_t309_keeps_the_active_call():
    """Layer 2 lost with the line up (every D-channel frame lost for 17 s; the
    idle link notices at T203 + T200 x N200, about 14 s): the answered call is
    kept (T309, 90 s by default), SIP calls are refused with 503 and
    Retry-After meanwhile, and after the link returns the call goes on until
    the PBX clears it normally."""
    def body(gw, procs):
        phone = call_then_lose_the_link(gw, procs, talk=24, outage=17)
        check(active_call_count(gw) == 1, "the active call should be kept while layer 2 is down")
        summary = gw.gwctl("show dial-peer voice summary")[1]
        check(re.search(r"^10\s+pots\s+up\s+down", summary, re.M),
              "the pots dial-peer should be operationally down while its D-channel is:\n" + summary)
        refused = Sipp(gw, "uac_refused.xml", free_port(), {"service": "5551234", "status": 503}, uac=True, trace=True)
        procs.append(refused)
        check(refused.wait(10) == 0, "a call during the outage should get 503:\n" + refused.errors())
        check("Retry-After: 30" in refused.messages(), "the 503 should carry Retry-After: 30")
        wait_for(lambda: gw.text().count("span=0 D-channel up") == 2, 20, "the link back up")
        summary = gw.gwctl("show dial-peer voice summary")[1]
        check(re.search(r"^10\s+pots\s+up\s+up", summary, re.M), "the pots dial-peer up again:\n" + summary)
        check(phone.wait(20) == 0, "SIPp phone failed:\n" + phone.errors())
        check("Reason: Q.850;cause=16" in phone.messages(), "the call should end normally (cause 16)")
        wait_for(lambda: idle_channels(gw) == (30, 30), 10, "every B-channel idle")
    with_gateway(POTS, body)


@test
def dchannel_outage_beyond_t309_clears_the_active_call():
    """With `isdn t309 2000` the answered call outlives the lost link by
    T309 and is then cleared: the phone's BYE carries cause 27. (T309 starts
    when libpri's own attempt to re-establish the link has failed too, about
    4 s, T200 x N200, after the D-channel is reported down.)"""
    def body(gw, procs):
        phone = call_then_lose_the_link(gw, procs, talk=40, outage=30)
        down = time.time()
        check(phone.wait(20) == 0, "SIPp phone failed:\n" + phone.errors())
        check(2 < time.time() - down < 10, "the BYE came %.1f s after the link was lost (T309 2 s)" % (time.time() - down))
        check("Reason: Q.850;cause=27" in phone.messages(), "the BYE should carry cause 27")
    with_gateway(POTS, body, extra_cfg="controller e1 0\n isdn t309 2000\n")


def context_switches(pid):
    with open("/proc/%d/task/%d/status" % (pid, pid)) as f:
        fields = dict(line.split(":", 1) for line in f if "ctxt_switches" in line)
    return sum(int(v) for v in fields.values())


@test
def idle_span_wakes_the_signalling_thread_only_for_libpri():
    """An idle D-channel: from layer 2 up to the first Q.921 keepalive (T203,
    10 s), the signalling thread wakes only for libpri's timers and frames,
    the log and the SIP stack's own once-a-second housekeeping; never on a
    polling clock of the span (that was 10 a second)."""
    def body(gw, procs):
        pbx = Pbx(gw, ["-v", "answer", "--count", "0"])
        procs.append(pbx)
        gw.wait_dchannel()
        before = context_switches(gw.proc.pid)
        start = time.time()
        wait_for(lambda: "RR with P/F set" in pbx.err(), 15, "a Q.921 keepalive on the idle link")
        woke = context_switches(gw.proc.pid) - before
        elapsed = time.time() - start
        check(elapsed > 5, "the keepalive came too early to measure an idle link")
        # Sofia-SIP's timer: 1 a second; the keepalive exchange both ways and a
        # log flush: a handful.
        allowed = int(elapsed) + 6
        check(woke <= allowed, "the signalling thread woke %d times in %.1f s of idle link (at most %d expected)"
              % (woke, elapsed, allowed))
    with_gateway(POTS, body)


import sip_flows  # noqa: E402,F401  (registers the SIP call-flow tests after these)
import sip_auth  # noqa: E402,F401  (digest authentication and registration tests)


def main():
    only = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else ""
    selected = [t for t in TESTS if not only or only in t.__name__]
    if not selected:
        print("no integration test matches -k %r; tests are: %s" % (only, ", ".join(t.__name__ for t in TESTS)))
        sys.exit(2)
    failed = []
    for t in selected:
        start = time.time()
        try:
            t()
            print("PASS %-50s %.1fs" % (t.__name__, time.time() - start), flush=True)
        except Failure as e:
            print("FAIL %-50s %s" % (t.__name__, e), flush=True)
            failed.append(t.__name__)
        except Exception:
            print("FAIL %-50s\n%s" % (t.__name__, traceback.format_exc()), flush=True)
            failed.append(t.__name__)
    if failed:
        print("failed: %s" % ", ".join(failed))
    print("integration: %d passed, %d failed" % (len(selected) - len(failed), len(failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
