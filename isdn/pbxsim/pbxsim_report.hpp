// pbxsim call report: what one call did (Q.931 messages with timestamps,
// outcome, cause, what was heard on the B-channel) and its one-line JSON
// form. Pure data and formatting.
#pragma once

#include "isdn/pbxsim/pbxsim_options.hpp"
#include "isdn/q931_decode.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace gw::isdn {

struct TracedMessage {
    double t;            // seconds since the call started
    bool tx;
    std::string name;    // "SETUP"
    std::vector<Q931Ie> ies;   // received messages: every information element
};

struct HeardAudio {
    double freqHz;
    double levelDbm0;
    std::size_t frames;  // 20 ms frames analysed
};

struct CallReport {
    int index = 0;                      // 1, 2, ...
    bool outgoing = true;
    std::string called, calling;
    std::string callingName;            // incoming: as received
    std::string callingType;            // incoming: type of number ("national")
    std::string callingPresentation;    // incoming: "allowed" | "restricted" | "not available"
    std::string redirecting;            // incoming: Redirecting Number IE, "" = none
    int redirectingReason = 0;          // incoming: its Q.952 reason code
    int channel = -1;                   // -1: none
    std::string result;                 // answer|busy|rejected|noanswer|failed
    std::optional<int> cause;           // Q.850 cause that ended the call
    std::string causeFrom;              // "local" | "remote" | ""
    std::vector<TracedMessage> messages;
    std::optional<long long> startEpochUs;  // wall clock (CLOCK_REALTIME) at the call's
                                            // start, us since the epoch; places each
                                            // message on the clock other tools stamp with
    std::optional<HeardAudio> heard;
    std::optional<double> setupToConnectMs;
    std::string error;                  // why a call failed, for the administrator
};

std::string toJson(const CallReport& report);

// Did the call end the way the options asked for?
bool meetsExpectation(const PbxsimOptions& options, const CallReport& report);

} // namespace gw::isdn
