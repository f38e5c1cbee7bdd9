// Unit tests for sip/sdp: parsing (RFC 4566), offers, answers (RFC 3264 §6)
// and processing answers (RFC 3264 §7), on SDP bodies shaped like those of
// real phones and proxies.
#include "sip/sdp.hpp"

#include <boost/test/unit_test.hpp>

using namespace gw::sip;

namespace {

SdpSession parseOk(const std::string& text) {
    std::string error;
    auto s = parseSdp(text, error);
    BOOST_TEST_REQUIRE(s.has_value(), "parse failed: " << error);
    return *s;
}

std::string parseError(const std::string& text) {
    std::string error;
    auto s = parseSdp(text, error);
    BOOST_TEST(!s.has_value());
    BOOST_TEST(!error.empty());
    return error;
}

LocalMedia local(const std::string& addr = "192.0.2.5", int port = 4000) {
    LocalMedia l;
    l.addr = addr;
    l.port = port;
    l.sessId = "1234";
    l.sessVersion = "1";
    return l;
}

const std::string kPcmuOnly =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 198.51.100.1\r\n"
    "s=-\r\n"
    "c=IN IP4 198.51.100.1\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0\r\n";

const std::string kPcmaFirstTe96 =
    "v=0\n"
    "o=- 1 1 IN IP4 198.51.100.2\n"
    "s=call\n"
    "c=IN IP4 198.51.100.2\n"
    "t=0 0\n"
    "m=audio 30000 RTP/AVP 8 0 96\n"
    "a=rtpmap:8 PCMA/8000\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:96 telephone-event/8000\n"
    "a=fmtp:96 0-16\n"
    "a=ptime:30\n";

int countLines(const std::string& sdp, const std::string& prefix) {
    int n = 0;
    for (std::size_t pos = 0; (pos = sdp.find(prefix, pos)) != std::string::npos; ++pos)
        if (pos == 0 || sdp[pos - 1] == '\n') ++n;
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sdp)

BOOST_AUTO_TEST_CASE(parses_static_payload_types_without_rtpmap) {
    auto s = parseOk(kPcmuOnly);
    BOOST_TEST(s.originUser == "alice");
    BOOST_TEST(s.sessId == "2890844526");
    BOOST_TEST(s.connAddr == "198.51.100.1");
    BOOST_TEST_REQUIRE(s.media.size() == 1u);
    const auto& m = s.media[0];
    BOOST_TEST(m.type == "audio");
    BOOST_TEST(m.port == 49170);
    BOOST_TEST(m.addr == "198.51.100.1");
    BOOST_TEST(m.direction == "sendrecv");
    BOOST_TEST(m.ptime == 0);
    BOOST_TEST_REQUIRE(m.codecs.size() == 1u);
    BOOST_TEST(m.codecs[0].pt == 0);
    BOOST_TEST(m.codecs[0].name == "PCMU");
    BOOST_TEST(m.codecs[0].rate == 8000);
}

BOOST_AUTO_TEST_CASE(parses_dynamic_payload_types_with_lf_line_ends) {
    auto s = parseOk(kPcmaFirstTe96);
    const auto& m = s.media.at(0);
    BOOST_TEST_REQUIRE(m.codecs.size() == 3u);
    BOOST_TEST(m.codecs[2].pt == 96);
    BOOST_TEST(m.codecs[2].name == "telephone-event");
    BOOST_TEST(m.codecs[2].fmtp == "0-16");
    BOOST_TEST(m.ptime == 30);
}

BOOST_AUTO_TEST_CASE(media_level_connection_overrides_session_level) {
    auto s = parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                     "m=audio 1000 RTP/AVP 0\r\nc=IN IP4 10.0.0.2\r\n"
                     "m=audio 2000 RTP/AVP 0\r\n");
    BOOST_TEST(s.media.at(0).addr == "10.0.0.2");
    BOOST_TEST(s.media.at(1).addr == "10.0.0.1");
}

BOOST_AUTO_TEST_CASE(missing_session_connection_is_fine_when_media_has_one) {
    auto s = parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\n"
                     "m=audio 1000 RTP/AVP 8\r\nc=IN IP4 10.0.0.9/127\r\n");
    BOOST_TEST(s.connAddr.empty());
    BOOST_TEST(s.media.at(0).addr == "10.0.0.9");   // TTL suffix dropped
}

