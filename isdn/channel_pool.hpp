// ChannelPool: B-channel occupancy of one span and the hunt for outgoing
// calls. Glare-safe: the network side hunts ascending and the user side
// descending (as Cisco's `isdn bchan-number-order` pair), so both ends rarely
// pick the same channel; when they do, the network side's SETUP wins
// (Q.931 §5.2.3.1) and the loser's reservation is marked for re-assignment.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace gw::isdn {

class ChannelPool {
public:
    enum class Order { Ascending, Descending };
    enum class Use { Idle, Reserved, InUse };

    ChannelPool(std::vector<int> bearers, Order order);

    // Picks and reserves a free channel for an outgoing call, other than
    // `avoid` (one the far end just refused); nullopt when all are busy (the
    // caller clears with cause 34).
    std::optional<int> reserve(std::uint64_t owner, int avoid = 0);
    // An incoming SETUP asks for `channel` (0 = any). We are the network
    // side when `weAreNetwork`. Returns the channel granted or nullopt (cause
    // 44 when exclusive, 34 when nothing is free).
    std::optional<int> claimIncoming(std::uint64_t owner, int channel, bool exclusive, bool weAreNetwork);
    // The far end moved our outgoing call to another channel (CALL
    // PROCEEDING with a different Channel ID): follow it.
    bool move(std::uint64_t owner, int from, int to);
    void markInUse(int channel);
    // Maintenance: a channel out of service is never reserved nor granted;
    // a call on it continues.
    void setInService(int channel, bool on);
    void release(int channel, std::uint64_t owner);

    Use use(int channel) const;
    std::optional<std::uint64_t> owner(int channel) const;
    int idleCount() const;
    int size() const { return static_cast<int>(slots_.size()); }
    const std::vector<int>& bearers() const { return bearers_; }

private:
    struct Slot {
        Use use = Use::Idle;
        std::uint64_t owner = 0;
    };
    std::vector<int> bearers_;
    Order order_;
    std::map<int, Slot> slots_;
    std::set<int> outOfService_;
};

} // namespace gw::isdn
