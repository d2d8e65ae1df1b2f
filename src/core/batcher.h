#pragma once
// Batcher: groups items into batches for the next stage. A batch is flushed
// when it reaches `max_size` items, or when `max_wait` has passed since its
// first item arrived, and whatever remains is flushed by flush() before the
// stage exits. So latency is bounded by max_wait under low load, and
// per-batch costs are amortised under high load.
//
// The decisions take the current time as an argument (no clock inside), so
// tests drive them with a fake clock; run_batching_stage() is the real loop.
// Not thread-safe: one stage thread owns a Batcher.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <vector>

#include "core/bounded_queue.h"

namespace logstreamer::core {

template <typename T>
class Batcher {
 public:
  using Clock = std::chrono::steady_clock;
  using Flush = std::function<void(std::vector<T>&&)>;

  Batcher(size_t max_size, std::chrono::nanoseconds max_wait, Flush flush)
      : max_size_(max_size == 0 ? 1 : max_size), max_wait_(max_wait), flush_(std::move(flush)) {}

  void add(T item, Clock::time_point now) {
    if (pending_.empty()) first_at_ = now;
    pending_.push_back(std::move(item));
    if (pending_.size() >= max_size_) {
      ++flushed_by_size_;
      emit();
    }
  }

  // Flushes when the oldest pending item has waited max_wait. Returns how long
  // the caller may wait before calling again (nullopt: nothing pending).
  std::optional<std::chrono::nanoseconds> poll(Clock::time_point now) {
    if (pending_.empty()) return std::nullopt;
    const auto deadline = first_at_ + max_wait_;
    if (now >= deadline) {
      ++flushed_by_timeout_;
      emit();
      return std::nullopt;
    }
    return deadline - now;
  }

  // Flushes what remains (the stage is exiting).
  void flush() {
    if (!pending_.empty()) {
      ++flushed_at_exit_;
      emit();
    }
  }

  size_t pending() const { return pending_.size(); }
  uint64_t flushed_by_size() const { return flushed_by_size_; }
  uint64_t flushed_by_timeout() const { return flushed_by_timeout_; }
  uint64_t flushed_at_exit() const { return flushed_at_exit_; }

 private:
  void emit() {
    std::vector<T> batch;
    batch.swap(pending_);
    flush_(std::move(batch));
  }

  const size_t max_size_;
  const std::chrono::nanoseconds max_wait_;
  Flush flush_;
  std::vector<T> pending_;
  Clock::time_point first_at_{};
  uint64_t flushed_by_size_ = 0, flushed_by_timeout_ = 0, flushed_at_exit_ = 0;
};

// The stage loop: pops from `in` into `batcher` until `in` is closed and
// drained, waking for the batch deadline in between; flushes what remains
// before returning. `stop` ends it early (after that final flush) without
// draining: for a forced stop.
template <typename T>
void run_batching_stage(BoundedQueue<T>& in, Batcher<T>& batcher, std::stop_token stop = {}) {
  using namespace std::chrono_literals;
  std::chrono::nanoseconds wait = 100ms;
  while (!stop.stop_requested()) {
    std::optional<T> item = in.pop_for(wait);
    const auto now = Batcher<T>::Clock::now();
    if (item) {
      batcher.add(std::move(*item), now);
    } else if (in.closed()) {
      break;  // closed and drained
    }
    const auto next = batcher.poll(now);
    wait = next ? std::min<std::chrono::nanoseconds>(*next, 100ms) : std::chrono::nanoseconds(100ms);
  }
  batcher.flush();
}

}  // namespace logstreamer::core
