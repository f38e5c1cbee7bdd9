"""Writes a pcap of RTP packets carrying a G.711 tone, for SIPp's
play_pcap_audio: tone_pcap.py OUT.pcap --hz 1004 --dbm0 -10 --seconds 3 --pt 0"""
import argparse
import math
import struct


def ulaw(sample: int) -> int:
    """G.711 mu-law encoding of one 16-bit linear sample."""
    sign = 0x80 if sample < 0 else 0
    mag = min(abs(sample), 32635) + 0x84
    exp = max(0, mag.bit_length() - 8)
    mant = (mag >> (exp + 3)) & 0x0F
    return ~(sign | (exp << 4) | mant) & 0xFF


def alaw(sample: int) -> int:
    """G.711 A-law encoding of one 16-bit linear sample (even bits inverted)."""
    sign = 0x80 if sample >= 0 else 0
    mag = min(abs(sample), 32767) >> 3
    if mag < 32:
        code = mag >> 1
    else:
        exp = mag.bit_length() - 5
        code = (exp << 4) | ((mag >> exp) & 0x0F)
    return (sign | code) ^ 0x55


def ip_checksum(header: bytes) -> int:
    total = sum(struct.unpack("!10H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def packet(payload: bytes) -> bytes:
    udp = struct.pack("!HHHH", 6000, 6000, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    eth = b"\x00" * 12 + b"\x08\x00"
    return eth + ip + udp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--hz", type=float, default=1004.0)
    ap.add_argument("--dbm0", type=float, default=-10.0)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--pt", type=int, default=0, help="0 PCMU, 8 PCMA")
    a = ap.parse_args()
    # A full-scale sine (peak 32768) is +3.14 dBm0 (G.711).
    amp = 32768.0 * 10 ** ((a.dbm0 - 3.14) / 20.0)
    frames = int(a.seconds * 50)
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for n in range(frames):
            enc = ulaw if a.pt == 0 else alaw
            law = bytes(enc(int(round(amp * math.sin(2 * math.pi * a.hz * (n * 160 + i) / 8000)))) for i in range(160))
            rtp = struct.pack("!BBHII", 0x80, a.pt | (0x80 if n == 0 else 0), n & 0xFFFF, n * 160, 0x1234) + law
            pkt = packet(rtp)
            usec = n * 20000
            f.write(struct.pack("<IIII", usec // 1000000, usec % 1000000, len(pkt), len(pkt)))
            f.write(pkt)


if __name__ == "__main__":
    main()
