#pragma once
// Source: anything that produces batches into the pipeline's queue.
//
// run() is called once, on a reader thread owned by the Pipeline. It pushes
// batches with BatchQueue::push (blocking: the queue's backpressure) and
// returns when its input is exhausted, when `stop` is requested (return
// promptly, within ~100 ms, even if blocked waiting for input), or on an error,
// which it returns as a status naming the input. A new kind of input is a new
// Source subclass under src/sources/, and nothing in the core changes.
#include <stop_token>
#include <string>

#include "absl/status/status.h"
#include "core/batch.h"
#include "core/bounded_queue.h"

namespace logstreamer::core {

using BatchQueue = BoundedQueue<Batch>;

class Source {
 public:
  virtual ~Source() = default;
  virtual const std::string& name() const = 0;
  virtual absl::Status run(BatchQueue& out, std::stop_token stop) = 0;
  // Raw input bytes consumed so far (compressed bytes for compressed input);
  // read by the progress line from another thread.
  virtual uint64_t bytes_consumed() const = 0;
  // Raw input size when known in advance (regular files), else 0.
  virtual uint64_t bytes_total() const = 0;
  // Problems found after run() returned, while its batches were being
  // processed (e.g. a mapped file that shrank). Read after the pipeline ends.
  virtual absl::Status final_status() const { return absl::OkStatus(); }
};

// BatchProcessor: the per-worker consumer. Each worker owns one instance, so a
// processor keeps local state (a local summary) without locks; the owner merges
// the processors' states after the pipeline has finished.
class BatchProcessor {
 public:
  virtual ~BatchProcessor() = default;
  // Returns the number of lines the batch held (for the pipeline's probe).
  virtual uint64_t process(const Batch& batch) = 0;
};

}  // namespace logstreamer::core
