// The streaming engine's accounting: produced == processed + dropped +
// abandoned, exactly, for each way of stopping and each kind of loss.
#include "engine/streaming_engine.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace logstreamer::engine {
namespace {

using namespace std::chrono_literals;

EngineOptions fast_options() {
  EngineOptions o;
  o.streams.streams = 8;
  o.streams.interval_ms = 0;  // closed loop
  o.streams.chunk_size = 200;
  o.streams.batch_size = 16;
  o.workers = 2;
  o.buffer_events = 256;
  o.streams.format = std::nullopt;  // every format, so parsing is exercised broadly
  return o;
}

void wait_for_produced(StreamingEngine& e, uint64_t n) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (e.snapshot().produced < n) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline);
    std::this_thread::sleep_for(1ms);
  }
}

TEST(StreamingEngine, GracefulStopWithBlockLosesNothing) {
  StreamingEngine e(fast_options());
  e.start();
  wait_for_produced(e, 20000);
  e.request_stop();
  const EngineReport r = e.finish();
  EXPECT_GE(r.produced, 20000u);
  EXPECT_EQ(r.dropped, 0u);
  EXPECT_EQ(r.abandoned, 0u);
  EXPECT_FALSE(r.forced);
  EXPECT_EQ(r.processed, r.produced);
  EXPECT_TRUE(r.invariant_holds());
  EXPECT_EQ(r.latency_ms.count(), r.processed);
  EXPECT_EQ(r.processing_ms.count(), r.processed);  // weighted by events
  EXPECT_GT(r.queue_ms.count(), 0u);                // per batch
  EXPECT_LE(r.queue_ms.count(), r.batches);
  EXPECT_EQ(r.batching_ms.count(), r.queue_ms.count());
  EXPECT_GT(r.lines, r.processed);  // a 200-byte chunk holds at least one line
  EXPECT_EQ(r.malformed, 0u);
  uint64_t aggregated = 0;
  for (uint64_t n : r.levels) aggregated += n;
  EXPECT_EQ(aggregated, r.lines);  // every parsed line reached the aggregate
}

TEST(StreamingEngine, DropNewestCountsEveryDrop) {
  EngineOptions o = fast_options();
  o.policy = core::FullPolicy::kDropNewest;
  o.streams.adaptive_steps.clear();  // let the producer outrun the workers
  o.workers = 1;
  o.work_min_ms = o.work_max_ms = 1;
  o.buffer_events = 32;
  o.streams.batch_size = 4;
  StreamingEngine e(o);
  e.start();
  wait_for_produced(e, 5000);
  e.request_stop();
  const EngineReport r = e.finish();
  EXPECT_GT(r.dropped, 0u);
  EXPECT_EQ(r.dropped, r.dropped_newest);  // by reason: all of them the newest
  EXPECT_EQ(r.dropped_oldest + r.rejected, 0u);
  EXPECT_EQ(r.abandoned, 0u);
  EXPECT_TRUE(r.invariant_holds()) << r.produced << " = " << r.processed << " + " << r.dropped;
}

TEST(StreamingEngine, ForcedStopReportsAbandonedEvents) {
  EngineOptions o = fast_options();
  o.workers = 1;
  o.work_min_ms = o.work_max_ms = 20;  // slow: plenty stays queued
  o.buffer_events = 64;
  o.streams.batch_size = 8;
  StreamingEngine e(o);
  e.start();
  wait_for_produced(e, 64);
  e.force_stop();
  const EngineReport r = e.finish();
  EXPECT_TRUE(r.forced);
  EXPECT_GT(r.abandoned, 0u);
  EXPECT_TRUE(r.invariant_holds()) << r.produced << " = " << r.processed << " + " << r.dropped << " + "
                                   << r.abandoned;
}

TEST(StreamingEngine, ShutdownTimeoutForcesAStuckDrain) {
  EngineOptions o = fast_options();
  o.workers = 1;
  o.work_min_ms = o.work_max_ms = 50;
  o.buffer_events = 200;
  o.shutdown_timeout = 100ms;
  StreamingEngine e(o);
  e.start();
  wait_for_produced(e, 200);
  e.request_stop();  // draining 200 events x 50 ms would take 10 s
  const auto t0 = std::chrono::steady_clock::now();
  const EngineReport r = e.finish();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_TRUE(r.forced);
  EXPECT_GT(r.abandoned, 0u);
  EXPECT_TRUE(r.invariant_holds());
}

TEST(StreamingEngine, AutoscalesUnderLoad) {
  EngineOptions o = fast_options();
  o.autoscale = true;
  o.autoscaler.min_workers = 1;
  o.autoscaler.max_workers = 4;
  o.autoscaler.interval = 5ms;
  o.autoscaler.cooldown = 0ms;
  o.work_min_ms = o.work_max_ms = 2;
  StreamingEngine e(o);
  e.start();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (e.snapshot().workers < 4) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "never scaled up";
    std::this_thread::sleep_for(1ms);
  }
  e.request_stop();
  const EngineReport r = e.finish();
  EXPECT_GE(r.peak_workers, 4u);
  EXPECT_GE(r.scale_ups, 3u);
  EXPECT_TRUE(r.invariant_holds());
}

TEST(StreamingEngine, AutoscalingWinsOverAdaptiveProducers) {
  // The autoscaler's default threshold (80%) is also where the default
  // adaptive producers start pausing; the pool must still grow.
  EngineOptions o = fast_options();
  o.autoscale = true;
  o.autoscaler.min_workers = 1;
  o.autoscaler.max_workers = 4;
  o.autoscaler.interval = 100ms;  // defaults otherwise: threshold 0.8, steps from 0.8
  o.autoscaler.cooldown = 200ms;
  o.work_min_ms = o.work_max_ms = 5;
  ASSERT_FALSE(o.streams.adaptive_steps.empty());
  StreamingEngine e(o);
  e.start();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (e.snapshot().workers < 2) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "producers held the queue below the threshold";
    std::this_thread::sleep_for(1ms);
  }
  e.request_stop();
  const EngineReport r = e.finish();
  EXPECT_GE(r.peak_workers, 2u);
  EXPECT_TRUE(r.invariant_holds());
}

}  // namespace
}  // namespace logstreamer::engine
