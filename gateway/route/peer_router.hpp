// PeerRouter: the call core's Router over the dial-peer table. It holds the
// table the running configuration was built into and is swapped whole on a
// configuration change, so calls in progress keep the route they took.
#pragma once

#include "gateway/route/dial_peer.hpp"
#include "gateway/call/route.hpp"

#include <memory>

namespace gw {

class PeerRouter : public Router {
public:
    explicit PeerRouter(std::shared_ptr<const route::DialPeerTable> table) : table_(std::move(table)) {}
    void setTable(std::shared_ptr<const route::DialPeerTable> table) { table_ = std::move(table); }
    void setActiveCount(route::ActiveCount active) { active_ = std::move(active); }
    const route::DialPeerTable& table() const { return *table_; }

    std::vector<OutboundRoute> route(CallOrigin from, int fromSpan, const std::string& called,
                                     const std::string& calling) const override;
    bool moreDigitsMayMatch(CallOrigin from, int fromSpan, const std::string& called,
                            const std::string& calling) const override;

private:
    std::shared_ptr<const route::DialPeerTable> table_;
    route::ActiveCount active_;
};

} // namespace gw
