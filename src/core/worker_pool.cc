#include "core/worker_pool.h"

namespace logstreamer::core {

void WorkerPool::spawn(size_t count) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < count; ++i) {
    const size_t index = threads_.size();
    threads_.emplace_back([this, index, token = stop_.get_token()] { body_(token, index); });
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

size_t WorkerPool::size() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

}  // namespace logstreamer::core
