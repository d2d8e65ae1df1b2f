#include "core/worker_pool.h"

namespace logstreamer::core {

void WorkerPool::spawn(size_t count) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < count; ++i) {
    const size_t index = threads_.size();
    active_.fetch_add(1, std::memory_order_acq_rel);
    threads_.emplace_back([this, index, token = stop_.get_token()] {
      body_(token, index);
      active_.fetch_sub(1, std::memory_order_acq_rel);
    });
  }
}

void WorkerPool::request_stop() { stop_.request_stop(); }

void WorkerPool::join() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
}

bool WorkerPool::should_retire() {
  size_t pending = retire_requests_.load(std::memory_order_acquire);
  while (pending > 0) {
    if (retire_requests_.compare_exchange_weak(pending, pending - 1, std::memory_order_acq_rel)) return true;
  }
  return false;
}

size_t WorkerPool::size() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

}  // namespace logstreamer::core
