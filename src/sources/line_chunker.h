#pragma once
// LineChunker: turns a byte stream into batches of whole lines.
//
// It reads into a pooled buffer until the buffer is full (or, on a pipe, until
// the writer goes quiet), cuts at the last '\n', hands the whole lines on as a
// Batch and carries the partial last line over to the next buffer. So each
// batch is as large as the buffer allows and costs one queue operation.
//
// Bounded memory: a line that does not fit in a buffer is never buffered whole.
// Its bytes are discarded up to its end, and it is reported as one skipped line
// on the next batch (Batch::skipped: count, bytes, its first 256 bytes), so that
// the consumer counts it as malformed with its correct line number and sample. The last line of an
// input may lack its '\n'; it is emitted as it is.
#include <functional>
#include <stop_token>

#include "absl/status/status.h"
#include "core/batch.h"
#include "core/buffer_pool.h"
#include "sources/input_stream.h"

namespace logstreamer::sources {

class LineChunker {
 public:
  // `emit` returns false when the batch could not be delivered (the queue was
  // closed), which ends the run.
  using Emit = std::function<bool(core::Batch)>;

  LineChunker(core::BufferPool& pool, uint32_t source_id) : pool_(pool), source_id_(source_id) {}

  // Reads `in` until its end, a stop request or an error. Complete lines read
  // before a stop or an error are still emitted.
  absl::Status run(InputStream& in, std::stop_token stop, const Emit& emit);

  uint64_t batches_emitted() const { return seq_; }

 private:
  bool emit_upto(size_t cut, const Emit& emit);

  core::BufferPool& pool_;
  uint32_t source_id_;
  core::PooledBuffer buf_;
  size_t fill_ = 0;
  uint64_t seq_ = 0;
  core::SkippedLines skipped_;  // reported on the next batch
};

}  // namespace logstreamer::sources
