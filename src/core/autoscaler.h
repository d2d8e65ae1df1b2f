#pragma once
// Autoscaler: grows and shrinks a worker pool between min and max workers by
// how full its queue is.
//
// Every `interval` it reads the backlog's usage: above `scale_up_threshold` it
// adds a worker, below `scale_down_threshold` it retires one, never outside
// [min_workers, max_workers], and never twice within `cooldown` (so it does
// not flap around a threshold).
//
// When the backlog also knows how busy the workers are (utilisation()), a pool
// that is saturated (at least `saturated_utilisation`) with work waiting in the
// queue scales up too, however little is queued: a load just above the pool's
// capacity grows the queue slowly, and latency would reach seconds long before
// the queue is 80% full. And a worker is retired only if the others could take
// its share and stay under `retire_below_utilisation` (no flapping between n
// and n-1 workers while the queue is near empty). stop() ends scaling for good: once shutdown
// begins the pool size is left alone. Each decision is reported to
// `on_decision` (the CLI logs "autoscaler: up, workers=3, queue=0.86").
//
// It sees the world through two small interfaces, so tests drive it with a
// fake backlog, fake workers and explicit times (tick()); start() runs the
// same tick() on a thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <optional>
#include <mutex>
#include <thread>

namespace logstreamer::core {

class Backlog {
 public:
  virtual ~Backlog() = default;
  virtual double usage() const = 0;  // 0 = empty, 1 = full
  // The fraction of the workers' time spent working since the previous call
  // (0..1), or a negative value when unknown. Called by the autoscaler only.
  virtual double utilisation() const { return -1; }
};

class ScalableWorkers {
 public:
  virtual ~ScalableWorkers() = default;
  virtual size_t workers() const = 0;
  virtual void add_worker() = 0;
  // The retired worker finishes (and flushes) what it is doing, then exits.
  virtual void remove_worker() = 0;
};

struct AutoscalerConfig {
  size_t min_workers = 1;
  size_t max_workers = 8;
  double scale_up_threshold = 0.8;
  double scale_down_threshold = 0.2;
  double saturated_utilisation = 0.9;
  // Retire a worker only if the others would stay below this (hysteresis).
  double retire_below_utilisation = 0.7;
  std::chrono::milliseconds interval{500};
  std::chrono::milliseconds cooldown{2000};
};

enum class ScaleDecision { kNone, kUp, kDown };

class Autoscaler {
 public:
  using Clock = std::chrono::steady_clock;
  using OnDecision = std::function<void(ScaleDecision, size_t workers_after, double usage)>;

  Autoscaler(AutoscalerConfig config, const Backlog& backlog, ScalableWorkers& workers,
             OnDecision on_decision = nullptr);
  Autoscaler(const Autoscaler&) = delete;
  Autoscaler& operator=(const Autoscaler&) = delete;
  ~Autoscaler() { stop(); }

  // One decision at time `now`.
  ScaleDecision tick(Clock::time_point now);

  void start();  // a thread calling tick() every interval
  void stop();   // no decision after this returns; idempotent

  uint64_t scale_ups() const { return ups_.load(); }
  uint64_t scale_downs() const { return downs_.load(); }
  size_t peak_workers() const { return peak_.load(); }

 private:
  const AutoscalerConfig config_;
  const Backlog& backlog_;
  ScalableWorkers& workers_;
  OnDecision on_decision_;
  std::optional<Clock::time_point> last_change_;
  std::atomic<uint64_t> ups_{0}, downs_{0};
  std::atomic<size_t> peak_{0};

  std::mutex mutex_;  // guards stopped_ and serialises tick() against stop()
  std::condition_variable wake_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace logstreamer::core
