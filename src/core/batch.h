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
// `skipped` describes lines the reader refused to buffer because they were
// longer than a buffer; they stood just before `text()` in the input. Their
// bytes are counted (the input's size stays right) and the first one's head
// is kept, so its malformed sample is not empty.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/buffer_pool.h"

namespace logstreamer::core {

struct BatchOrigin {
  uint32_t source_id = 0;  // index into the run's list of inputs
  uint64_t seq = 0;        // 0, 1, 2 ... per source, in input order
};

struct SkippedLines {
  static constexpr size_t kHeadBytes = 256;  // as much as a malformed sample keeps

  uint32_t lines = 0;
  uint64_t bytes = 0;      // newlines included
  std::string first_head;  // the first skipped line's first kHeadBytes bytes

  // Records a skipped line's first part (only the first line's is kept).
  void begin_line(std::string_view head) {
    if (lines == 0 && first_head.empty()) first_head.assign(head.substr(0, kHeadBytes));
  }
};

class Batch {
 public:
  Batch() = default;
  // A batch in a pooled buffer.
  Batch(PooledBuffer buffer, size_t size, BatchOrigin origin, SkippedLines skipped = {})
      : buffer_(std::move(buffer)),
        data_(buffer_.data()),
        size_(size),
        origin_(origin),
        skipped_(std::move(skipped)) {}
  // A batch in memory owned by `keep_alive` (e.g. a mapped file range).
  Batch(std::shared_ptr<const void> keep_alive, const char* data, size_t size, BatchOrigin origin,
        SkippedLines skipped = {})
      : keep_alive_(std::move(keep_alive)),
        data_(data),
        size_(size),
        origin_(origin),
        skipped_(std::move(skipped)) {}

  std::string_view text() const { return {data_, size_}; }
  // What keeps a batch made from borrowed memory alive (null for a pooled buffer).
  const std::shared_ptr<const void>& keep_alive() const { return keep_alive_; }
  size_t size_bytes() const { return size_; }
  const BatchOrigin& origin() const { return origin_; }
  uint32_t skipped_lines() const { return skipped_.lines; }
  // Bytes of the input this batch stands for: its text and the skipped lines.
  uint64_t input_bytes() const { return size_ + skipped_.bytes; }
  const SkippedLines& skipped() const { return skipped_; }

 private:
  PooledBuffer buffer_;
  std::shared_ptr<const void> keep_alive_;
  const char* data_ = nullptr;
  size_t size_ = 0;
  BatchOrigin origin_;
  SkippedLines skipped_;
};

}  // namespace logstreamer::core
