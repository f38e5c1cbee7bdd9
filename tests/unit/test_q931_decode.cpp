// Q.931 trace decoder on hand-built Q.921 frames: message names, call
// reference and flag, Cause and Channel identification, codeset shifts,
// non-Q.931 frames and truncated input.
#include "isdn/q931_decode.hpp"

#include <boost/test/unit_test.hpp>

#include <vector>

using namespace gw::isdn;

namespace {

using Bytes = std::vector<std::uint8_t>;

// SAPI 0 TEI 0 I-frame header (N(S)=0, N(R)=0) followed by `q931`.
Bytes iframe(const Bytes& q931) {
    Bytes frame{0x00, 0x01, 0x00, 0x00};
    frame.insert(frame.end(), q931.begin(), q931.end());
    return frame;
}

std::optional<Q931Message> decode(const Bytes& frame) {
    return decodeQ931Frame(frame.data(), frame.size());
}

} // namespace

BOOST_AUTO_TEST_SUITE(q931_decode)

BOOST_AUTO_TEST_CASE(setup_with_exclusive_channel) {
    const auto msg = decode(iframe({0x08, 0x02, 0x00, 0x01, 0x05,
                                    0x04, 0x03, 0x80, 0x90, 0xA3,          // bearer capability
                                    0x18, 0x03, 0xA9, 0x83, 0x81,          // channel id: exclusive B1
                                    0x70, 0x04, 0x80, 0x35, 0x35, 0x35})); // called party number
    BOOST_REQUIRE(msg);
    BOOST_TEST(msg->name == "SETUP");
    BOOST_TEST(msg->type == 0x05);
    BOOST_TEST(msg->callRefLength == 2);
    BOOST_TEST(msg->callRef == 1);
    BOOST_TEST(!msg->callRefFlag);
    BOOST_REQUIRE(msg->channel);
    BOOST_TEST(*msg->channel == 1);
    BOOST_TEST(msg->channelExclusive);
    BOOST_TEST(!msg->cause);
}

BOOST_AUTO_TEST_CASE(every_element_of_a_setup_is_listed_and_decoded) {
    const auto msg = decode(iframe({0x08, 0x02, 0x00, 0x07, 0x05,
                                    0x04, 0x03, 0x80, 0x90, 0xA3,                 // speech, A-law
                                    0x18, 0x03, 0xA1, 0x83, 0x85,                 // preferred B5
                                    0x1E, 0x02, 0x81, 0x83,                       // progress 3
                                    0x28, 0x05, 'A', 'l', 'i', 'c', 'e',          // display
                                    0x6C, 0x06, 0x21, 0xA2, '2', '0', '0', '0',   // national, restricted
                                    0x70, 0x03, 0x80, '5', '5',                   // called
                                    0x1C, 0x02, 0x91, 0xA1,                       // facility: not decoded
                                    0xA1}));                                      // sending complete
    BOOST_REQUIRE(msg);
    std::vector<std::string> names;
    for (const auto& ie : msg->ies) names.push_back(ie.name);
    BOOST_TEST(names == (std::vector<std::string>{"Bearer capability", "Channel identification", "Progress indicator",
                                                  "Display", "Calling party number", "Called party number",
                                                  "Facility", "Sending complete"}));
    BOOST_TEST(msg->ies[0].value == "speech, 64 kbit/s, A-law");
    BOOST_TEST(msg->ies[1].value == "B5 preferred");
    BOOST_TEST(msg->ies[2].value == "description 3 (origination address is non-ISDN)");
    BOOST_TEST(msg->ies[3].value == "'Alice'");
    BOOST_TEST(msg->ies[4].value ==
               "'2000' (national, E.164, presentation restricted, user-provided, verified and failed)");
    BOOST_TEST(msg->ies[5].value == "'55' (unknown, unknown plan)");
    BOOST_TEST(msg->ies[6].value.empty());
    BOOST_TEST(hexOf(msg->ies[6].body) == "91 a1");
    BOOST_TEST(describeQ931(*msg) ==
               "SETUP cr=0x0007/orig: Bearer capability speech, 64 kbit/s, A-law; Channel identification B5 "
               "preferred; Progress indicator description 3 (origination address is non-ISDN); Display 'Alice'; "
               "Calling party number '2000' (national, E.164, presentation restricted, user-provided, verified and "
               "failed); Called party number '55' (unknown, unknown plan); Facility [91 a1]; Sending complete");
}

