// Boost.Test entry point for the unit tests (pure modules, one file each).
#define BOOST_TEST_MODULE gateway_unit
#include <boost/test/unit_test.hpp>
