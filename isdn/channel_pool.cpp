// ChannelPool: see the header. Pure bookkeeping, no I/O.
#include "isdn/channel_pool.hpp"

namespace gw::isdn {

ChannelPool::ChannelPool(std::vector<int> bearers, Order order) : bearers_(std::move(bearers)), order_(order) {
    for (int b : bearers_) slots_[b] = Slot{};
}

std::optional<int> ChannelPool::reserve(std::uint64_t owner, int avoid) {
    auto pick = [&](auto first, auto last) -> std::optional<int> {
        for (auto it = first; it != last; ++it) {
            if (it->second.use == Use::Idle && it->first != avoid && !outOfService_.count(it->first)) {
                it->second = Slot{Use::Reserved, owner};
                return it->first;
            }
        }
        return std::nullopt;
    };
    if (order_ == Order::Ascending) return pick(slots_.begin(), slots_.end());
    return pick(slots_.rbegin(), slots_.rend());
}

std::optional<int> ChannelPool::claimIncoming(std::uint64_t owner, int channel, bool exclusive, bool weAreNetwork) {
    auto it = slots_.find(channel);
    if (it != slots_.end()) {
        Slot& s = it->second;
        // Glare (Q.931 §5.2.3.1): our own pending SETUP holds this channel.
        // The network side keeps it; the user side yields to the network.
        bool glareWeYield = s.use == Use::Reserved && !weAreNetwork;
        if ((s.use == Use::Idle || glareWeYield) && !outOfService_.count(channel)) {
            s = Slot{Use::InUse, owner};
            return channel;
        }
        if (exclusive) return std::nullopt;
    } else if (channel != 0 && exclusive) {
        return std::nullopt;
    }
    // Preferred or any: pick one ourselves (the network side chooses).
    auto got = reserve(owner);
    if (got) slots_[*got].use = Use::InUse;
    return got;
}

bool ChannelPool::move(std::uint64_t owner, int from, int to) {
    if (from == to) return true;
    auto dst = slots_.find(to);
    if (dst == slots_.end()) return false;
    if (dst->second.use != Use::Idle && dst->second.owner != owner) return false;
    auto src = slots_.find(from);
    if (src != slots_.end() && src->second.owner == owner) src->second = Slot{};
    dst->second = Slot{Use::Reserved, owner};
    return true;
}

void ChannelPool::setInService(int channel, bool on) {
    if (!slots_.count(channel)) return;
    if (on) outOfService_.erase(channel);
    else outOfService_.insert(channel);
}

void ChannelPool::markInUse(int channel) {
    auto it = slots_.find(channel);
    if (it != slots_.end()) it->second.use = Use::InUse;
}

void ChannelPool::release(int channel, std::uint64_t owner) {
    auto it = slots_.find(channel);
    if (it != slots_.end() && it->second.owner == owner) it->second = Slot{};
}

ChannelPool::Use ChannelPool::use(int channel) const {
    auto it = slots_.find(channel);
    return it == slots_.end() ? Use::Idle : it->second.use;
}

std::optional<std::uint64_t> ChannelPool::owner(int channel) const {
    auto it = slots_.find(channel);
    if (it == slots_.end() || it->second.use == Use::Idle) return std::nullopt;
    return it->second.owner;
}

int ChannelPool::idleCount() const {
    int n = 0;
    for (const auto& [ch, s] : slots_) n += s.use == Use::Idle && !outOfService_.count(ch);
    return n;
}

} // namespace gw::isdn
