// Boost.Test entry point for the scenario tests. The gateway log is kept to errors
// so that test output shows the test results.
#define BOOST_TEST_MODULE gateway_scenario
#include "kernel/log.hpp"

#include <boost/test/unit_test.hpp>

struct QuietLog {
    QuietLog() { gw::logSetLevel(gw::LogLevel::Error); }
};
BOOST_TEST_GLOBAL_FIXTURE(QuietLog);
