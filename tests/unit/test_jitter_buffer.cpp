// Unit tests for dsp/jitter_buffer: ordering, wrap-around, duplicates, late
// and lost packets, the depth bound, initial delay, underrun and resync.
#include "dsp/jitter_buffer.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <vector>

namespace dsp = gw::dsp;
using Push = dsp::JitterBuffer::Push;

namespace {

constexpr std::uint32_t kSsrc = 0x1234;

std::array<std::uint8_t, dsp::kJitterFrameBytes> frame(std::uint16_t seq) {
    std::array<std::uint8_t, dsp::kJitterFrameBytes> f{};
    f.fill(static_cast<std::uint8_t>(seq));
    f[1] = static_cast<std::uint8_t>(seq >> 8);
    return f;
}

Push push(dsp::JitterBuffer& jb, std::uint16_t seq, std::uint32_t ssrc = kSsrc) {
    return jb.push(ssrc, seq, frame(seq));
}

// Pops one frame: its sequence number, or -1 for "no frame".
int pop(dsp::JitterBuffer& jb) {
    std::array<std::uint8_t, dsp::kJitterFrameBytes> out{};
    if (!jb.pop(out)) return -1;
    return out[0] | (out[1] << 8);
}

} // namespace

BOOST_AUTO_TEST_SUITE(jitter_buffer)

BOOST_AUTO_TEST_CASE(empty_buffer_has_no_frame) {
    dsp::JitterBuffer jb;
    BOOST_TEST(pop(jb) == -1);
    BOOST_TEST(jb.stats().underruns == 0u);
}

BOOST_AUTO_TEST_CASE(in_order_stream_after_two_frame_delay) {
    dsp::JitterBuffer jb;
    BOOST_TEST((push(jb, 100) == Push::Queued));
    BOOST_TEST(pop(jb) == -1);   // prebuffering
    push(jb, 101);
    for (int seq = 100; seq < 150; ++seq) {
        BOOST_TEST(pop(jb) == seq);
        push(jb, static_cast<std::uint16_t>(seq + 2));
        BOOST_TEST(jb.depth() <= 2u);
    }
    BOOST_TEST(jb.stats().played == 50u);
    BOOST_TEST(jb.stats().lost == 0u);
}

BOOST_AUTO_TEST_CASE(lone_packet_plays_after_the_delay) {
    dsp::JitterBuffer jb;
    push(jb, 7);
    BOOST_TEST(pop(jb) == -1);
    BOOST_TEST(pop(jb) == -1);
    BOOST_TEST(pop(jb) == 7);
    BOOST_TEST(pop(jb) == -1);
    BOOST_TEST(jb.stats().underruns == 1u);
}

BOOST_AUTO_TEST_CASE(reordered_packets_play_in_order) {
    dsp::JitterBuffer jb;
    push(jb, 12);
    push(jb, 10);   // earlier than the first one, before playout: rebases
    push(jb, 11);
    push(jb, 14);
    push(jb, 13);
    BOOST_TEST(pop(jb) == 10);
    BOOST_TEST(pop(jb) == 11);
    BOOST_TEST(pop(jb) == 12);
    BOOST_TEST(pop(jb) == 13);
    BOOST_TEST(pop(jb) == 14);
    BOOST_TEST(jb.stats().late == 0u);
}

BOOST_AUTO_TEST_CASE(duplicates_are_dropped) {
    dsp::JitterBuffer jb;
    push(jb, 5);
    BOOST_TEST((push(jb, 5) == Push::Duplicate));
    push(jb, 6);
    BOOST_TEST(pop(jb) == 5);
    BOOST_TEST(pop(jb) == 6);
    BOOST_TEST(jb.stats().duplicates == 1u);
}

BOOST_AUTO_TEST_CASE(late_packets_are_dropped) {
    dsp::JitterBuffer jb;
    push(jb, 1);
    push(jb, 2);
    push(jb, 4);
    push(jb, 5);
    BOOST_TEST(pop(jb) == 1);
    BOOST_TEST(pop(jb) == 2);
    BOOST_TEST(pop(jb) == -1);   // 3 lost
    BOOST_TEST((push(jb, 3) == Push::Late));
    BOOST_TEST((push(jb, 1) == Push::Late));
    BOOST_TEST(pop(jb) == 4);
    BOOST_TEST(pop(jb) == 5);
    BOOST_TEST(jb.stats().lost == 1u);
    BOOST_TEST(jb.stats().late == 2u);
}

BOOST_AUTO_TEST_CASE(sequence_wraps_around) {
    dsp::JitterBuffer jb;
    for (std::uint16_t seq : {65533, 65535, 65534, 0, 2, 1}) push(jb, seq);
    for (int seq : {65533, 65534, 65535, 0, 1, 2}) BOOST_TEST(pop(jb) == seq);
    BOOST_TEST(jb.stats().late == 0u);
    BOOST_TEST(jb.stats().resyncs == 0u);
}