BOOST_AUTO_TEST_CASE(restart_indicator_and_any_channel) {
    const auto msg = decode(iframe({0x08, 0x02, 0x80, 0x00, 0x46,   // RESTART, global call reference
                                    0x18, 0x01, 0xA3,               // any channel
                                    0x79, 0x01, 0x87}));            // all interfaces
    BOOST_REQUIRE(msg);
    BOOST_TEST(msg->ies.size() == 2u);
    BOOST_TEST(msg->ies[0].value == "any channel");
    BOOST_TEST(msg->ies[1].value == "all interfaces");
    BOOST_TEST(!msg->channel);
}

BOOST_AUTO_TEST_CASE(disconnect_with_cause_and_flag) {
    const auto msg = decode(iframe({0x08, 0x02, 0x80, 0x7F, 0x45, 0x08, 0x02, 0x80, 0x90}));
    BOOST_REQUIRE(msg);
    BOOST_TEST(msg->name == "DISCONNECT");
    BOOST_TEST(msg->callRef == 0x7F);
    BOOST_TEST(msg->callRefFlag);
    BOOST_REQUIRE(msg->cause);
    BOOST_TEST(*msg->cause == 16);
}

BOOST_AUTO_TEST_CASE(cause_with_recommendation_octet_and_diagnostic) {
    const auto msg = decode(iframe({0x08, 0x02, 0x01, 0x02, 0x5A, 0x08, 0x04, 0x00, 0x81, 0x91, 0x33}));
    BOOST_REQUIRE(msg);
    BOOST_TEST(msg->name == "RELEASE COMPLETE");
    BOOST_TEST(msg->callRef == 0x0102);
    BOOST_REQUIRE(msg->cause);
    BOOST_TEST(*msg->cause == 17);
}

BOOST_AUTO_TEST_CASE(codeset_shift_hides_foreign_elements) {
    // Locking shift to codeset 6: its IE 0x08 is not a Cause.
    auto msg = decode(iframe({0x08, 0x02, 0x00, 0x03, 0x4D, 0x96, 0x08, 0x02, 0x80, 0x90}));
    BOOST_REQUIRE(msg);
    BOOST_TEST(msg->name == "RELEASE");
    BOOST_TEST(!msg->cause);
    // Non-locking shift applies to the next element only.
    msg = decode(iframe({0x08, 0x02, 0x00, 0x03, 0x4D, 0x9E, 0x08, 0x01, 0x80, 0x08, 0x02, 0x80, 0x95}));
    BOOST_REQUIRE(msg);
    BOOST_REQUIRE(msg->cause);
    BOOST_TEST(*msg->cause == 21);
}

BOOST_AUTO_TEST_CASE(names_of_the_call_flow) {
    const std::pair<int, const char*> names[] = {
        {0x01, "ALERTING"}, {0x02, "CALL PROCEEDING"}, {0x03, "PROGRESS"}, {0x07, "CONNECT"},
        {0x0F, "CONNECT ACKNOWLEDGE"}, {0x0D, "SETUP ACKNOWLEDGE"}, {0x7D, "STATUS"},
        {0x75, "STATUS ENQUIRY"}, {0x7B, "INFORMATION"}, {0x46, "RESTART"},
        {0x4E, "RESTART ACKNOWLEDGE"}, {0x62, "FACILITY"}, {0x6E, "NOTIFY"}};
    for (const auto& [type, name] : names) {
        const auto msg = decode(iframe({0x08, 0x02, 0x00, 0x05, static_cast<std::uint8_t>(type)}));
        BOOST_REQUIRE(msg);
        BOOST_TEST(msg->name == name);
    }
    const auto unknown = decode(iframe({0x08, 0x02, 0x00, 0x05, 0x7F}));
    BOOST_REQUIRE(unknown);
    BOOST_TEST(unknown->name == "UNKNOWN 0x7F");
}

