#pragma once
// BoundedQueue: a bounded MPMC FIFO with an explicit full-queue policy and a
// capacity in items *and* in bytes (a few huge batches must not slip under an
// item count). Every outcome is counted.
//
// Contract:
//  - offer() applies the policy when the queue is full: kBlock waits (until
//    room or close), kDropNewest drops the new item, kDropOldest drops queued
//    items from the front until the new one fits, kReject hands the item back
//    untouched. An item larger than the byte capacity on its own is accepted
//    into an empty queue, so nothing is unqueueable.
//  - pop()/pop_for() return items in order; after close() they drain what is
//    queued, then return nullopt. close() wakes everyone; it is idempotent.
//  - stats() is consistent at one instant: offered == accepted + dropped_newest
//    + rejected + refused_closed, and accepted == popped + dropped_oldest +
//    size (the conservation the engine's zero-loss invariant builds on).
//
// A mutex and two condition variables: items are batches, a few thousand
// operations per second at most (STYLE.md lesson 5).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <utility>

#include "core/full_policy.h"

namespace logstreamer::core {

enum class OfferResult { kAccepted, kDroppedNewest, kRejected, kClosed };

struct QueueStats {
  uint64_t offered = 0;
  uint64_t accepted = 0;
  uint64_t popped = 0;
  uint64_t dropped_newest = 0;
  uint64_t dropped_oldest = 0;
  uint64_t rejected = 0;
  uint64_t refused_closed = 0;
  size_t size = 0;
  size_t bytes = 0;
  // The same outcomes weighed in bytes (or whatever unit offer() was given,
  // e.g. events per batch), so that drops can be counted in events.
  uint64_t dropped_newest_bytes = 0;
  uint64_t dropped_oldest_bytes = 0;
  uint64_t rejected_bytes = 0;
};

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t max_items, FullPolicy policy = FullPolicy::kBlock,
                        size_t max_bytes = std::numeric_limits<size_t>::max())
      : policy_(policy), max_items_(max_items == 0 ? 1 : max_items), max_bytes_(max_bytes == 0 ? 1 : max_bytes) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // offer() with no byte weight; true when the item was queued. For producers
  // of a blocking queue, where only "closed" can refuse.
  bool push(T item) { return offer(item, 0) == OfferResult::kAccepted; }

  // `bytes`: the item's weight against max_bytes. On kRejected and kClosed
  // the item is left with the caller.
  OfferResult offer(T& item, size_t bytes) {
    std::unique_lock lock(mutex_);
    ++stats_.offered;
    if (closed_) {
      ++stats_.refused_closed;
      return OfferResult::kClosed;
    }
    if (!fits(bytes)) {
      switch (policy_) {
        case FullPolicy::kBlock:
          not_full_.wait(lock, [&] { return closed_ || fits(bytes); });
          if (closed_) {
            ++stats_.refused_closed;
            return OfferResult::kClosed;
          }
          break;
        case FullPolicy::kDropNewest:
          ++stats_.dropped_newest;
          stats_.dropped_newest_bytes += bytes;
          return OfferResult::kDroppedNewest;
        case FullPolicy::kDropOldest:
          while (!items_.empty() && !fits(bytes)) {
            stats_.bytes -= items_.front().second;
            stats_.dropped_oldest_bytes += items_.front().second;
            items_.pop_front();
            ++stats_.dropped_oldest;
          }
          break;
        case FullPolicy::kReject:
          ++stats_.rejected;
          stats_.rejected_bytes += bytes;
          return OfferResult::kRejected;
      }
    }
    items_.emplace_back(std::move(item), bytes);
    stats_.bytes += bytes;
    ++stats_.accepted;
    lock.unlock();
    not_empty_.notify_one();
    return OfferResult::kAccepted;
  }

  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    return take(lock);
  }

  // As pop(), waiting at most `timeout`; nullopt on timeout too (check closed()).
  std::optional<T> pop_for(std::chrono::nanoseconds timeout) {
    std::unique_lock lock(mutex_);
    not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
    return take(lock);
  }

  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  // Fill level in [0, 1], by items or bytes, whichever is fuller.
  double usage() const {
    std::lock_guard lock(mutex_);
    const double by_items = static_cast<double>(items_.size()) / static_cast<double>(max_items_);
    const double by_bytes = static_cast<double>(stats_.bytes) / static_cast<double>(max_bytes_);
    return by_items > by_bytes ? by_items : by_bytes;
  }
  QueueStats stats() const {
    std::lock_guard lock(mutex_);
    QueueStats s = stats_;
    s.size = items_.size();
    return s;
  }
  FullPolicy policy() const { return policy_; }
  size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  size_t capacity() const { return max_items_; }

 private:
  bool fits(size_t bytes) const {
    if (items_.empty()) return true;  // an oversized item still gets through alone
    return items_.size() < max_items_ && stats_.bytes + bytes <= max_bytes_;
  }

  std::optional<T> take(std::unique_lock<std::mutex>& lock) {
    if (items_.empty()) return std::nullopt;
    auto [item, bytes] = std::move(items_.front());
    items_.pop_front();
    stats_.bytes -= bytes;
    ++stats_.popped;
    lock.unlock();
    not_full_.notify_all();  // several small offers may now fit
    return std::move(item);
  }

  const FullPolicy policy_;
  const size_t max_items_;
  const size_t max_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<std::pair<T, size_t>> items_;
  QueueStats stats_;
  bool closed_ = false;
};

}  // namespace logstreamer::core
