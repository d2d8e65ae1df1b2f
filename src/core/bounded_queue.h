#pragma once
// BoundedQueue: a multi-producer, multi-consumer FIFO with a fixed capacity.
//
// Contract:
//  - push() blocks while the queue is full (backpressure) and returns false,
//    without taking the item, once the queue is closed.
//  - try_push() never blocks: it answers kFull or kClosed instead.
//  - pop() blocks while the queue is empty and open; after close() it keeps
//    returning queued items until the queue is empty, then std::nullopt. So
//    close() means "no more input", never "discard what is queued".
//  - close() wakes every blocked producer and consumer; it is idempotent.
//
// Why a mutex and two condition variables: items are batches of thousands of
// lines, so the queue sees a few thousand operations per second, far below
// where a lock-free queue would pay for its complexity (STYLE.md lesson 5).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace logstreamer::core {

enum class PushResult { kOk, kFull, kClosed };

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    lock.unlock();
    not_empty_.notify_one();
    return true;
  }

  PushResult try_push(T& item) {
    std::unique_lock lock(mutex_);
    if (closed_) return PushResult::kClosed;
    if (items_.size() >= capacity_) return PushResult::kFull;
    items_.push_back(std::move(item));
    lock.unlock();
    not_empty_.notify_one();
    return PushResult::kOk;
  }

  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    lock.unlock();
    not_full_.notify_one();
    return item;
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
  size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  size_t capacity() const { return capacity_; }
  // Fill level in [0, 1]: what an autoscaler or an adaptive producer reads.
  double usage() const { return static_cast<double>(size()) / static_cast<double>(capacity_); }

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace logstreamer::core