BOOST_AUTO_TEST_CASE(missing_connection_everywhere_is_an_error) {
    auto e = parseError("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 1000 RTP/AVP 0\r\n");
    BOOST_TEST(e.find("no connection address") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejected_stream_needs_no_connection) {
    auto s = parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n");
    BOOST_TEST(s.media.at(0).port == 0);
}

BOOST_AUTO_TEST_CASE(parses_ipv6) {
    auto s = parseOk("v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\n"
                     "t=0 0\r\nm=audio 5004 RTP/AVP 0 8\r\n");
    BOOST_TEST(s.originAddr == "2001:db8::1");
    BOOST_TEST(s.media.at(0).addr == "2001:db8::1");
    BOOST_TEST(s.media.at(0).codecs.size() == 2u);
}

BOOST_AUTO_TEST_CASE(direction_session_level_inherited_media_level_wins) {
    auto s = parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                     "a=sendonly\r\nm=audio 1000 RTP/AVP 0\r\nm=audio 1002 RTP/AVP 0\r\n"
                     "a=inactive\r\n");
    BOOST_TEST(s.media.at(0).direction == "sendonly");
    BOOST_TEST(s.media.at(1).direction == "inactive");
}

BOOST_AUTO_TEST_CASE(dynamic_pt_without_rtpmap_has_no_name) {
    auto s = parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                     "m=audio 1000 RTP/AVP 97 0\r\n");
    BOOST_TEST(s.media.at(0).codecs.at(0).name.empty());
    BOOST_TEST(s.media.at(0).codecs.at(1).name == "PCMU");
}

BOOST_AUTO_TEST_CASE(malformed_bodies_are_refused_with_the_line) {
    parseError("");
    parseError("\r\n\r\n");
    BOOST_TEST(parseError("o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n").find("v=0") != std::string::npos);
    BOOST_TEST(parseError("v=0\r\nthis is not sdp\r\n").find("line 2") != std::string::npos);
    parseError("v=0\r\nX=upper\r\n");
    parseError("v=0\r\no=- 1 1 IN IP4\r\n");
    parseError("v=0\r\nc=IN IP5 1.2.3.4\r\n");
    parseError("v=0\r\nc=IN IP4\r\n");
    parseError("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio RTP/AVP 0\r\n");
    parseError("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 70000 RTP/AVP 0\r\n");
    parseError("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1000 RTP/AVP 96\r\na=rtpmap:96 foo\r\n");
    parseError("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1000 RTP/AVP 96\r\na=rtpmap:x foo/8000\r\n");
    parseError("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1000 RTP/AVP 0\r\na=ptime:abc\r\n");
}

