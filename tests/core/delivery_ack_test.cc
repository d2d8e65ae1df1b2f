#include "core/delivery_ack.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace logstreamer::core {
namespace {

TEST(DeliveryAck, DoneOnceEveryHoldIsReleased) {
  DeliveryAck ack("k");
  int calls = 0;
  bool delivered = false;
  ack.on_done([&](bool ok) {
    ++calls;
    delivered = ok;
  });
  ack.add_hold(2);  // two outputs took the rows
  ack.release();    // the pipeline's hold
  EXPECT_EQ(calls, 0);
  ack.release();
  EXPECT_EQ(calls, 0);
  ack.release();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(delivered);
  ack.release();  // an extra release changes nothing
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ack.key(), "k");
}

TEST(DeliveryAck, OneFailureFailsTheWhole) {
  DeliveryAck ack;
  bool delivered = true;
  ack.on_done([&](bool ok) { delivered = ok; });
  ack.add_hold();
  ack.release(false);  // one output gave up
  ack.release(true);
  EXPECT_FALSE(delivered);
}

TEST(DeliveryAck, CallbackSetAfterCompletionRunsAtOnce) {
  DeliveryAck ack;
  ack.release();
  bool ran = false;
  ack.on_done([&](bool ok) { ran = ok; });
  EXPECT_TRUE(ran);
}

TEST(DeliveryAck, ConcurrentReleasesCallBackExactlyOnce) {
  for (int round = 0; round < 200; ++round) {
    auto ack = std::make_shared<DeliveryAck>();
    std::atomic<int> calls{0};
    ack->on_done([&](bool) { calls.fetch_add(1); });
    constexpr int kThreads = 4;
    ack->add_hold(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) threads.emplace_back([&] { ack->release(); });
    ack->release();
    for (auto& t : threads) t.join();
    ASSERT_EQ(calls.load(), 1);
  }
}

}  // namespace
}  // namespace logstreamer::core
