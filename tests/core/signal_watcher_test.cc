#include "core/signal_watcher.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

namespace logstreamer::core {
namespace {

using namespace std::chrono_literals;

bool wait_until(const std::function<bool()>& cond, std::chrono::seconds deadline = 30s) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(SignalWatcher, FirstSignalCallsBackOnceWithTheSignal) {
  std::atomic<int> calls{0}, seen{0};
  SignalWatcher watcher([&](int signo) {
    seen = signo;
    ++calls;
  });
  EXPECT_EQ(watcher.received(), 0);
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);  // blocked here, collected by the watcher thread
  ASSERT_TRUE(wait_until([&] { return calls.load() == 1; }));
  EXPECT_EQ(seen.load(), SIGTERM);
  EXPECT_EQ(watcher.received(), SIGTERM);
  EXPECT_EQ(watcher.exit_status(), 143);
}

TEST(SignalWatcherDeathTest, SecondSignalExitsAtOnceWith128PlusSigno) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::atomic<bool> first{false};
        SignalWatcher watcher([&](int) { first = true; });
        kill(getpid(), SIGINT);
        while (!first.load()) std::this_thread::sleep_for(1ms);
        kill(getpid(), SIGINT);
        std::this_thread::sleep_for(60s);  // never reached: the watcher exits the process
      },
      testing::ExitedWithCode(130), "second signal");
}

}  // namespace
}  // namespace logstreamer::core
