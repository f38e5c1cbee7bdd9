// Pbxsim: the PBX emulator engine. One poll() loop over the span's D fd (read
// by libpri through PriController), the open B-channels and a signalfd; each call is
// a SimCall whose Q.931 messages are traced from the D-channel frames.
#pragma once

#include "isdn/pbxsim/pbxsim_media.hpp"
#include "isdn/pbxsim/pbxsim_options.hpp"
#include "isdn/pbxsim/pbxsim_report.hpp"
#include "isdn/pri_controller.hpp"
#include "kernel/span.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gw::isdn {

class Pbxsim {
public:
    using Clock = std::chrono::steady_clock;

    // `out` receives the JSON lines. The span must outlive the Pbxsim.
    Pbxsim(const PbxsimOptions& options, kernel::Span& span, std::FILE* out);
    ~Pbxsim();
    Pbxsim(const Pbxsim&) = delete;
    Pbxsim& operator=(const Pbxsim&) = delete;

    // Runs until the calls are done, a global bound passes or `signalFd`
    // (a signalfd, or -1) reports SIGINT/SIGTERM. Returns the exit status.
    int run(int signalFd);

private:
    // A call reference as seen from this side (Q.931 §4.3): its value, and
    // whether we allocated it (flag 0 in what we send).
    struct CallKey {
        int ref = 0;
        bool ours = false;
        bool operator==(const CallKey&) const = default;
    };
    struct SimCall {
        CallReport report;
        PriCall pri = nullptr;          // null once libpri has freed it
        bool reported = true;           // false: unsolicited, cleared quietly
        Clock::time_point start;
        std::optional<CallKey> key;
        bool alerted = false, connected = false, clearing = false, done = false;
        std::optional<Clock::time_point> actAt;     // our next step (connect, reject, clear)
        std::optional<Clock::time_point> giveUpAt;  // bound on waiting for the far end
        std::unique_ptr<BearerMedia> media;
        std::string digitsLeft;                     // overlap sending: still to send
        std::optional<Clock::time_point> digitAt;   // when the next INFORMATION goes
        std::optional<Clock::time_point> collectUntil;   // overlap receiving: the T302 of this call
    };
    struct PendingSetup {
        CallKey key;
        Clock::time_point at;
        std::vector<TracedMessage> messages;
    };

    // pbxsim.cpp: loop, D-channel, trace, alarm.
    void pollOnce(int signalFd);
    void onEvent(const PriEvent& e);
    void onFrame(bool tx, const std::uint8_t* frame, std::size_t n);
    bool checkSpan();
    void startPri();
    bool linkSettled(Clock::time_point now) const;
    bool checkDone(Clock::time_point now);
    void stopAll(const std::string& why, bool fatal);
    void sweep();
    bool anyActive() const;
    void log(const std::string& text) const;

    // pbxsim_call.cpp: call control.
    void tick(Clock::time_point now);
    void tickCall(SimCall& call, Clock::time_point now);
    void placeCall(Clock::time_point now);
    void onRing(const PriEvent& e);
    void acceptIncoming(SimCall& call, Clock::time_point now);
    void onCallEvent(SimCall& call, const PriEvent& e);
    void onAnswered(SimCall& call, const PriEvent& e);
    void connectIncoming(SimCall& call, Clock::time_point now);
    void startMedia(SimCall& call, Clock::time_point now);
    void stopMedia(SimCall& call);
    void clearCall(SimCall& call, int cause, const char* why);
    void sendRestart();
    void restartDone(const std::string& error);
    void finish(SimCall& call, const std::string& error = {});
    void failUnplaced(const std::string& error);
    int huntChannel(int wanted) const;
    bool channelBusy(int channel) const;
    SimCall* find(PriCall pri);
    SimCall* find(const CallKey& key);
    std::string classify(const SimCall& call) const;

    const PbxsimOptions& options_;
    kernel::Span& span_;
    std::FILE* out_;
    std::unique_ptr<PriController> pri_;
    Clock::time_point started_;
    std::optional<Clock::time_point> deadline_;   // global bound
    std::optional<Clock::time_point> idleSince_;  // no call in progress since
    std::optional<Clock::time_point> stopDeadline_;
    bool dchanUp_ = false;
    Clock::time_point dchanUpAt_;
    bool sawPeerSabme_ = false;      // the far end asked to establish layer 2
    std::set<int> restartedSinceUp_; // B-channels the far end restarted since layer 2 came up
    std::optional<Clock::time_point> lastRestartAt_;
    bool attachedOnce_ = false;
    bool wasInAlarm_ = true;
    bool stopping_ = false;
    bool fatal_ = false;
    int placed_ = 0;          // calls started (reported ones)
    int answered_ = 0;        // calls this end answered
    std::optional<Clock::time_point> restartAt_;   // --restart: when to send it
    std::optional<Clock::time_point> restartGiveUpAt_;   // sent, awaiting RESTART ACKNOWLEDGE
    std::optional<Clock::time_point> dropAt_, dropEndAt_;   // --drop-dchannel
    int reportedCount_ = 0;
    int failedCount_ = 0;
    SimCall* settingUp_ = nullptr;   // outgoing call inside pri setup()
    std::optional<PendingSetup> pendingSetup_;
    std::vector<std::unique_ptr<SimCall>> calls_;
};

} // namespace gw::isdn
