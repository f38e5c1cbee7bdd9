// Log batching: a batching thread's lines wait for its flush (or go out at
// once for an error), in order, whole lines; other threads write at once; a
// crash still writes what was batched.
#include "kernel/log.hpp"

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

using namespace gw;

namespace {

// Sends stderr to a pipe for the life of the fixture.
struct CapturedStderr {
    int saved = -1;
    int pipeFds[2] = {-1, -1};
    CapturedStderr() {
        BOOST_REQUIRE(::pipe2(pipeFds, O_NONBLOCK) == 0);
        saved = ::dup(STDERR_FILENO);
        ::dup2(pipeFds[1], STDERR_FILENO);
        logSetLevel(LogLevel::Info);
    }
    ~CapturedStderr() {
        logSetLevel(LogLevel::Error);
        ::dup2(saved, STDERR_FILENO);
        ::close(saved);
        ::close(pipeFds[0]);
        ::close(pipeFds[1]);
    }
    std::string take() {
        std::string out;
        char buf[4096];
        for (ssize_t n; (n = ::read(pipeFds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
        return out;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(log_batching)

BOOST_AUTO_TEST_CASE(batched_lines_wait_for_the_flush_errors_go_at_once) {
    CapturedStderr err;
    int armed = 0;
    logBatchThisThread([&] { ++armed; });
    GW_INFO("first %d", 1);
    GW_INFO("second %d", 2);
    BOOST_TEST(armed == 1);                    // armed once, by the first line
    BOOST_TEST(err.take().empty());            // nothing written yet
    logFlush();
    std::string out = err.take();
    BOOST_TEST(out.find("INFO  first 1\n") != std::string::npos);
    BOOST_TEST(out.find("first 1") < out.find("second 2"));

    GW_INFO("third");
    BOOST_TEST(armed == 2);
    GW_ERROR("broken");                        // takes the pending line with it
    out = err.take();
    BOOST_TEST(out.find("third") < out.find("ERROR broken"));

    // Another thread is not batched.
    std::thread([] { GW_INFO("from another thread"); }).join();
    BOOST_TEST(err.take().find("from another thread") != std::string::npos);

    GW_INFO("pending at the end");
    logBatchThisThread({});                    // ends batching, writes the rest
    BOOST_TEST(err.take().find("pending at the end") != std::string::npos);
    GW_INFO("unbatched");
    BOOST_TEST(err.take().find("unbatched") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_large_batch_goes_out_in_whole_lines) {
    CapturedStderr err;
    logBatchThisThread([] {});
    std::string all;
    for (int i = 0; i < 400; ++i) {
        GW_INFO("line %03d %s", i, std::string(60, 'x').c_str());
        all += err.take();                     // drained as it goes: the batch flushes itself at 16 KB
    }
    logBatchThisThread({});
    all += err.take();
    std::size_t count = 0, at = 0;
    for (std::size_t nl; (nl = all.find('\n', at)) != std::string::npos; at = nl + 1) {
        const std::string line = all.substr(at, nl - at);
        BOOST_TEST(line.find("INFO  line ") != std::string::npos);
        BOOST_TEST(line.size() > 60u);
        ++count;
    }
    BOOST_TEST(count == 400u);
    BOOST_TEST(at == all.size());
}

BOOST_AUTO_TEST_CASE(a_crash_still_writes_the_batched_lines) {
    int out[2];
    BOOST_REQUIRE(::pipe(out) == 0);
    const pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        ::dup2(out[1], STDERR_FILENO);
        logSetLevel(LogLevel::Info);
        logFlushOnFatalSignals();
        logBatchThisThread([] {});
        GW_INFO("the last words before the crash");
        std::abort();
    }
    ::close(out[1]);
    std::string got;
    char buf[1024];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(out[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    BOOST_TEST(WIFSIGNALED(status));
    BOOST_TEST(WTERMSIG(status) == SIGABRT);   // the signal still ends the process
    BOOST_TEST(got.find("the last words before the crash") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