BOOST_AUTO_TEST_CASE(global_and_dummy_call_reference) {
    auto msg = decode(iframe({0x08, 0x02, 0x00, 0x00, 0x46, 0x79, 0x01, 0x87}));
    BOOST_REQUIRE(msg);
    BOOST_TEST(msg->name == "RESTART");
    BOOST_TEST(msg->callRef == 0);
    msg = decode(iframe({0x08, 0x00, 0x62}));
    BOOST_REQUIRE(msg);
    BOOST_TEST(msg->callRefLength == 0);
    BOOST_TEST(msg->name == "FACILITY");
}

BOOST_AUTO_TEST_CASE(channel_with_interface_id_and_slot_map) {
    auto msg = decode(iframe({0x08, 0x02, 0x80, 0x01, 0x02, 0x18, 0x04, 0xE1, 0x81, 0x83, 0x85}));
    BOOST_REQUIRE(msg);
    BOOST_REQUIRE(msg->channel);
    BOOST_TEST(*msg->channel == 5);
    BOOST_TEST(!msg->channelExclusive);
    msg = decode(iframe({0x08, 0x02, 0x80, 0x01, 0x02, 0x18, 0x03, 0xA1, 0x93, 0x01}));
    BOOST_REQUIRE(msg);
    BOOST_TEST(!msg->channel);   // slot map, not a channel number
}

BOOST_AUTO_TEST_CASE(ui_frame_with_one_octet_call_reference) {
    const Bytes frame{0x02, 0xFF, 0x03, 0x08, 0x01, 0x01, 0x05, 0x18, 0x01, 0x81};
    const auto msg = decode(frame);
    BOOST_REQUIRE(msg);
    BOOST_TEST(msg->tei == 127);
    BOOST_TEST(msg->callRef == 1);
    BOOST_TEST(msg->name == "SETUP");
    BOOST_REQUIRE(msg->channel);
    BOOST_TEST(*msg->channel == 1);   // basic rate channel selection
    BOOST_TEST(q921FrameKind(frame.data(), frame.size()) == "UI");
}

BOOST_AUTO_TEST_CASE(other_frames_are_not_q931) {
    const Bytes rr{0x00, 0x01, 0x01, 0x01};
    const Bytes sabme{0x00, 0x01, 0x7F};
    const Bytes ua{0x02, 0x01, 0x73};
    const Bytes tei{0xFC, 0xFF, 0x03, 0x0F, 0x12, 0x34, 0x01, 0xFF};
    BOOST_TEST(!decode(rr));
    BOOST_TEST(!decode(sabme));
    BOOST_TEST(!decode(tei));
    BOOST_TEST(q921FrameKind(rr.data(), rr.size()) == "RR");
    BOOST_TEST(q921FrameKind(sabme.data(), sabme.size()) == "SABME");
    BOOST_TEST(q921FrameKind(ua.data(), ua.size()) == "UA");
    BOOST_TEST(!decode(iframe({0x09, 0x02, 0x00, 0x01, 0x05})));   // not Q.931
}

BOOST_AUTO_TEST_CASE(truncated_input_is_rejected_safely) {
    const Bytes full = iframe({0x08, 0x02, 0x00, 0x01, 0x45, 0x08, 0x02, 0x80, 0x90});
    for (std::size_t n = 0; n < 9; ++n) {
        BOOST_TEST(!decodeQ931Frame(full.data(), n));
    }
    // Header complete, IE cut short: the message is known, the cause is not.
    const auto msg = decodeQ931Frame(full.data(), full.size() - 1);
    BOOST_REQUIRE(msg);
    BOOST_TEST(!msg->cause);
}

BOOST_AUTO_TEST_SUITE_END()
