"""A far end on the gateway's virtual span that speaks Q.921/Q.931 itself,
byte by byte, without libpri: the network side of a point-to-point E1 PRI
(SAPI 0, TEI 0), so that tests can send what no real stack would."""

import array
import socket
import time


def fcs(data):
    """CRC-16/X.25 (Q.921 2.7), as two octets, low first."""
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    crc ^= 0xFFFF
    return bytes([crc & 0xFF, crc >> 8])


# Address octet 1 for SAPI 0: the network side sends commands with C/R 1 and
# responses with C/R 0 (Q.921 3.3.2).
NET_COMMAND = 0x02
NET_RESPONSE = 0x00


class RawPri:
    """Attaches to the span at `path` as its far end and brings layer 2 up."""

    def __init__(self, path, timeout=10):
        self.link = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.link.connect(path)
        self.link.settimeout(timeout)
        hello = self.link.recv(64)
        if not hello.startswith(b"VSPAN1 e1"):
            raise RuntimeError("unexpected span hello %r" % hello)
        self.link.send(b"VSPAN1 e1")
        self.d = None
        deadline = time.time() + timeout
        while self.d is None and time.time() < deadline:
            fds = array.array("i")
            msg, anc, _, _ = self.link.recvmsg(2048, socket.CMSG_SPACE(4 * fds.itemsize))
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.frombytes(data[:len(data) - len(data) % fds.itemsize])
            if msg[:1] == b"\x00" and fds:
                self.d = socket.socket(fileno=fds[0])
        if self.d is None:
            raise RuntimeError("the span did not hand over its D-channel")
        self.d.settimeout(0.2)
        self.vs = 0          # our N(S)
        self.vr = 0          # the next N(S) we expect
        self.received = []   # Q.931 messages received (bytes), in order
        self.up = False

    def close(self):
        for s in (self.d, self.link):
            if s is not None:
                s.close()

    stop = close   # as the test harness stops its helpers

    def send_frame(self, frame):
        self.d.send(bytes(frame) + fcs(frame))

    def send_raw(self, data):
        """Sends `data` as a whole D-channel frame, FCS and all (for bad frames)."""
        self.d.send(bytes(data))

    def send_q931(self, message):
        """One I-frame (a command) carrying `message`."""
        self.send_frame([NET_COMMAND, 0x01, self.vs << 1, self.vr << 1] + list(message))
        self.vs = (self.vs + 1) % 128

    def poll(self, seconds):
        """Handles what the gateway sends for `seconds`: SABME is answered
        with UA, I-frames are acknowledged and their Q.931 kept, polls answered."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                frame = self.d.recv(1024)
            except socket.timeout:
                continue
            if len(frame) < 5 or frame[-2:] != fcs(frame[:-2]):
                continue
            body = frame[:-2]
            ctl = body[2]
            if ctl & 0x01 == 0:                                # I-frame
                ns = ctl >> 1
                if ns == self.vr:
                    self.vr = (self.vr + 1) % 128
                    self.received.append(bytes(body[4:]))
                self.send_frame([NET_RESPONSE, 0x01, 0x01, self.vr << 1])     # RR
            elif ctl & 0xEF == 0x6F:                           # SABME
                self.vs = self.vr = 0
                self.send_frame([NET_RESPONSE, 0x01, 0x73])    # UA, F=1
                self.up = True
            elif ctl & 0x03 == 0x01:                           # RR / RNR / REJ
                if len(body) > 3 and body[3] & 0x01 and body[0] & 0x02 == 0:   # a command with P=1
                    self.send_frame([NET_RESPONSE, 0x01, 0x01, (self.vr << 1) | 0x01])

    def wait_up(self, seconds=10):
        deadline = time.time() + seconds
        while not self.up and time.time() < deadline:
            self.poll(0.1)
        return self.up

    def wait_for(self, predicate, seconds):
        """Polls until predicate(received messages) holds; returns it."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            if predicate(self.received):
                return True
            self.poll(0.05)
        return predicate(self.received)


def message_type(message):
    """The message type octet of a Q.931 message with a call reference of
    any length, or None."""
    if len(message) < 3:
        return None
    n = message[1] & 0x0F
    return message[2 + n] if len(message) > 2 + n else None


def call_ref(message):
    n = message[1] & 0x0F
    return bytes(message[2:2 + n])


SETUP, CALL_PROCEEDING, ALERTING, CONNECT = 0x05, 0x02, 0x01, 0x07
RELEASE_COMPLETE, STATUS, RELEASE, DISCONNECT = 0x5A, 0x7D, 0x4D, 0x45


def setup(call_reference, called, channel=10, bearer=True, extra=b""):
    """A SETUP for `called` on B-channel `channel` (exclusive), A-law speech."""
    msg = bytes([0x08, len(call_reference)]) + bytes(call_reference) + bytes([SETUP])
    if bearer:
        msg += bytes([0x04, 0x03, 0x80, 0x90, 0xA3])
    msg += bytes([0x18, 0x03, 0xA9, 0x83, 0x80 | channel])
    msg += bytes([0x70, len(called) + 1, 0x80]) + called.encode()
    msg += bytes([0xA1]) + extra
    return msg


def cause(message):
    """The cause value of the Cause IE (Q.931 4.5.12) of `message`, or None."""
    i = 3 + (message[1] & 0x0F)
    while i + 1 < len(message):
        ie = message[i]
        if ie & 0x80:                      # single-octet IE
            i += 1
            continue
        length = message[i + 1]
        if ie == 0x08 and length >= 2:
            body = message[i + 2:i + 2 + length]
            at = 1 if body[0] & 0x80 else 2   # octet 3a present unless ext bit set
            return body[at] & 0x7F if at < len(body) else None
        i += 2 + length
    return None


def message(call_reference, kind, ies=b""):
    return bytes([0x08, len(call_reference)]) + bytes(call_reference) + bytes([kind]) + bytes(ies)
