#pragma once
// Batch: the unit of work that flows through the pipeline's queues.
//
// A batch is a run of whole lines (each ended by '\n', except possibly the last
// line of an input) in one block of memory. Lines are never materialised one
// by one: consumers split `text()` on '\n' in place, so a batch of 40,000
// lines costs one queue operation and no per-line allocation.
//
// The memory is either a pooled buffer the reader filled, or a range of a
// memory-mapped file that some other object owns; `keep_alive` holds that
// owner, and its destruction (when the batch is done) may release the pages.
//
// `origin` names where the bytes came from (which source, which chunk of it) so
// that a consumer can report file and line number for a bad line even though
// batches are processed out of order (see aggregate/line_ledger.h).
//
// `skipped_lines` counts lines the reader refused to buffer because they were
// longer than the line limit; they stood just before `text()` in the input.
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "core/buffer_pool.h"

namespace logstreamer::core {

struct BatchOrigin {
  uint32_t source_id = 0;  // index into the run's list of inputs
  uint64_t seq = 0;        // 0, 1, 2 ... per source, in input order
};

class Batch {
 public:
  Batch() = default;
  // A batch in a pooled buffer.
  Batch(PooledBuffer buffer, size_t size, BatchOrigin origin, uint32_t skipped_lines = 0)
      : buffer_(std::move(buffer)),
        data_(buffer_.data()),
        size_(size),
        origin_(origin),
        skipped_lines_(skipped_lines) {}
  // A batch in memory owned by `keep_alive` (e.g. a mapped file range).
  Batch(std::shared_ptr<const void> keep_alive, const char* data, size_t size, BatchOrigin origin,
        uint32_t skipped_lines = 0)
      : keep_alive_(std::move(keep_alive)),
        data_(data),
        size_(size),
        origin_(origin),
        skipped_lines_(skipped_lines) {}

  std::string_view text() const { return {data_, size_}; }
  size_t size_bytes() const { return size_; }
  const BatchOrigin& origin() const { return origin_; }
  uint32_t skipped_lines() const { return skipped_lines_; }

 private:
  PooledBuffer buffer_;
  std::shared_ptr<const void> keep_alive_;
  const char* data_ = nullptr;
  size_t size_ = 0;
  BatchOrigin origin_;
  uint32_t skipped_lines_ = 0;
};

}  // namespace logstreamer::core
