#pragma once
// AnalyzePipeline: wires sources -> bounded queue -> worker pool -> per-worker
// processors, and owns the lifecycle of every thread involved.
//
//   Source 0 ┐                      ┌ worker 0: BatchProcessor 0 (local state)
//   Source 1 ┼ reader threads ─push─┤ BatchQueue (bounded, blocking) ─pop─ ...
//   Source N ┘   (<= readers)       └ worker W-1: BatchProcessor W-1
//
// Lifecycle:
//   start()        spawns `readers` reader threads (each takes the next source
//                  in order until none is left), `workers` worker threads and a
//                  finisher thread.
//   request_stop() asks sources to stop reading (stop_token). What is already
//                  queued is still processed: stopping never discards work.
//   The finisher joins the readers, closes the queue, joins the workers (who
//   drain the queue first), then marks the pipeline finished.
//   wait_for()/wait() block until finished; the destructor requests stop and
//   waits, so no thread outlives the AnalyzePipeline.
//
// Thread-safety: request_stop(), wait_for() and the probe may be used from any
// thread. processors() and errors() are for after wait().
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/source.h"
#include "core/worker_pool.h"

namespace logstreamer::engine {

struct PipelineOptions {
  size_t readers = 1;
  size_t workers = 1;
  size_t queue_capacity = 8;  // in batches
};

// Counters the pipeline keeps about itself; read live by progress reporting.
struct PipelineProbe {
  std::atomic<uint64_t> batches_processed{0};
  std::atomic<uint64_t> bytes_processed{0};
  std::atomic<uint64_t> lines_processed{0};
};

struct SourceError {
  std::string source;
  absl::Status status;
};

class AnalyzePipeline {
 public:
  using ProcessorFactory =
      std::function<std::unique_ptr<core::BatchProcessor>(size_t worker_index)>;

  AnalyzePipeline(PipelineOptions options, std::vector<std::unique_ptr<core::Source>> sources,
                  const ProcessorFactory& make_processor);
  AnalyzePipeline(const AnalyzePipeline&) = delete;
  AnalyzePipeline& operator=(const AnalyzePipeline&) = delete;
  ~AnalyzePipeline();

  void start();
  void request_stop();
  // True once every source has finished and every queued batch was processed.
  bool wait_for(std::chrono::milliseconds timeout);
  void wait();

  const PipelineProbe& probe() const { return probe_; }
  const core::BatchQueue& queue() const { return queue_; }
  const std::vector<std::unique_ptr<core::Source>>& sources() const { return sources_; }
  std::vector<std::unique_ptr<core::BatchProcessor>>& processors() { return processors_; }
  std::vector<SourceError> errors() const;

 private:
  void reader_loop(std::stop_token stop);
  void worker_loop(size_t index);
  void finish();

  PipelineOptions options_;
  std::vector<std::unique_ptr<core::Source>> sources_;
  std::vector<std::unique_ptr<core::BatchProcessor>> processors_;
  core::BatchQueue queue_;
  PipelineProbe probe_;

  std::atomic<size_t> next_source_{0};
  core::WorkerPool readers_;
  core::WorkerPool workers_;
  std::thread finisher_;
  bool started_ = false;

  mutable std::mutex mutex_;
  std::condition_variable finished_cv_;
  bool finished_ = false;
  std::vector<SourceError> errors_;
};

}  // namespace logstreamer::engine