BOOST_AUTO_TEST_CASE(offer_lists_the_span_law_first_and_telephone_event) {
    std::string offer = buildOffer(local(), defaultCodecs(true));
    BOOST_TEST(offer.find("m=audio 4000 RTP/AVP 8 0 101\r\n") != std::string::npos);
    BOOST_TEST(offer.find("a=rtpmap:101 telephone-event/8000\r\n") != std::string::npos);
    BOOST_TEST(offer.find("a=fmtp:101 0-15\r\n") != std::string::npos);
    BOOST_TEST(offer.find("a=ptime:20\r\n") != std::string::npos);
    BOOST_TEST(offer.find("a=sendrecv\r\n") != std::string::npos);
    BOOST_TEST(offer.find("o=gatewayd 1234 1 IN IP4 192.0.2.5\r\n") != std::string::npos);
    auto parsed = parseOk(offer);                                  // round trip
    BOOST_TEST(parsed.media.at(0).codecs.size() == 3u);
    BOOST_TEST(parsed.media.at(0).codecs.at(0).name == "PCMA");
    BOOST_TEST(buildOffer(local(), defaultCodecs(false)).find("RTP/AVP 0 8 101") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(offer_over_ipv6) {
    std::string offer = buildOffer(local("2001:db8::5"), defaultCodecs(false));
    BOOST_TEST(offer.find("c=IN IP6 2001:db8::5\r\n") != std::string::npos);
    BOOST_TEST(parseOk(offer).media.at(0).addr == "2001:db8::5");
}

BOOST_AUTO_TEST_CASE(answer_to_pcmu_only_offer) {
    auto r = answerOffer(parseOk(kPcmuOnly), defaultCodecs(true), local());
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST(r.media.codec.name == "PCMU");          // PCMA preferred but not offered
    BOOST_TEST(r.media.tePt == -1);
    BOOST_TEST(r.media.remoteAddr == "198.51.100.1");
    BOOST_TEST(r.media.remotePort == 49170);
    BOOST_TEST(r.media.ptime == 20);
    BOOST_TEST(r.sdp.find("m=audio 4000 RTP/AVP 0\r\n") != std::string::npos);
    BOOST_TEST(r.sdp.find("telephone-event") == std::string::npos);
    BOOST_TEST(countLines(r.sdp, "m=") == 1);
}

BOOST_AUTO_TEST_CASE(answer_follows_our_preference_and_offer_te_pt) {
    auto offer = parseOk(kPcmaFirstTe96);
    auto r = answerOffer(offer, defaultCodecs(false), local());   // we prefer PCMU
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST(r.media.codec.name == "PCMU");
    BOOST_TEST(r.media.tePt == 96);
    BOOST_TEST(r.media.ptime == 30);
    BOOST_TEST(r.sdp.find("m=audio 4000 RTP/AVP 0 96\r\n") != std::string::npos);
    BOOST_TEST(r.sdp.find("a=rtpmap:96 telephone-event/8000\r\n") != std::string::npos);
    BOOST_TEST(r.sdp.find("a=fmtp:96 0-16\r\n") != std::string::npos);

    auto alaw = answerOffer(offer, defaultCodecs(true), local());
    BOOST_TEST(alaw.media.codec.name == "PCMA");
    BOOST_TEST(alaw.media.codec.pt == 8);
}

BOOST_AUTO_TEST_CASE(codec_names_match_case_insensitively) {
    auto r = answerOffer(parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n"
                                 "t=0 0\r\nm=audio 1000 RTP/AVP 112 113\r\n"
                                 "a=rtpmap:112 pcma/8000\r\na=rtpmap:113 TELEPHONE-EVENT/8000\r\n"),
                         defaultCodecs(false), local());
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST(r.media.codec.pt == 112);
    BOOST_TEST(r.media.tePt == 113);
    BOOST_TEST(r.sdp.find("a=fmtp:113 0-15\r\n") != std::string::npos);  // ours when none offered
}

BOOST_AUTO_TEST_CASE(video_m_line_is_rejected_with_port_zero) {
    auto offer = parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                         "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                         "m=audio 6000 RTP/AVP 0\r\n");
    auto r = answerOffer(offer, defaultCodecs(false), local());
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST(r.media.mediaIndex == 1);
    BOOST_TEST(r.media.remotePort == 6000);
    BOOST_TEST(countLines(r.sdp, "m=") == 2);                        // RFC 3264 §6
    BOOST_TEST(r.sdp.find("m=video 0 RTP/AVP 96\r\n") != std::string::npos);
    BOOST_TEST(r.sdp.find("m=video") < r.sdp.find("m=audio"));      // same order
    auto back = parseOk(r.sdp);
    BOOST_TEST(back.media.at(0).port == 0);
    BOOST_TEST(back.media.at(1).port == 4000);
}

BOOST_AUTO_TEST_CASE(second_audio_stream_is_rejected) {
    auto offer = parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                         "m=audio 5000 RTP/AVP 0\r\nm=audio 6000 RTP/AVP 0\r\n");
    auto r = answerOffer(offer, defaultCodecs(false), local());
    BOOST_TEST_REQUIRE(r.ok);
    BOOST_TEST(r.media.remotePort == 5000);
    BOOST_TEST(r.sdp.find("m=audio 0 RTP/AVP 0\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(srtp_stream_is_not_accepted) {
    auto r = answerOffer(parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n"
                                 "t=0 0\r\nm=audio 5000 RTP/SAVP 0\r\n"),
                         defaultCodecs(false), local());
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.sdp.empty());
}

