// Jitter buffer. Invariant: every frame held has a sequence number in
// [nextSeq_, nextSeq_ + maxFrames), so a 16-slot ring indexed by seq & 15
// never collides and wrap-around at 2^16 needs no special case.
#include "dsp/jitter_buffer.hpp"

#include "dsp/rtp.hpp"

#include <algorithm>
#include <cassert>

namespace gw::dsp {

JitterBuffer::JitterBuffer(JitterConfig config) : config_(config) {
    config_.maxFrames = std::clamp<std::size_t>(config_.maxFrames, 1, kJitterSlots);
    config_.initialDelayFrames = std::min(config_.initialDelayFrames, config_.maxFrames);
}

void JitterBuffer::reset() {
    for (Slot& s : slots_) s.full = false;
    count_ = 0;
    started_ = playing_ = havePlayed_ = false;
    bufferingTicks_ = 0;
    lateRun_ = 0;
}

void JitterBuffer::resync(std::uint32_t ssrc, std::uint16_t seq) {
    if (started_) ++stats_.resyncs;
    reset();
    started_ = true;
    ssrc_ = ssrc;
    nextSeq_ = highest_ = seq;
}

// Moves the playout point forward to `seq`, discarding what lies before it.
void JitterBuffer::dropBefore(std::uint16_t seq) {
    while (seqDistance(seq, nextSeq_) > 0) {
        Slot& s = slot(nextSeq_);
        if (s.full && s.seq == nextSeq_) {
            s.full = false;
            --count_;
            ++stats_.overflow;
        }
        ++nextSeq_;
    }
    havePlayed_ = true;
}

JitterBuffer::Push JitterBuffer::push(std::uint32_t ssrc, std::uint16_t seq,
                                      std::span<const std::uint8_t> payload) {
    if (payload.size() != kJitterFrameBytes) {
        ++stats_.badSize;
        return Push::BadSize;
    }
    ++stats_.pushed;
    if (!started_ || ssrc != ssrc_) resync(ssrc, seq);   // RFC 3550 §8.2: new source
    int d = seqDistance(seq, nextSeq_);
    if (d >= config_.resyncGap || d <= -config_.resyncGap) {   // sender restarted
        resync(ssrc, seq);
        d = 0;
    }
    if (d < 0) {
        // Before the first frame is played, an earlier packet may still move
        // the playout point back if the newest frame stays within the bound.
        const bool rebase = !havePlayed_ &&
            (count_ == 0 || seqDistance(highest_, seq) < static_cast<int>(config_.maxFrames));
        if (rebase) {
            nextSeq_ = seq;
        } else if (++lateRun_ >= config_.lateRunToResync) {
            ++stats_.late;
            resync(ssrc, seq);
        } else {
            ++stats_.late;
            return Push::Late;
        }
    }
    lateRun_ = 0;
    if (seqDistance(seq, nextSeq_) >= static_cast<int>(config_.maxFrames))
        dropBefore(static_cast<std::uint16_t>(seq - config_.maxFrames + 1));
    Slot& s = slot(seq);
    if (s.full && s.seq == seq) {
        ++stats_.duplicates;
        return Push::Duplicate;
    }
    assert(!s.full);
    s.full = true;
    s.seq = seq;
    std::copy(payload.begin(), payload.end(), s.data.begin());
    if (count_ == 0 || seqDistance(seq, highest_) > 0) highest_ = seq;
    ++count_;
    return Push::Queued;
}

// Playout (re)starts once initialDelayFrames frames are held, or after
// initialDelayFrames ticks with at least one frame held.
bool JitterBuffer::readyToPlay() {
    if (count_ == 0) {
        bufferingTicks_ = 0;
        return false;
    }
    ++bufferingTicks_;
    return count_ >= config_.initialDelayFrames || bufferingTicks_ > config_.initialDelayFrames;
}

bool JitterBuffer::pop(std::span<std::uint8_t, kJitterFrameBytes> out) {
    if (!started_) return false;
    if (!playing_) {
        if (!readyToPlay()) return false;
        playing_ = true;
        // Time passed while rebuffering: start at the oldest frame held.
        while (!(slot(nextSeq_).full && slot(nextSeq_).seq == nextSeq_)) {
            ++nextSeq_;
            ++stats_.lost;
        }
    }
    if (count_ == 0) {   // sender paused or the network stalled: rebuffer
        ++stats_.underruns;
        playing_ = false;
        bufferingTicks_ = 0;
        return false;
    }
    Slot& s = slot(nextSeq_);
    const bool have = s.full && s.seq == nextSeq_;
    if (have) {
        std::copy(s.data.begin(), s.data.end(), out.begin());
        s.full = false;
        --count_;
        ++stats_.played;
    } else {
        ++stats_.lost;   // skipped: a packet arriving later for it is late
    }
    ++nextSeq_;
    havePlayed_ = true;
    return have;
}

} // namespace gw::dsp
