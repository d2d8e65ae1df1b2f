#pragma once
// WorkerPool: a set of threads running the same body, each with its own index.
//
// Lifecycle: the owner calls spawn() to start workers and join() to wait for
// them; the destructor joins too, so no worker thread outlives its pool. The
// body decides when to return (typically when its queue is closed and empty);
// request_stop() asks every worker, through the std::stop_token it was given,
// to finish early. request_stop() may be called from any thread at any time,
// also while another thread is blocked in join(), and reaches workers spawned
// later too.
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace logstreamer::core {

class WorkerPool {
 public:
  using Body = std::function<void(std::stop_token stop, size_t worker_index)>;

  explicit WorkerPool(Body body) : body_(std::move(body)) {}
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool() { join(); }

  // Starts `count` more workers; indices continue from the ones already started.
  void spawn(size_t count);
  void request_stop();
  void join();
  // Threads started and not yet joined.
  size_t size() const;

  // Retirement, for an autoscaler: retire_one() asks one worker, whichever
  // checks first, to leave. A body that supports it calls should_retire()
  // between units of work, and returns (after flushing) when it says true.
  void retire_one() { retire_requests_.fetch_add(1, std::memory_order_acq_rel); }
  bool should_retire();
  // Bodies running right now (started, not returned).
  size_t active() const { return active_.load(std::memory_order_acquire); }

 private:
  Body body_;
  std::stop_source stop_;  // one for the pool: never swapped out, so always reachable
  std::atomic<size_t> retire_requests_{0};
  std::atomic<size_t> active_{0};
  mutable std::mutex mutex_;
  std::vector<std::thread> threads_;
};

}  // namespace logstreamer::core
