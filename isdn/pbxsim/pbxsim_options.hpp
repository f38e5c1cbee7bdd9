// pbxsim command line: global options (span, side, switch type, timeout),
// then the `call` or `answer` verb with its own options. Pure: parsing and
// validation only, so every usage error has one clear sentence.
#pragma once

#include "conf/config.hpp"
#include "kernel/span.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gw::isdn {

struct PbxsimExpect {
    enum class Kind { Answer, Busy, Cause };
    Kind kind = Kind::Answer;
    int cause = 0;
};

struct PbxsimOptions {
    enum class Mode { Call, Answer };

    // Global.
    std::string span;
    conf::IsdnSide side = conf::IsdnSide::Network;
    conf::SwitchType switchType = conf::SwitchType::PrimaryNet5;
    std::string switchName = "euroisdn";
    kernel::SpanType type = kernel::SpanType::E1;
    bool listen = false;                   // be the Device end of the span
    bool reattach = false;                 // Peer end: survive the Device going away
    std::optional<double> timeout;         // seconds; see pbxsimUsage()
    bool verbose = false;
    Mode mode = Mode::Call;

    // Both verbs.
    int count = 1;                         // answer: 0 = until SIGINT/SIGTERM
    std::optional<double> talk;            // seconds of media
    std::optional<double> toneHz;
    double levelDbm0 = -10.0;

    // call
    std::string to;
    std::string from = "1000";
    std::string fromName;                  // calling party name (Display IE / facility)
    std::string redirecting;               // Redirecting Number IE in the SETUP, "" = none
    int redirectingReason = 0;             // its Q.952 reason code
    int fromTon = 0;                       // Q.931 §4.5.10 type of number
    bool restricted = false;               // presentation restricted
    PbxsimExpect expect;
    std::optional<double> hangupAfterAnswer;
    std::optional<double> hangupWhileRinging;   // clear S seconds after ALERTING if not answered
    std::optional<double> overlap;         // overlap sending: seconds between INFORMATION digits

    // answer
    double ring = 0.2;
    std::optional<int> reject;             // Q.850 cause
    bool echo = false;
    bool progress = false;                 // PROGRESS (PI 8) before ALERTING
    std::optional<double> collect;         // overlap receiving: seconds after the last digit (T302)
    std::optional<int> channel;            // answer on this B-channel when the SETUP allows it
    std::optional<int> restart;            // B-channel to RESTART, 0 = the whole interface
    double restartAfter = 0;               // seconds after the --count-th call is answered
    std::optional<double> dropAfter;       // D-channel outage: seconds after the --count-th answer
    double dropFor = 0;                    // its length in seconds

    // Defaults that depend on the verb.
    double callTimeout() const { return timeout.value_or(10.0); }
    double talkSeconds() const { return talk.value_or(2.0); }
};

enum class ParseOutcome { Run, Help, Error };

// Parses the arguments after the program name.
ParseOutcome parsePbxsimArgs(const std::vector<std::string>& args, PbxsimOptions& options,
                             std::string& error);
const char* pbxsimUsage();

} // namespace gw::isdn
