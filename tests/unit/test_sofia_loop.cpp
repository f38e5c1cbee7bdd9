// SofiaLoop on its own: timers, stop and re-run, fd watches, signals.
#include "tests/unit/sofia_test_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace gw::sip;
using namespace gw::sip::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(sofia_loop)

BOOST_AUTO_TEST_CASE(timers_fire_in_order_and_cancel) {
    SofiaLoop loop;
    std::vector<int> fired;
    loop.startTimer(30ms, [&] { fired.push_back(3); });
    loop.startTimer(10ms, [&] { fired.push_back(1); });
    auto cancelled = loop.startTimer(20ms, [&] { fired.push_back(2); });
    loop.startTimer(40ms, [&] {
        fired.push_back(4);
        loop.startTimer(0ms, [&] { fired.push_back(5); });   // from inside a timer
    });
    loop.cancelTimer(cancelled);
    loop.cancelTimer(9999);                                   // unknown: harmless
    auto start = loop.now();
    BOOST_TEST(runUntil(loop, [&] { return fired.size() == 4; }));
    BOOST_TEST(fired == (std::vector<int>{1, 3, 4, 5}), "fired in the wrong order");
    BOOST_TEST((loop.now() - start >= 40ms));
}

BOOST_AUTO_TEST_CASE(run_returns_on_stop_and_runs_again) {
    SofiaLoop loop;
    int runs = 0;
    for (int i = 0; i < 2; ++i) {
        loop.startTimer(5ms, [&] { ++runs, loop.stop(); });
        loop.run();
    }
    BOOST_TEST(runs == 2);
}

BOOST_AUTO_TEST_CASE(watch_fd_and_unwatch_from_the_callback) {
    SofiaLoop loop;
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    UniqueFd r(fds[0]), w(fds[1]);
    int reads = 0;
    loop.watchFd(r.get(), [&] {
        char c;
        if (::read(r.get(), &c, 1) == 1) ++reads;
        loop.unwatchFd(r.get());
    });
    BOOST_TEST(::write(w.get(), "xy", 2) == 2);
    BOOST_TEST(runUntil(loop, [&] { return reads == 1; }));
    runUntil(loop, [] { return false; }, 30ms);              // 'y' is no longer watched
    BOOST_TEST(reads == 1);
}

BOOST_AUTO_TEST_CASE(stop_on_sigterm) {
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, nullptr, &old);
    {
        SofiaLoop loop;
        loop.stopOnSignals();
        loop.startTimer(5ms, [] { ::kill(::getpid(), SIGTERM); });
        bool timedOut = false;
        loop.startTimer(2000ms, [&] { timedOut = true, loop.stop(); });
        loop.run();
        BOOST_TEST(!timedOut);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
