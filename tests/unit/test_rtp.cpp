// Unit tests for dsp/rtp: RFC 3550 §5.1 header packing/parsing, rejection of
// malformed packets, and the sender's seq/timestamp/marker sequence.
#include "dsp/rtp.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

namespace dsp = gw::dsp;
using Bytes = std::vector<std::uint8_t>;

BOOST_AUTO_TEST_SUITE(rtp)

BOOST_AUTO_TEST_CASE(parses_a_known_packet) {
    // V=2 P=0 X=0 CC=0 M=1 PT=0 seq=0x1234 ts=0xDEADBEEF ssrc=0x01020304
    Bytes d{0x80, 0x80, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0xFF, 0x7F};
    auto p = dsp::parseRtp(d);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->header.marker);
    BOOST_TEST(p->header.payloadType == 0);
    BOOST_TEST(p->header.seq == 0x1234);
    BOOST_TEST(p->header.timestamp == 0xDEADBEEFu);
    BOOST_TEST(p->header.ssrc == 0x01020304u);
    BOOST_TEST(p->header.csrcCount == 0);
    BOOST_TEST(!p->header.padding);
    BOOST_TEST(!p->header.hasExtension);
    BOOST_TEST(Bytes(p->payload.begin(), p->payload.end()) == (Bytes{0xFF, 0x7F}));
}

BOOST_AUTO_TEST_CASE(pack_then_parse_round_trips) {
    const Bytes ext{1, 2, 3, 4, 5, 6, 7, 8};
    dsp::RtpHeader h;
    h.marker = false;
    h.payloadType = 8;
    h.seq = 65535;
    h.timestamp = 4294967200u;
    h.ssrc = 0xCAFEBABE;
    h.csrcCount = 2;
    h.csrc[0] = 11;
    h.csrc[1] = 0xFFFFFFFF;
    h.hasExtension = true;
    h.extensionProfile = 0xBEDE;
    h.extension = ext;
    Bytes payload(160, 0xD5);
    Bytes out(400);
    const std::size_t n = dsp::packRtp(h, payload, out);
    BOOST_TEST(n == 12u + 8u + 4u + 8u + 160u);
    BOOST_TEST(n == dsp::rtpHeaderSize(h) + payload.size());
    out.resize(n);
    BOOST_TEST(out[0] == 0x92);   // V=2, X=1, CC=2
    BOOST_TEST(out[1] == 0x08);
    auto p = dsp::parseRtp(out);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->header.payloadType == 8);
    BOOST_TEST(p->header.seq == 65535);
    BOOST_TEST(p->header.timestamp == 4294967200u);
    BOOST_TEST(p->header.ssrc == 0xCAFEBABEu);
    BOOST_TEST(p->header.csrcCount == 2);
    BOOST_TEST(p->header.csrc[1] == 0xFFFFFFFFu);
    BOOST_TEST(p->header.hasExtension);
    BOOST_TEST(p->header.extensionProfile == 0xBEDE);
    BOOST_TEST(Bytes(p->header.extension.begin(), p->header.extension.end()) == ext);
    BOOST_TEST(Bytes(p->payload.begin(), p->payload.end()) == payload);
}

BOOST_AUTO_TEST_CASE(padding_is_removed) {
    Bytes d{0xA0, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0x11, 0x22, 0, 0, 3};
    auto p = dsp::parseRtp(d);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->header.padding);
    BOOST_TEST(Bytes(p->payload.begin(), p->payload.end()) == (Bytes{0x11, 0x22}));
}

BOOST_AUTO_TEST_CASE(malformed_packets_are_rejected) {
    const Bytes good{0x80, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    BOOST_TEST(dsp::parseRtp(good).has_value());   // empty payload is legal
    BOOST_TEST(!dsp::parseRtp(Bytes(good.begin(), good.end() - 1)).has_value());   // short
    BOOST_TEST(!dsp::parseRtp(Bytes{}).has_value());
    Bytes v1 = good;
    v1[0] = 0x40;   // version 1
    BOOST_TEST(!dsp::parseRtp(v1).has_value());
    Bytes v0 = good;
    v0[0] = 0x00;
    BOOST_TEST(!dsp::parseRtp(v0).has_value());
    Bytes csrc = good;
    csrc[0] = 0x82;   // CC=2 but no CSRC words
    BOOST_TEST(!dsp::parseRtp(csrc).has_value());
    Bytes ext = good;
    ext[0] = 0x90;   // X=1 but no extension header
    BOOST_TEST(!dsp::parseRtp(ext).has_value());
    ext.insert(ext.end(), {0xBE, 0xDE, 0x00, 0x02, 1, 2, 3, 4});   // says 2 words, has 1
    BOOST_TEST(!dsp::parseRtp(ext).has_value());
    Bytes pad0 = good;
    pad0[0] = 0xA0;
    pad0.push_back(0);   // padding count 0
    BOOST_TEST(!dsp::parseRtp(pad0).has_value());
    Bytes padBig = good;
    padBig[0] = 0xA0;
    padBig.insert(padBig.end(), {0x11, 5});   // 5 octets of padding in a 2-octet payload
    BOOST_TEST(!dsp::parseRtp(padBig).has_value());
    Bytes rtcp{0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};   // an RTCP SR
    BOOST_TEST(!dsp::parseRtp(rtcp).has_value());
}

BOOST_AUTO_TEST_CASE(pack_refuses_what_does_not_fit) {
    dsp::RtpHeader h;
    Bytes payload(160), out(171);
    BOOST_TEST(dsp::packRtp(h, payload, out) == 0u);
    out.resize(172);
    BOOST_TEST(dsp::packRtp(h, payload, out) == 172u);
    h.payloadType = 128;
    BOOST_TEST(dsp::packRtp(h, payload, out) == 0u);
    h.payloadType = 0;
    const Bytes ext{1, 2, 3};
    h.hasExtension = true;
    h.extension = ext;
    out.resize(400);
    BOOST_TEST(dsp::packRtp(h, payload, out) == 0u);
}

BOOST_AUTO_TEST_CASE(sender_steps_and_marks_the_first_packet) {
    dsp::RtpSender s(0x11223344, 65534, 4294967136u, 0);
    auto a = s.next();
    auto b = s.next();
    auto c = s.next();
    BOOST_TEST(a.marker);
    BOOST_TEST(!b.marker);
    BOOST_TEST(!c.marker);
    BOOST_TEST(a.seq == 65534);
    BOOST_TEST(b.seq == 65535);
    BOOST_TEST(c.seq == 0);   // wraps
    BOOST_TEST(a.timestamp == 4294967136u);
    BOOST_TEST(b.timestamp == 0u);   // wraps modulo 2^32
    BOOST_TEST(c.timestamp == 160u);
    BOOST_TEST(a.ssrc == 0x11223344u);
    s.skip(320);
    s.restart();
    s.setPayloadType(8);
    auto d = s.next();
    BOOST_TEST(d.marker);
    BOOST_TEST(d.seq == 1);
    BOOST_TEST(d.timestamp == 640u);
    BOOST_TEST(d.payloadType == 8);
}

BOOST_AUTO_TEST_CASE(sequence_distance_wraps) {
    BOOST_TEST(dsp::seqDistance(1, 65535) == 2);
    BOOST_TEST(dsp::seqDistance(65535, 1) == -2);
    BOOST_TEST(dsp::seqDistance(100, 100) == 0);
    BOOST_TEST(dsp::seqDistance(32767, 0) == 32767);
}

BOOST_AUTO_TEST_SUITE_END()
