#pragma once
// The Autoscaler's two views (core/autoscaler.h) of the usual pair: a
// BoundedQueue as the backlog, a WorkerPool as the workers. Shared by the
// streaming engine (bench) and the ingest pipeline (serve).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "core/autoscaler.h"
#include "core/bounded_queue.h"
#include "core/worker_pool.h"

namespace logstreamer::core {

// Time the workers spent working: each worker adds what a batch took; the
// autoscaler turns the growth since its previous look into a utilisation.
// add() from any thread; utilisation() from the autoscaler's thread only.
class BusyMeter {
 public:
  void add(int64_t busy_ns) { busy_ns_.fetch_add(busy_ns, std::memory_order_relaxed); }

  // Busy time since the previous call over (elapsed time x workers), capped
  // at 1; negative on the first call (nothing to compare with yet).
  double utilisation(size_t workers) const {
    const auto now = std::chrono::steady_clock::now();
    const int64_t busy = busy_ns_.load(std::memory_order_relaxed);
    double u = -1;
    if (last_ && workers > 0) {
      const auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(now - *last_).count();
      if (wall > 0) {
        u = std::min(1.0, static_cast<double>(busy - last_busy_) /
                              (static_cast<double>(wall) * static_cast<double>(workers)));
      }
    }
    last_ = now;
    last_busy_ = busy;
    return u;
  }

 private:
  std::atomic<int64_t> busy_ns_{0};
  mutable std::optional<std::chrono::steady_clock::time_point> last_;
  mutable int64_t last_busy_ = 0;
};

template <typename T>
struct QueueBacklog : Backlog {
  const BoundedQueue<T>* q = nullptr;
  // Optional: with both set, the autoscaler also sees how busy workers are.
  const BusyMeter* busy = nullptr;
  const WorkerPool* pool = nullptr;
  double usage() const override { return q->usage(); }
  double utilisation() const override {
    return busy != nullptr && pool != nullptr ? busy->utilisation(pool->active()) : -1;
  }
};

struct PoolWorkers : ScalableWorkers {
  WorkerPool* pool = nullptr;
  size_t workers() const override { return pool->active(); }
  void add_worker() override { pool->spawn(1); }
  void remove_worker() override { pool->retire_one(); }
};

}  // namespace logstreamer::core
