// Fixed-frame jitter buffer for 20 ms G.711 RTP (160 octets per packet),
// keyed by RTP sequence number (RFC 3550 §A.1 modulo-2^16 arithmetic). The
// media clock pops one frame per 20 ms; push() files packets as they arrive.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace gw::dsp {

constexpr std::size_t kJitterFrameBytes = 160;

struct JitterConfig {
    std::size_t maxFrames = 10;          // bounded depth: 200 ms (<= kJitterSlots)
    std::size_t initialDelayFrames = 2;  // playout delay before the first frame
    int resyncGap = 100;                 // |seq jump| that restarts the stream
    int lateRunToResync = 4;             // consecutive late packets that resync
};

struct JitterStats {
    std::uint64_t pushed = 0, played = 0, duplicates = 0, late = 0, overflow = 0,
                  lost = 0, underruns = 0, resyncs = 0, badSize = 0;
};

class JitterBuffer {
public:
    enum class Push { Queued, Duplicate, Late, BadSize };
    static constexpr std::size_t kJitterSlots = 16;   // power of two, divides 2^16

    explicit JitterBuffer(JitterConfig config = {});

    // Files one packet's payload. A new SSRC, or a sequence jump of resyncGap
    // or more, flushes the buffer and restarts playout with the initial delay.
    // A packet older than the playout point is dropped (Late); one beyond the
    // depth bound pushes the oldest frames out (counted as overflow).
    Push push(std::uint32_t ssrc, std::uint16_t seq, std::span<const std::uint8_t> payload);
    // Called once per 20 ms. Copies the next frame into `out` and returns true,
    // or returns false ("no frame": prebuffering, lost packet or underrun) so
    // the caller plays silence or concealment.
    bool pop(std::span<std::uint8_t, kJitterFrameBytes> out);
    // Forgets everything (the next packet starts a new stream).
    void reset();

    std::size_t depth() const { return count_; }
    bool playing() const { return playing_; }
    const JitterStats& stats() const { return stats_; }

private:
    struct Slot {
        bool full = false;
        std::uint16_t seq = 0;
        std::array<std::uint8_t, kJitterFrameBytes> data{};
    };
    Slot& slot(std::uint16_t seq) { return slots_[seq & (kJitterSlots - 1)]; }
    void resync(std::uint32_t ssrc, std::uint16_t seq);
    void dropBefore(std::uint16_t seq);
    bool readyToPlay();

    JitterConfig config_;
    std::array<Slot, kJitterSlots> slots_{};
    bool started_ = false;       // a stream is known
    bool playing_ = false;       // false while (re)buffering
    bool havePlayed_ = false;    // nextSeq_ - 1 was played or skipped
    std::uint32_t ssrc_ = 0;
    std::uint16_t nextSeq_ = 0;  // next sequence number to play
    std::uint16_t highest_ = 0;  // newest sequence number held
    std::size_t count_ = 0;      // frames held
    std::size_t bufferingTicks_ = 0;
    int lateRun_ = 0;
    JitterStats stats_;
};

} // namespace gw::dsp