BOOST_AUTO_TEST_CASE(depth_is_bounded_to_200ms) {
    dsp::JitterBuffer jb;
    for (int seq = 0; seq < 30; ++seq) push(jb, static_cast<std::uint16_t>(seq));
    BOOST_TEST(jb.depth() == 10u);
    BOOST_TEST(jb.stats().overflow == 20u);
    for (int seq = 20; seq < 30; ++seq) BOOST_TEST(pop(jb) == seq);
    BOOST_TEST((push(jb, 5) == Push::Late));
}

BOOST_AUTO_TEST_CASE(new_ssrc_resyncs) {
    dsp::JitterBuffer jb;
    push(jb, 1);
    push(jb, 2);
    BOOST_TEST(pop(jb) == 1);
    push(jb, 9000, 0x9999);
    BOOST_TEST(jb.stats().resyncs == 1u);
    BOOST_TEST(jb.depth() == 1u);   // old stream flushed
    BOOST_TEST(pop(jb) == -1);      // initial delay again
    push(jb, 9001, 0x9999);
    BOOST_TEST(pop(jb) == 9000);
    BOOST_TEST(pop(jb) == 9001);
}

BOOST_AUTO_TEST_CASE(big_jump_resyncs) {
    dsp::JitterBuffer jb;
    push(jb, 1);
    push(jb, 2);
    BOOST_TEST(pop(jb) == 1);
    push(jb, 5000);   // forward jump
    push(jb, 5001);
    BOOST_TEST(jb.stats().resyncs == 1u);
    BOOST_TEST(pop(jb) == 5000);
    push(jb, 10);     // backward jump
    push(jb, 11);
    BOOST_TEST(jb.stats().resyncs == 2u);
    BOOST_TEST(pop(jb) == 10);
}

BOOST_AUTO_TEST_CASE(moderate_jump_forward_keeps_playing) {
    dsp::JitterBuffer jb;
    push(jb, 1);
    push(jb, 2);
    BOOST_TEST(pop(jb) == 1);
    push(jb, 40);   // 38 ahead: beyond the bound, below the resync gap
    BOOST_TEST(jb.stats().resyncs == 0u);
    BOOST_TEST(jb.stats().overflow == 1u);   // frame 2 pushed out
    BOOST_TEST(jb.depth() == 1u);
    BOOST_TEST(pop(jb) == -1);   // 31..39 are still awaited
}

BOOST_AUTO_TEST_CASE(sender_restart_with_lower_seq_resyncs_after_a_few) {
    dsp::JitterBuffer jb;
    for (std::uint16_t seq = 50; seq < 53; ++seq) push(jb, seq);
    for (int seq = 50; seq < 53; ++seq) BOOST_TEST(pop(jb) == seq);
    BOOST_TEST((push(jb, 40) == Push::Late));
    BOOST_TEST((push(jb, 41) == Push::Late));
    BOOST_TEST((push(jb, 42) == Push::Late));
    BOOST_TEST((push(jb, 43) == Push::Queued));
    BOOST_TEST(jb.stats().resyncs == 1u);
    push(jb, 44);
    BOOST_TEST(pop(jb) == 43);
}

BOOST_AUTO_TEST_CASE(underrun_rebuffers_and_skips_the_gap) {
    dsp::JitterBuffer jb;
    push(jb, 1);
    push(jb, 2);
    BOOST_TEST(pop(jb) == 1);
    BOOST_TEST(pop(jb) == 2);
    BOOST_TEST(pop(jb) == -1);   // underrun: 3..6 never come
    BOOST_TEST(pop(jb) == -1);
    BOOST_TEST(jb.stats().underruns == 1u);
    BOOST_TEST(!jb.playing());
    BOOST_TEST((push(jb, 7) == Push::Queued));
    BOOST_TEST(pop(jb) == -1);   // rebuffering
    push(jb, 8);
    BOOST_TEST(pop(jb) == 7);    // no silence for the missing 3..6
    BOOST_TEST(pop(jb) == 8);
    BOOST_TEST(jb.stats().lost == 4u);
}

BOOST_AUTO_TEST_CASE(wrong_size_is_refused) {
    dsp::JitterBuffer jb;
    std::vector<std::uint8_t> small(80);
    BOOST_TEST((jb.push(kSsrc, 1, small) == Push::BadSize));
    BOOST_TEST(jb.stats().badSize == 1u);
    BOOST_TEST(jb.depth() == 0u);
}

BOOST_AUTO_TEST_CASE(long_jittery_stream_stays_in_order) {
    dsp::JitterBuffer jb;
    // Packets arrive in pairs swapped, one frame per tick on average.
    std::uint16_t seq = 65500;
    int expected = 65500, played = 0;
    for (int tick = 0; tick < 200; ++tick) {
        if (tick % 2 == 0) {
            push(jb, static_cast<std::uint16_t>(seq + 1));
            push(jb, seq);
            seq = static_cast<std::uint16_t>(seq + 2);
        }
        const int got = pop(jb);
        if (got >= 0) {
            BOOST_TEST(got == expected);
            expected = (expected + 1) & 0xFFFF;
            ++played;
        }
    }
    BOOST_TEST(played >= 195);
    BOOST_TEST(jb.stats().late == 0u);
    BOOST_TEST(jb.stats().lost == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
