"""Start and stop Kamailio (configs in tests/integration/kamailio/) as a real
SIP proxy or registrar on loopback for the integration tests.

    proc = start_kamailio("proxy.cfg", gw.dir, {"LISTEN": "udp:127.0.0.1:%d" % port,
                                                 "NEXT_HOP": "sip:127.0.0.1:%d" % gw.sip_port})
    ...
    stop_kamailio(proc)

Each instance gets its own directory WORKDIR/kamailio-PORT (pid file, runtime
dir with the kamcmd socket, log); nothing is written outside it. The Popen
object returned carries .dir, .log_path, .ctl (kamcmd socket, registrar.cfg
only) and .addr (host, port)."""
import os
import socket
import subprocess
import time

KAMAILIO = os.environ.get("KAMAILIO", "/usr/sbin/kamailio")
KAMCMD = os.environ.get("KAMCMD", "/usr/sbin/kamcmd")
CFG_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kamailio")

# Defines used as bare config tokens; all others become quoted strings.
RAW_DEFINES = ("LISTEN",)


class KamailioError(Exception):
    pass


def _define(name, value):
    if value is None or value is True:
        return name
    if name in RAW_DEFINES:
        return "%s=%s" % (name, value)
    return '%s="%s"' % (name, str(value).replace("\\", "\\\\").replace('"', '\\"'))


def _listen_addr(listen):
    """'udp:127.0.0.1:5081' -> ('127.0.0.1', 5081)."""
    parts = listen.split(":")
    if parts[0] in ("udp", "tcp", "tls", "sctp"):
        parts = parts[1:]
    if len(parts) != 2:
        raise KamailioError("LISTEN must be [udp:]IP:PORT, not %r" % listen)
    return parts[0], int(parts[1])


def _log_text(proc):
    with open(proc.log_path, errors="replace") as f:
        return f.read()


def _options_answered(host, port, timeout):
    """Sends one OPTIONS to the server itself; True on any SIP response."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind((host, 0))
        sock.connect((host, port))
        lport = sock.getsockname()[1]
        tag = time.monotonic_ns()
        msg = ("OPTIONS sip:%s:%d SIP/2.0\r\n"
               "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bKprobe%d\r\n"
               "From: <sip:probe@%s:%d>;tag=%d\r\nTo: <sip:%s:%d>\r\n"
               "Call-ID: probe-%d@%s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
               "Content-Length: 0\r\n\r\n"
               % (host, port, host, lport, tag, host, lport, tag, host, port, tag, host))
        sock.send(msg.encode())
        sock.settimeout(timeout)
        return sock.recv(65536).startswith(b"SIP/2.0 ")
    except (socket.timeout, ConnectionRefusedError):
        return False
    finally:
        sock.close()


def start_kamailio(cfg_name, workdir, defines, timeout=10):
    """Starts kamailio in the foreground with tests/integration/kamailio/CFG_NAME
    and `defines` (-A NAME=VALUE; LISTEN is required) and returns once it
    answers an OPTIONS sent to LISTEN. Output goes to proc.log_path."""
    cfg = os.path.join(CFG_DIR, cfg_name)
    host, port = _listen_addr(defines["LISTEN"])
    kdir = os.path.join(os.path.abspath(workdir), "kamailio-%d" % port)
    os.makedirs(kdir, exist_ok=True)
    args = [KAMAILIO, "-f", cfg, "-DD", "-E", "-m", "16", "-M", "4", "-n", "1",
            "-P", os.path.join(kdir, "kamailio.pid"), "-Y", kdir, "-w", kdir]
    for name, value in defines.items():
        args += ["-A", _define(name, value)]
    log_path = os.path.join(kdir, "kamailio.log")
    log = open(log_path, "a")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=kdir)
    log.close()
    proc.dir, proc.log_path, proc.addr = kdir, log_path, (host, port)
    proc.ctl = "unix:" + os.path.join(kdir, "kamailio_ctl")
    deadline = time.time() + timeout
    while True:
        if proc.poll() is not None:
            raise KamailioError("kamailio (%s) exited at start with %s:\n%s"
                                % (cfg_name, proc.returncode, _log_text(proc)[-3000:]))
        if _options_answered(host, port, 0.2):
            return proc
        if time.time() > deadline:
            stop_kamailio(proc)
            raise KamailioError("kamailio (%s) not answering on %s:%d:\n%s"
                                % (cfg_name, host, port, _log_text(proc)[-3000:]))
        time.sleep(0.05)


def stop_kamailio(proc, timeout=10):
    """SIGTERM (the main process stops its children), SIGKILL if it hangs;
    returns the exit status (0 after a clean SIGTERM)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def kamailio_log(proc):
    """Everything kamailio wrote so far (startup messages and the request trace)."""
    return _log_text(proc)


def registered_contacts(proc, user):
    """Contact addresses currently bound to AoR `user` (registrar.cfg)."""
    cmd = [KAMCMD, "-s", proc.ctl, "ul.lookup", "location", "s:%s" % user]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    if "AOR not found" in p.stdout:
        return []
    if p.returncode != 0 or p.stdout.startswith("error:"):
        raise KamailioError("%s: %s%s" % (" ".join(cmd), p.stdout, p.stderr))
    return [line.split(":", 1)[1].strip() for line in p.stdout.splitlines()
            if line.strip().startswith("Address:")]