BOOST_AUTO_TEST_CASE(directions_are_mirrored) {
    const std::string base = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n"
                             "t=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";
    auto hold = answerOffer(parseOk(base + "a=sendonly\r\n"), defaultCodecs(false), local());
    BOOST_TEST(hold.sdp.find("a=recvonly\r\n") != std::string::npos);
    BOOST_TEST(hold.media.direction == "recvonly");
    auto rev = answerOffer(parseOk(base + "a=recvonly\r\n"), defaultCodecs(false), local());
    BOOST_TEST(rev.sdp.find("a=sendonly\r\n") != std::string::npos);
    auto off = answerOffer(parseOk(base + "a=inactive\r\n"), defaultCodecs(false), local());
    BOOST_TEST(off.sdp.find("a=inactive\r\n") != std::string::npos);
    auto both = answerOffer(parseOk(base), defaultCodecs(false), local());
    BOOST_TEST(both.sdp.find("a=sendrecv\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(old_style_hold_address_stops_our_sending) {
    auto r = answerOffer(parseOk("v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\n"
                                 "t=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"),
                         defaultCodecs(false), local());
    BOOST_TEST_REQUIRE(r.ok);
    BOOST_TEST(r.media.direction == "recvonly");                    // RFC 3264 §8.4
    BOOST_TEST(r.sdp.find("a=recvonly\r\n") != std::string::npos);   // and the answer says so
}

BOOST_AUTO_TEST_CASE(no_common_codec_fails) {
    auto r = answerOffer(parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n"
                                 "t=0 0\r\nm=audio 5000 RTP/AVP 18 101\r\na=rtpmap:18 G729/8000\r\n"
                                 "a=rtpmap:101 telephone-event/8000\r\n"),
                         defaultCodecs(false), local());
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.error.find("no common codec") != std::string::npos);
    auto video = answerOffer(parseOk("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\n"
                                     "t=0 0\r\nm=video 5000 RTP/AVP 31\r\n"),
                             defaultCodecs(false), local());
    BOOST_TEST(!video.ok);
    BOOST_TEST(video.error.find("no usable") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(answer_over_ipv6) {
    auto r = answerOffer(parseOk("v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\n"
                                 "c=IN IP6 2001:db8::1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n"),
                         defaultCodecs(false), local("2001:db8::5"));
    BOOST_TEST_REQUIRE(r.ok);
    BOOST_TEST(r.media.remoteAddr == "2001:db8::1");
    BOOST_TEST(r.sdp.find("c=IN IP6 2001:db8::5\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(process_answer_takes_the_answer_codec_and_te) {
    auto offer = parseOk(buildOffer(local(), defaultCodecs(true)));
    auto answer = parseOk("v=0\r\no=- 5 5 IN IP4 10.0.0.7\r\ns=-\r\nc=IN IP4 10.0.0.7\r\nt=0 0\r\n"
                          "m=audio 7000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
                          "a=recvonly\r\n");
    auto r = processAnswer(offer, answer);
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST(r.media.codec.name == "PCMU");
    BOOST_TEST(r.media.tePt == 101);
    BOOST_TEST(r.media.remoteAddr == "10.0.0.7");
    BOOST_TEST(r.media.remotePort == 7000);
    BOOST_TEST(r.media.direction == "sendonly");
}

BOOST_AUTO_TEST_CASE(process_answer_without_te) {
    auto offer = parseOk(buildOffer(local(), defaultCodecs(false)));
    auto r = processAnswer(offer, parseOk("v=0\r\no=- 5 5 IN IP4 10.0.0.7\r\ns=-\r\n"
                                          "c=IN IP4 10.0.0.7\r\nt=0 0\r\nm=audio 7000 RTP/AVP 8\r\n"));
    BOOST_TEST_REQUIRE(r.ok);
    BOOST_TEST(r.media.codec.pt == 8);
    BOOST_TEST(r.media.tePt == -1);
}

BOOST_AUTO_TEST_CASE(process_answer_failures) {
    auto offer = parseOk(buildOffer(local(), defaultCodecs(false)));
    auto rejected = processAnswer(offer, parseOk("v=0\r\no=- 5 5 IN IP4 10.0.0.7\r\ns=-\r\n"
                                                 "t=0 0\r\nm=audio 0 RTP/AVP 0\r\n"));
    BOOST_TEST(!rejected.ok);
    BOOST_TEST(rejected.error.find("rejected") != std::string::npos);
    auto foreign = processAnswer(offer, parseOk("v=0\r\no=- 5 5 IN IP4 10.0.0.7\r\ns=-\r\n"
                                                "c=IN IP4 10.0.0.7\r\nt=0 0\r\n"
                                                "m=audio 7000 RTP/AVP 18\r\n"));
    BOOST_TEST(!foreign.ok);
    auto extra = processAnswer(offer, parseOk("v=0\r\no=- 5 5 IN IP4 10.0.0.7\r\ns=-\r\n"
                                              "c=IN IP4 10.0.0.7\r\nt=0 0\r\n"
                                              "m=audio 7000 RTP/AVP 0\r\nm=video 0 RTP/AVP 31\r\n"));
    BOOST_TEST(!extra.ok);
    BOOST_TEST(extra.error.find("m-lines") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(offer_answer_round_trip) {
    auto offer = buildOffer(local("192.0.2.5", 4000), defaultCodecs(true));
    auto answered = answerOffer(parseOk(offer), defaultCodecs(false), local("192.0.2.9", 5000));
    BOOST_TEST_REQUIRE(answered.ok);
    BOOST_TEST(answered.media.codec.name == "PCMU");   // the answerer's preference
    auto r = processAnswer(parseOk(offer), parseOk(answered.sdp));
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST(r.media.codec.name == "PCMU");
    BOOST_TEST(r.media.tePt == 101);
    BOOST_TEST(r.media.remoteAddr == "192.0.2.9");
    BOOST_TEST(r.media.remotePort == 5000);
    BOOST_TEST(r.media.direction == "sendrecv");
}

BOOST_AUTO_TEST_SUITE_END()
