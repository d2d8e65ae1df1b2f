#include "core/bounded_queue.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace logstreamer::core {
namespace {

using namespace std::chrono_literals;

TEST(BoundedQueue, FifoOrderAndUsage) {
  BoundedQueue<int> q(4);
  EXPECT_EQ(q.usage(), 0.0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(q.push(i));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_DOUBLE_EQ(q.usage(), 0.75);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(q.pop(), i);
}

TEST(BoundedQueue, TryPushReportsFullAndClosed) {
  BoundedQueue<int> q(1);
  int a = 1, b = 2;
  EXPECT_EQ(q.try_push(a), PushResult::kOk);
  EXPECT_EQ(q.try_push(b), PushResult::kFull);
  q.close();
  EXPECT_EQ(q.try_push(b), PushResult::kClosed);
}

TEST(BoundedQueue, CloseDrainsQueuedItemsThenEnds) {
  BoundedQueue<int> q(8);
  q.push(1);
  q.push(2);
  q.close();
  EXPECT_FALSE(q.push(3));  // refused after close
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), std::nullopt);
}

TEST(BoundedQueue, PushBlocksWhileFullUntilAPop) {
  BoundedQueue<int> q(1);
  q.push(1);
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.push(2);
    pushed = true;
  });
  // The producer cannot finish until we pop; wait until it is parked, then
  // check it is still blocked (a full queue must not accept a second item).
  while (q.size() != 1) std::this_thread::yield();
  EXPECT_FALSE(pushed.load());
  EXPECT_EQ(q.pop(), 1);
  producer.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(q.pop(), 2);
}

TEST(BoundedQueue, CloseWakesProducersBlockedOnAFullQueue) {
  BoundedQueue<int> q(1);
  q.push(0);
  constexpr int kProducers = 4;
  std::atomic<int> refused{0};
  std::vector<std::thread> producers;
  for (int i = 0; i < kProducers; ++i) {
    producers.emplace_back([&] {
      if (!q.push(1)) ++refused;
    });
  }
  q.close();
  for (auto& t : producers) t.join();  // would hang if close() did not wake them
  EXPECT_EQ(refused.load(), kProducers);
  EXPECT_EQ(q.pop(), 0);  // what was queued before close is still delivered
  EXPECT_EQ(q.pop(), std::nullopt);
}

TEST(BoundedQueue, CloseWakesBlockedConsumers) {
  BoundedQueue<int> q(1);
  std::thread consumer([&] { EXPECT_EQ(q.pop(), std::nullopt); });
  q.close();
  consumer.join();
}

TEST(BoundedQueue, ManyProducersManyConsumersLoseNothing) {
  BoundedQueue<int> q(16);
  constexpr int kProducers = 4, kConsumers = 3, kPerProducer = 20000;
  std::atomic<long long> sum{0};
  std::atomic<int> count{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) ASSERT_TRUE(q.push(p * kPerProducer + i));
    });
  }
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c) {
    consumers.emplace_back([&] {
      while (auto v = q.pop()) {
        sum += *v;
        ++count;
      }
    });
  }
  for (auto& t : threads) t.join();
  q.close();
  for (auto& t : consumers) t.join();
  const long long n = static_cast<long long>(kProducers) * kPerProducer;
  EXPECT_EQ(count.load(), n);
  EXPECT_EQ(sum.load(), n * (n - 1) / 2);
}

}  // namespace
}  // namespace logstreamer::core
