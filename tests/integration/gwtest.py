"""Helpers for the integration tests: start gatewayd, pbxsim and SIPp as
real processes on loopback, wait on conditions, collect their output."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, os.environ.get("BUILD", "build"), "bin")
SIPP_DIR = os.path.join(os.path.dirname(__file__), "sipp")


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def free_port(kind=socket.SOCK_DGRAM, even=False):
    while True:
        s = socket.socket(socket.AF_INET, kind)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if not even or port % 2 == 0:
            return port


def wait_for(cond, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.02)
    raise Failure("timed out waiting for " + what)


class Gateway:
    """gatewayd on a fresh virtual E1 with a config built from `peers`;
    `spans` > 1 adds controllers e1 1.. on virtual spans self.spans[1:]."""

    def __init__(self, peers_cfg, name="gw", extra_cfg="", args=None, spans=1, rtp_ports=200):
        self.dir = tempfile.mkdtemp(prefix="gwtest-")
        self.span = os.path.join(self.dir, "span0")
        self.spans = [self.span] + [os.path.join(self.dir, "span%d" % n) for n in range(1, spans)]
        self.sip_port = free_port()
        self.cfg = os.path.join(self.dir, "gw.cfg")
        with open(self.cfg, "w") as f:
            f.write("hostname %s\n"
                    "controller e1 0\n"
                    " pri-group timeslots 1-31\n"
                    " isdn switch-type primary-net5\n"
                    " source virtual %s\n"
                    "sip-ua\n"
                    " bind 127.0.0.1 %d\n"
                    "voice service voip\n"
                    " ip address trusted list\n"
                    "  ipv4 127.0.0.1\n" % (name, self.span, self.sip_port))
            for n in range(1, spans):
                f.write("controller e1 %d\n"
                        " pri-group timeslots 1-31\n"
                        " isdn switch-type primary-net5\n"
                        " source virtual %s\n" % (n, self.spans[n]))
            f.write(extra_cfg)
            f.write(peers_cfg)
        self.log_path = os.path.join(self.dir, "gatewayd.log")
        self.cli_socket = os.path.join(self.dir, "cli.sock")
        rtp = free_port(even=True)
        self.args = ["-c", self.cfg, "--rtp-ports", "%d-%d" % (rtp, min(rtp + rtp_ports, 65534)),
                     "--cli-socket", self.cli_socket] + (args or [])
        open(self.log_path, "w").close()
        self._start()

    def _start(self):
        started = self.text().count("; ready")
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([os.path.join(BIN, "gatewayd")] + self.args,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.text().count("; ready") > started or self.proc.poll() is not None, 10,
                 "gatewayd ready")
        check(self.proc.poll() is None, "gatewayd exited at start:\n" + self.text())

    def restart(self):
        """Stops gatewayd (SIGINT) and starts it again on the same files."""
        rc = self.stop()
        check(rc == 0, "gatewayd exit status %s after SIGINT" % rc)
        self._start()

    def crash_and_start(self):
        """Kills gatewayd (SIGKILL: nothing is cleaned up) and starts it again
        on the same files."""
        self.proc.kill()
        self.proc.wait()
        self.log.close()
        self._start()

    def gwctl(self, *commands, stdin=None):
        """Runs gwctl -c COMMAND... (or a script on stdin); (status, stdout, stderr)."""
        args = [os.path.join(BIN, "gwctl"), "--socket", self.cli_socket]
        for c in commands:
            args += ["-c", c]
        p = subprocess.run(args, input=stdin if stdin is not None else "", capture_output=True, text=True,
                           timeout=20)
        return p.returncode, p.stdout, p.stderr

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_dchannel(self, timeout=10, span=None):
        """Waits for a D-channel up on any span, or on controller `span`."""
        what = "D-channel up" if span is None else "span=%d D-channel up" % span
        wait_for(lambda: what in self.text(), timeout, what)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(2)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure("gatewayd did not stop on SIGINT")
        self.log.close()
        return self.proc.returncode

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Pbx:
    """pbxsim on the far end of the gateway's span; collects its JSON lines."""

    def __init__(self, gw, args, span=None):
        self.out_path = os.path.join(gw.dir, "pbxsim-%d.out" % time.monotonic_ns())
        self.err_path = self.out_path + ".err"
        self.proc = subprocess.Popen([os.path.join(BIN, "pbxsim"), "--span", span or gw.span] + args,
                                     stdout=open(self.out_path, "w"), stderr=open(self.err_path, "w"))

    def wait(self, timeout=60):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure("pbxsim did not finish:\n" + self.err())
        return rc

    def err(self):
        with open(self.err_path) as f:
            return f.read()

    def calls(self):
        with open(self.out_path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def udp_bound(port):
    """Whether some socket is bound to UDP `port` (IPv4)."""
    want = ":%04X" % port
    with open("/proc/net/udp") as f:
        return any(line.split()[1].endswith(want) for line in f.readlines()[1:])


class Sipp:
    """SIPp with one of our scenarios; keys fill [name] fields."""

    def __init__(self, gw, scenario, port, keys=None, uac=False, calls=1, extra=None, trace=False,
                 limit=1, rate=1):
        """As a UAC (uac=True) SIPp keeps at most `limit` calls up and starts
        `rate` calls per second."""
        self.log_dir = gw.dir
        self.message_file = os.path.join(gw.dir, "sipp-%d-messages.log" % port) if trace else None
        self.port = port
        self.media_port = free_port(even=True)
        # Scenario fields such as [codec] are filled here, not with SIPp's -key:
        # SIPp reads pause times and status codes before it expands keys.
        with open(os.path.join(SIPP_DIR, scenario)) as f:
            xml = f.read()
        for k, v in (keys or {}).items():
            xml = xml.replace("[%s]" % k, str(v))
        # A pause of 0 ms is dropped rather than handed to SIPp: under load the
        # call behind it was seen to stall for over 10 s (180 sent, 200 never).
        xml = re.sub(r'\s*<pause milliseconds="0"\s*/>', "", xml)
        sf = os.path.join(gw.dir, "%d-%s" % (port, scenario))
        with open(sf, "w") as f:
            f.write(xml)
        args = ["sipp", "-sf", sf, "-i", "127.0.0.1", "-p", str(port),
                "-mi", "127.0.0.1", "-mp", str(self.media_port), "-m", str(calls), "-bg" if False else "-nostdin",
                "-trace_err", "-error_file", os.path.join(gw.dir, "sipp-%d-err.log" % port),
                "-timeout", "60s", "-timeout_error"]
        if uac:
            args += ["-s", keys.get("service", "5551000") if keys else "5551000",
                     "127.0.0.1:%d" % gw.sip_port, "-l", str(limit), "-r", str(rate)]
        if trace:
            args += ["-trace_msg", "-message_file", self.message_file]
        args += extra or []
        self.out = open(os.path.join(gw.dir, "sipp-%d.out" % port), "w")
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=subprocess.STDOUT, cwd=gw.dir)
        if not uac:
            # A phone that is not listening yet makes the gateway's INVITE fail
            # at once (ICMP port unreachable, a local 503, cause 41 to the PBX).
            deadline = time.time() + 10
            while not udp_bound(port) and self.proc.poll() is None and time.time() < deadline:
                time.sleep(0.01)

    def wait(self, timeout=60):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure("SIPp did not finish")

    def errors(self):
        path = os.path.join(self.log_dir, "sipp-%d-err.log" % self.port)
        return open(path).read() if os.path.exists(path) else ""

    def messages(self):
        """Every SIP message SIPp sent and received (needs trace=True)."""
        check(self.message_file is not None, "SIPp was started without trace=True")
        return open(self.message_file).read() if os.path.exists(self.message_file) else ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def messages(call):
    """The Q.931 messages of one pbxsim call as 'tx SETUP' strings."""
    return ["%s %s" % (m["dir"], m["msg"]) for m in call["messages"]]


