"""Integration tests: gatewayd as a black box between pbxsim (a real libpri
on the far end of a virtual E1) and SIPp phones on 127.0.0.1.
Usage: run.py [-k SUBSTRING] (run the tests whose name contains SUBSTRING)."""
import os
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(__file__))
from gwtest import BIN, Failure, Gateway, Pbx, Sipp, check, free_port, idle_channels, messages  # noqa: E402

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def voip_peer(tag, pattern, port, codec=None):
    cfg = ("dial-peer voice %d voip\n destination-pattern %s\n session target ipv4:127.0.0.1:%d\n"
           % (tag, pattern, port))
    if codec:
        cfg += " codec %s\n" % codec
    return cfg


POTS = "dial-peer voice 10 pots\n destination-pattern 5551...\n no digit-strip\n port 0\n"

PBX_CALLER_SEQ = ["tx SETUP", "rx CALL PROCEEDING", "rx ALERTING", "rx CONNECT", "tx CONNECT ACKNOWLEDGE"]
PBX_CALLEE_SEQ = ["rx SETUP", "tx CALL PROCEEDING", "tx ALERTING", "tx CONNECT", "rx CONNECT ACKNOWLEDGE"]
WE_CLEAR = ["tx DISCONNECT", "rx RELEASE", "tx RELEASE COMPLETE"]
THEY_CLEAR = ["rx DISCONNECT", "tx RELEASE", "rx RELEASE COMPLETE"]


def with_gateway(peers, body, extra_cfg=""):
    gw = Gateway(peers, extra_cfg=extra_cfg)
    procs = []
    try:
        body(gw, procs)
    except Failure:
        sys.stdout.write("---- gatewayd log (tail) ----\n" + "\n".join(gw.text().splitlines()[-40:]) + "\n")
        for p in procs:
            if isinstance(p, Pbx):
                sys.stdout.write("---- pbxsim stderr (tail) ----\n" + "\n".join(p.err().splitlines()[-20:]) + "\n")
            if isinstance(p, Sipp):
                sys.stdout.write("---- SIPp errors ----\n" + p.errors()[-2000:] + "\n")
        raise
    finally:
        for p in procs:
            p.stop()
        rc = gw.stop()
        gw.cleanup()
    check(rc == 0, "gatewayd exit status %s after SIGINT" % rc)


def check_tone(call, hz, dbm0, what):
    heard = call.get("heard") or {}
    check(abs(heard.get("freq_hz", 0) - hz) <= 5, "%s: heard %s Hz, want %s" % (what, heard.get("freq_hz"), hz))
    check(abs(heard.get("level_dbm0", -99) - dbm0) <= 1.0,
          "%s: heard %s dBm0, want %s +-1 dB" % (what, heard.get("level_dbm0"), dbm0))


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
        check(idle_channels(gw) == (30, 30), "B-channels after the call: %s" % (idle_channels(gw),))
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
        time.sleep(0.3)
        check(idle_channels(gw) == (30, 30), "B-channels after 50 calls: %s" % (idle_channels(gw),))
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


def main():
    only = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else ""
    failed = []
    for t in TESTS:
        if only and only not in t.__name__:
            continue
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
    print("%d tests, %d failed %s" % (len(TESTS), len(failed), failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
