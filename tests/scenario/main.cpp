// Boost.Test entry point for the scenario tests (call core through fakes).
#define BOOST_TEST_MODULE gateway_scenario
#include <boost/test/unit_test.hpp>