def idle_channels(gw, span=0):
    found = re.findall(r"span %d: (\d+) of (\d+) B-channels idle" % span, gw.text())
    return tuple(int(x) for x in found[-1]) if found else None


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
        sys.stdout.write("---- gatewayd log (tail) ----\n" + "\n".join(gw.text().splitlines()[-int(os.environ.get("GWTEST_TAIL", "40")):]) + "\n")
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


def sip_ladder(trace):
    """SIPp's message trace (Sipp(trace=True).messages()) as a list of
    (dir, what, headers): dir 'tx' for what SIPp sent, 'rx' for what it
    received; what is the method or the status code; headers maps
    lower-case names to their first value."""
    out = []
    for block in re.split(r"\n?-{20,}[^\n]*\n", trace):
        m = re.match(r"\s*\S+ message (sent|received)[^\n]*\n\s*\n(.*)", block, re.S)
        if not m:
            continue
        lines = m.group(2).replace("\r", "").split("\n")
        start = lines[0].split()
        what = start[1] if start and start[0] == "SIP/2.0" else (start[0] if start else "")
        headers = {}
        for line in lines[1:]:
            if not line.strip():
                break
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), value.strip())
        out.append(("tx" if m.group(1) == "sent" else "rx", what, headers))
    return out


def ladder(trace):
    """The sip_ladder as 'rx INVITE' / 'tx 180' strings."""
    return ["%s %s" % (d, w) for d, w, _ in sip_ladder(trace)]


def sip_final_status(gw, local_ip, method, number, sdp=True):
    """Sends one request from `local_ip` over UDP; returns the status code of
    its first final response (None if none came within 5 s)."""
    final = sip_final_response(gw, local_ip, method, number, sdp)
    return int(final.split(" ", 2)[1]) if final else None


def sip_final_response(gw, local_ip, method, number, sdp=True):
    """Sends one request from `local_ip` over UDP; returns the text of its
    first final response ("" if none came within 5 s)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((local_ip, 0))
    port = sock.getsockname()[1]
    body = ("v=0\r\no=x 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8 0\r\n"
            % (local_ip, local_ip)) if sdp else ""
    call_id = "%d@%s" % (time.monotonic_ns(), local_ip)
    msg = ("%s sip:%s@127.0.0.1:%d SIP/2.0\r\n"
           "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%d\r\n"
           "From: <sip:scanner@%s>;tag=1\r\nTo: <sip:%s@127.0.0.1>\r\n"
           "Call-ID: %s\r\nCSeq: 1 %s\r\nContact: <sip:scanner@%s:%d>\r\nMax-Forwards: 70\r\n"
           "%sContent-Length: %d\r\n\r\n%s"
           % (method, number, gw.sip_port, local_ip, port, time.monotonic_ns(), local_ip, number, call_id, method,
              local_ip, port, "Content-Type: application/sdp\r\n" if body else "", len(body), body))
    sock.sendto(msg.encode(), ("127.0.0.1", gw.sip_port))
    sock.settimeout(5)
    try:
        while True:
            data = sock.recv(65536).decode(errors="replace")
            if int(data.split(" ", 2)[1]) >= 200:
                return data
    except socket.timeout:
        return ""
    finally:
        sock.close()
