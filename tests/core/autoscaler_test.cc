#include "core/autoscaler.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "core/worker_pool.h"

namespace logstreamer::core {
namespace {

using namespace std::chrono_literals;
using Clock = Autoscaler::Clock;

struct FakeBacklog : Backlog {
  std::atomic<double> value{0};
  std::atomic<double> busy{-1};
  double usage() const override { return value.load(); }
  double utilisation() const override { return busy.load(); }
};

struct FakeWorkers : ScalableWorkers {
  std::atomic<size_t> n{2};
  size_t workers() const override { return n.load(); }
  void add_worker() override { ++n; }
  void remove_worker() override { --n; }
};

AutoscalerConfig config() {
  AutoscalerConfig c;
  c.min_workers = 1;
  c.max_workers = 4;
  c.interval = 10ms;
  c.cooldown = 100ms;
  return c;
}

TEST(Autoscaler, ScalesUpAboveAndDownBelowTheThresholds) {
  FakeBacklog backlog;
  FakeWorkers workers;
  std::vector<std::tuple<ScaleDecision, size_t, double>> log;
  Autoscaler a(config(), backlog, workers,
               [&](ScaleDecision d, size_t n, double u) { log.emplace_back(d, n, u); });
  const auto t0 = Clock::time_point{} + 1h;
  backlog.value = 0.86;
  EXPECT_EQ(a.tick(t0), ScaleDecision::kUp);
  EXPECT_EQ(workers.n, 3u);
  backlog.value = 0.5;  // between the thresholds: hold
  EXPECT_EQ(a.tick(t0 + 1s), ScaleDecision::kNone);
  backlog.value = 0.1;
  EXPECT_EQ(a.tick(t0 + 2s), ScaleDecision::kDown);
  EXPECT_EQ(workers.n, 2u);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(std::get<1>(log[0]), 3u);
  EXPECT_DOUBLE_EQ(std::get<2>(log[0]), 0.86);
  EXPECT_EQ(a.scale_ups(), 1u);
  EXPECT_EQ(a.scale_downs(), 1u);
  EXPECT_EQ(a.peak_workers(), 3u);
}

TEST(Autoscaler, SaturatedWorkersWithAQueueScaleUpBelowTheThreshold) {
  FakeBacklog backlog;
  FakeWorkers workers;
  Autoscaler a(config(), backlog, workers);
  const auto t0 = Clock::time_point{} + 1h;
  backlog.value = 0.03;  // a little queued...
  backlog.busy = 0.98;   // ...and the workers never idle: they cannot keep up
  EXPECT_EQ(a.tick(t0), ScaleDecision::kUp);
  EXPECT_EQ(workers.n, 3u);
  backlog.value = 0;  // busy but nothing waits: enough workers
  EXPECT_EQ(a.tick(t0 + 1s), ScaleDecision::kNone);
  // Near-empty queue, but retiring one would load the other two at
  // 0.7 * 3 / 2 = 1.05: hold.
  backlog.busy = 0.7;
  EXPECT_EQ(a.tick(t0 + 2s), ScaleDecision::kNone);
  backlog.busy = 0.3;  // 0.45 each with one fewer: retire
  EXPECT_EQ(a.tick(t0 + 3s), ScaleDecision::kDown);
  EXPECT_EQ(workers.n, 2u);
  workers.n = 4;  // at the maximum: saturation adds nothing
  backlog.value = 0.5;
  backlog.busy = 1.0;
  EXPECT_EQ(a.tick(t0 + 4s), ScaleDecision::kNone);
}

TEST(Autoscaler, CooldownPreventsFlapping) {
  FakeBacklog backlog;
  FakeWorkers workers;
  Autoscaler a(config(), backlog, workers);
  const auto t0 = Clock::time_point{} + 1h;
  backlog.value = 0.95;
  EXPECT_EQ(a.tick(t0), ScaleDecision::kUp);
  EXPECT_EQ(a.tick(t0 + 50ms), ScaleDecision::kNone);  // within the 100 ms cooldown
  backlog.value = 0.0;
  EXPECT_EQ(a.tick(t0 + 99ms), ScaleDecision::kNone);
  EXPECT_EQ(a.tick(t0 + 100ms), ScaleDecision::kDown);
}

TEST(Autoscaler, StaysWithinBounds) {
  FakeBacklog backlog;
  FakeWorkers workers;
  Autoscaler a(config(), backlog, workers);
  auto t = Clock::time_point{} + 1h;
  backlog.value = 1.0;
  for (int i = 0; i < 10; ++i) a.tick(t += 1s);
  EXPECT_EQ(workers.n, 4u);  // max
  backlog.value = 0.0;
  for (int i = 0; i < 10; ++i) a.tick(t += 1s);
  EXPECT_EQ(workers.n, 1u);  // min
  workers.n = 0;  // below min (e.g. at start): brought up whatever the backlog says
  EXPECT_EQ(a.tick(t += 1s), ScaleDecision::kUp);
}

TEST(Autoscaler, NoDecisionAfterStop) {
  FakeBacklog backlog;
  FakeWorkers workers;
  Autoscaler a(config(), backlog, workers);
  a.stop();
  backlog.value = 1.0;
  EXPECT_EQ(a.tick(Clock::now()), ScaleDecision::kNone);
  EXPECT_EQ(workers.n, 2u);
}

TEST(Autoscaler, ItsThreadScalesARealPoolUpAndDown) {
  // A real WorkerPool whose bodies retire when asked.
  WorkerPool pool([&](std::stop_token stop, size_t) {
    while (!stop.stop_requested()) {
      if (pool.should_retire()) return;
      std::this_thread::sleep_for(1ms);
    }
  });
  struct PoolWorkers : ScalableWorkers {
    WorkerPool& p;
    explicit PoolWorkers(WorkerPool& pool) : p(pool) {}
    size_t workers() const override { return p.active(); }
    void add_worker() override { p.spawn(1); }
    void remove_worker() override { p.retire_one(); }
  } workers(pool);
  pool.spawn(1);
  FakeBacklog backlog;
  AutoscalerConfig c = config();
  c.cooldown = 0ms;
  Autoscaler a(c, backlog, workers);
  a.start();
  const auto wait_until = [](auto cond) {
    const auto deadline = Clock::now() + 30s;
    while (!cond()) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  };
  backlog.value = 0.99;
  ASSERT_TRUE(wait_until([&] { return pool.active() == 4; }));
  backlog.value = 0.0;
  ASSERT_TRUE(wait_until([&] { return pool.active() == 1; }));
  a.stop();
  EXPECT_EQ(a.peak_workers(), 4u);
  pool.request_stop();
  pool.join();
  EXPECT_EQ(pool.active(), 0u);
}

}  // namespace
}  // namespace logstreamer::core
