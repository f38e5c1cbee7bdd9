// ChannelPool: hunting order, glare, exhaustion.
#include "isdn/channel_pool.hpp"

#include <boost/test/unit_test.hpp>

using gw::isdn::ChannelPool;

BOOST_AUTO_TEST_SUITE(channel_pool)

BOOST_AUTO_TEST_CASE(user_side_hunts_descending_network_ascending) {
    ChannelPool user({1, 2, 3}, ChannelPool::Order::Descending);
    BOOST_TEST(*user.reserve(10) == 3);
    BOOST_TEST(*user.reserve(11) == 2);
    ChannelPool net({1, 2, 3}, ChannelPool::Order::Ascending);
    BOOST_TEST(*net.reserve(10) == 1);
}

BOOST_AUTO_TEST_CASE(a_refused_channel_is_avoided) {
    ChannelPool p({1, 2}, ChannelPool::Order::Ascending);
    BOOST_TEST(*p.reserve(10, 1) == 2);
    BOOST_TEST(!p.reserve(11, 1).has_value());   // only the refused one is left
    BOOST_TEST(*p.reserve(11) == 1);
}

BOOST_AUTO_TEST_CASE(exhaustion_and_release) {
    ChannelPool p({1, 2}, ChannelPool::Order::Ascending);
    BOOST_TEST(p.reserve(1).has_value());
    BOOST_TEST(p.reserve(2).has_value());
    BOOST_TEST(!p.reserve(3).has_value());
    BOOST_TEST(p.idleCount() == 0);
    p.release(1, 1);
    BOOST_TEST(p.idleCount() == 1);
    p.release(2, 99);   // not the owner: ignored
    BOOST_TEST(p.idleCount() == 1);
}

BOOST_AUTO_TEST_CASE(glare_user_side_yields_to_network) {
    ChannelPool p({1, 2, 3}, ChannelPool::Order::Descending);
    BOOST_TEST(*p.reserve(7) == 3);   // our SETUP in flight on 3
    auto got = p.claimIncoming(8, 3, true, false);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(*got == 3);
    BOOST_TEST(*p.owner(3) == 8u);
    // Our call is moved by the network to channel 2.
    BOOST_TEST(p.move(7, 3, 2));
    BOOST_TEST(*p.owner(2) == 7u);
    BOOST_TEST(*p.owner(3) == 8u);
}

BOOST_AUTO_TEST_CASE(glare_network_side_keeps_its_channel) {
    ChannelPool p({1, 2, 3}, ChannelPool::Order::Ascending);
    BOOST_TEST(*p.reserve(7) == 1);
    BOOST_TEST(!p.claimIncoming(8, 1, true, true).has_value());    // exclusive: cause 44
    auto other = p.claimIncoming(9, 1, false, true);                // preferred: another one
    BOOST_REQUIRE(other.has_value());
    BOOST_TEST(*other == 2);
}

BOOST_AUTO_TEST_CASE(unknown_exclusive_channel_refused) {
    ChannelPool p({1, 2}, ChannelPool::Order::Ascending);
    BOOST_TEST(!p.claimIncoming(1, 16, true, false).has_value());
    BOOST_TEST(*p.claimIncoming(1, 0, false, false) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
