#pragma once
// BufferPool: a fixed set of equally sized byte buffers, handed out and returned.
//
// Why: readers fill multi-megabyte chunks at memory speed; allocating a fresh
// chunk each time costs a page fault per 4 KiB (a quarter of a million faults
// per GB). Reusing a fixed set also bounds memory: peak RSS is
// `count * capacity`, whatever the size of the input.
//
// Thread-safety: acquire() and the return of a PooledBuffer may happen on any
// thread. acquire() blocks while every buffer is in use, which is itself a form
// of backpressure on readers. The pool must outlive every PooledBuffer.
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace logstreamer::core {

class BufferPool;

// Move-only handle to one pooled buffer; returns it to the pool on destruction.
class PooledBuffer {
 public:
  PooledBuffer() = default;
  PooledBuffer(PooledBuffer&& other) noexcept { swap(other); }
  PooledBuffer& operator=(PooledBuffer&& other) noexcept {
    PooledBuffer tmp(std::move(other));
    swap(tmp);
    return *this;
  }
  PooledBuffer(const PooledBuffer&) = delete;
  PooledBuffer& operator=(const PooledBuffer&) = delete;
  ~PooledBuffer();

  char* data() const { return data_; }
  size_t capacity() const { return capacity_; }
  explicit operator bool() const { return data_ != nullptr; }

 private:
  friend class BufferPool;
  PooledBuffer(BufferPool* pool, char* data, size_t capacity)
      : pool_(pool), data_(data), capacity_(capacity) {}
  void swap(PooledBuffer& o) noexcept {
    std::swap(pool_, o.pool_);
    std::swap(data_, o.data_);
    std::swap(capacity_, o.capacity_);
  }

  BufferPool* pool_ = nullptr;
  char* data_ = nullptr;
  size_t capacity_ = 0;
};

class BufferPool {
 public:
  BufferPool(size_t count, size_t capacity);
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // Blocks until a buffer is free.
  PooledBuffer acquire();

  size_t capacity() const { return capacity_; }
  size_t count() const { return storage_.size(); }
  size_t available() const;

 private:
  friend class PooledBuffer;
  void release(char* data);

  size_t capacity_;
  std::vector<std::unique_ptr<char[]>> storage_;
  mutable std::mutex mutex_;
  std::condition_variable available_cv_;
  std::vector<char*> free_;
};

}  // namespace logstreamer::core
