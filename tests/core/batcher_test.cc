#include "core/batcher.h"

#include <atomic>
#include <mutex>
#include <numeric>
#include <thread>

#include <gtest/gtest.h>

namespace logstreamer::core {
namespace {

using namespace std::chrono_literals;
using Clock = Batcher<int>::Clock;

struct Sink {
  std::vector<std::vector<int>> batches;
  Batcher<int>::Flush flush() {
    return [this](std::vector<int>&& b) { batches.push_back(std::move(b)); };
  }
};

TEST(Batcher, FlushesWhenFull) {
  Sink sink;
  Batcher<int> b(3, 1s, sink.flush());
  const auto t0 = Clock::time_point{};
  for (int i = 0; i < 7; ++i) b.add(i, t0);
  ASSERT_EQ(sink.batches.size(), 2u);
  EXPECT_EQ(sink.batches[0], (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(sink.batches[1], (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(b.pending(), 1u);
  EXPECT_EQ(b.flushed_by_size(), 2u);
}

TEST(Batcher, FlushesWhenTheFirstItemHasWaitedLongEnough) {
  Sink sink;
  Batcher<int> b(100, 10ms, sink.flush());
  const auto t0 = Clock::time_point{} + 1h;
  b.add(1, t0);
  b.add(2, t0 + 9ms);
  EXPECT_EQ(b.poll(t0 + 9ms), 1ms);  // one more millisecond to go
  EXPECT_TRUE(sink.batches.empty());
  EXPECT_EQ(b.poll(t0 + 10ms), std::nullopt);
  ASSERT_EQ(sink.batches.size(), 1u);
  EXPECT_EQ(sink.batches[0], (std::vector<int>{1, 2}));
  EXPECT_EQ(b.flushed_by_timeout(), 1u);
  // The deadline counts from the next batch's own first item.
  b.add(3, t0 + 50ms);
  EXPECT_EQ(b.poll(t0 + 55ms), 5ms);
}

TEST(Batcher, FlushSendsTheRemainder) {
  Sink sink;
  Batcher<int> b(100, 1h, sink.flush());
  b.add(1, Clock::now());
  b.flush();
  b.flush();  // nothing left: no empty batch
  ASSERT_EQ(sink.batches.size(), 1u);
  EXPECT_EQ(b.flushed_at_exit(), 1u);
}

TEST(BatchingStage, DeliversEverythingBySizeTimeoutAndAtClose) {
  BoundedQueue<int> in(64);
  std::mutex m;
  std::vector<std::vector<int>> batches;
  Batcher<int> b(10, 5ms, [&](std::vector<int>&& batch) {
    std::lock_guard lock(m);
    batches.push_back(std::move(batch));
  });
  std::thread stage([&] { run_batching_stage(in, b); });
  for (int i = 0; i < 25; ++i) in.push(i);  // two full batches, 5 left over
  // The 5 left over go out by timeout while the queue is still open: wait for that event.
  const auto deadline = Clock::now() + 30s;
  while (true) {
    {
      std::lock_guard lock(m);
      size_t n = 0;
      for (const auto& batch : batches) n += batch.size();
      if (n == 25) break;
    }
    ASSERT_LT(Clock::now(), deadline) << "no timeout flush";
    std::this_thread::sleep_for(1ms);
  }
  in.push(99);
  in.close();  // the last item goes out with the final flush
  stage.join();
  std::vector<int> all;
  for (const auto& batch : batches) all.insert(all.end(), batch.begin(), batch.end());
  std::vector<int> expected(25);
  std::iota(expected.begin(), expected.end(), 0);
  expected.push_back(99);
  EXPECT_EQ(all, expected);
  EXPECT_GE(b.flushed_by_size(), 2u);
  EXPECT_GE(b.flushed_by_timeout() + b.flushed_at_exit(), 2u);
}

}  // namespace
}  // namespace logstreamer::core
