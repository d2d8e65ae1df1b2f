#include "core/buffer_pool.h"

namespace logstreamer::core {

PooledBuffer::~PooledBuffer() {
  if (pool_ != nullptr && data_ != nullptr) pool_->release(data_);
}

BufferPool::BufferPool(size_t count, size_t capacity) : capacity_(capacity) {
  storage_.reserve(count);
  free_.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    // Not value-initialised: the pages are touched only when first filled.
    storage_.emplace_back(new char[capacity]);
    free_.push_back(storage_.back().get());
  }
}

PooledBuffer BufferPool::acquire() {
  std::unique_lock lock(mutex_);
  available_cv_.wait(lock, [&] { return !free_.empty(); });
  char* data = free_.back();
  free_.pop_back();
  return PooledBuffer(this, data, capacity_);
}

size_t BufferPool::available() const {
  std::lock_guard lock(mutex_);
  return free_.size();
}

void BufferPool::release(char* data) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(data);
  }
  available_cv_.notify_one();
}

}  // namespace logstreamer::core
