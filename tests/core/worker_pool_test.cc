#include "core/worker_pool.h"

#include <atomic>
#include <set>

#include <gtest/gtest.h>

namespace logstreamer::core {
namespace {

TEST(WorkerPool, RunsEveryWorkerWithItsOwnIndex) {
  std::mutex m;
  std::set<size_t> seen;
  {
    WorkerPool pool([&](std::stop_token, size_t index) {
      std::lock_guard lock(m);
      seen.insert(index);
    });
    pool.spawn(3);
    pool.spawn(2);
    EXPECT_EQ(pool.size(), 5u);
    pool.join();
    EXPECT_EQ(pool.size(), 0u);
  }
  EXPECT_EQ(seen, (std::set<size_t>{0, 1, 2, 3, 4}));
}

TEST(WorkerPool, RequestStopReachesEveryWorkerAndDestructorJoins) {
  std::atomic<int> started{0}, finished{0};
  {
    WorkerPool pool([&](std::stop_token stop, size_t) {
      ++started;
      while (!stop.stop_requested()) std::this_thread::yield();
      ++finished;
    });
    pool.spawn(4);
    while (started.load() < 4) std::this_thread::yield();
    pool.request_stop();
  }  // the destructor joins: no worker outlives the pool
  EXPECT_EQ(finished.load(), 4);
}

}  // namespace
}  // namespace logstreamer::core

namespace logstreamer::core {
namespace {

TEST(WorkerPool, RetireOneEndsExactlyOneWorkerAfterItsCurrentWork) {
  std::atomic<int> finished_units{0};
  WorkerPool pool([&](std::stop_token stop, size_t) {
    while (!stop.stop_requested()) {
      ++finished_units;  // a unit of work, completed before checking
      if (pool.should_retire()) return;
      std::this_thread::yield();
    }
  });
  pool.spawn(3);
  while (pool.active() < 3) std::this_thread::yield();
  pool.retire_one();
  while (pool.active() != 2) std::this_thread::yield();
  EXPECT_FALSE(pool.should_retire());  // the request was consumed once
  pool.request_stop();
  pool.join();
  EXPECT_EQ(pool.active(), 0u);
  EXPECT_GT(finished_units.load(), 0);
}

}  // namespace
}  // namespace logstreamer::core
