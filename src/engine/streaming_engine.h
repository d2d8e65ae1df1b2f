#pragma once
// StreamingEngine: synthetic streams -> bounded queue (policy) -> worker pool
// (fixed or autoscaled) -> parse + aggregate, with end-to-end latency and
// live metrics. What `logstreamer bench` runs.
//
// Lifecycle: start(); then request_stop() for a graceful stop (producers stop
// and flush, the queue drains, workers finish) or force_stop() to stop at
// once (what is still queued or unprocessed is abandoned, and counted);
// finish() waits for the end (forcing after shutdown_timeout) and returns the
// report. Invariant, checked by the tests:
//   produced == processed + dropped + abandoned
// with dropped counted by the queue's policy and abandoned only after a
// forced stop.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aggregate/latency_sketch.h"
#include "aggregate/summary.h"
#include "core/autoscaler.h"
#include "core/bounded_queue.h"
#include "core/scaling_adapters.h"
#include "core/worker_pool.h"
#include "engine/event_batch.h"
#include "engine/stream_generator.h"

namespace logstreamer::engine {

struct EngineOptions {
  StreamOptions streams;
  size_t generator_threads = 1;
  size_t workers = 50;
  bool autoscale = false;
  core::AutoscalerConfig autoscaler;
  core::FullPolicy policy = core::FullPolicy::kBlock;
  size_t buffer_events = 500;  // queue capacity, in events
  uint64_t work_min_ms = 0;    // simulated processing time per event: uniform in [min, max]
  uint64_t work_max_ms = 0;
  std::chrono::milliseconds shutdown_timeout{10000};
  size_t max_line_bytes = 1 << 20;  // longer lines are malformed, as analyze's default
};

struct EngineReport {
  uint64_t produced = 0;
  uint64_t processed = 0;
  uint64_t dropped = 0;    // by the queue policy: the three below
  uint64_t dropped_newest = 0, dropped_oldest = 0, rejected = 0;
  uint64_t batches = 0;    // batches the generators flushed to the queue
  uint64_t abandoned = 0;  // only after a forced stop
  bool forced = false;
  double elapsed_seconds = 0;
  aggregate::LatencySketch latency_ms;  // created -> processed
  // The same path by stage, recorded per batch: the oldest event's wait in
  // the producer's batch, the batch's wait in the queue, and the batch's
  // mean processing time per event (weighted by its events).
  aggregate::LatencySketch batching_ms, queue_ms, processing_ms;
  size_t peak_workers = 0;
  uint64_t scale_ups = 0, scale_downs = 0;
  uint64_t lines = 0, malformed = 0;
  std::array<uint64_t, parse::kLevelCount> levels{};  // of the lines parsed
  bool invariant_holds() const { return produced == processed + dropped + abandoned; }
};

// A point-in-time view for the metrics line.
struct EngineSnapshot {
  uint64_t produced = 0, processed = 0, dropped = 0;
  size_t queued_events = 0, capacity_events = 0;
  size_t workers = 0;
  double window_p99_ms = 0;  // since the previous snapshot
};

class StreamingEngine {
 public:
  explicit StreamingEngine(EngineOptions options);
  ~StreamingEngine();

  void start();
  void request_stop();  // graceful
  void force_stop();    // at once
  EngineReport finish();
  EngineSnapshot snapshot();
  // Replay: every line of the file was emitted (--loops times); request_stop()
  // then drains what is queued.
  bool source_exhausted() const { return generator_.exhausted(); }

  using OnScale = core::Autoscaler::OnDecision;
  void set_on_scale(OnScale f) { on_scale_ = std::move(f); }

 private:

  void worker_loop(std::stop_token stop);
  uint64_t dropped_events() const;

  EngineOptions options_;
  core::BoundedQueue<EventBatch> queue_;
  StreamGenerator generator_;
  core::WorkerPool pool_;
  core::BusyMeter busy_;  // workers' busy time, for the autoscaler
  core::QueueBacklog<EventBatch> backlog_;
  core::PoolWorkers scalable_;
  std::unique_ptr<core::Autoscaler> autoscaler_;
  OnScale on_scale_;

  std::chrono::steady_clock::time_point started_;
  std::atomic<uint64_t> processed_{0};
  std::atomic<uint64_t> abandoned_{0};
  std::atomic<bool> forced_{false};
  std::atomic<bool> stopping_{false};

  std::mutex results_mutex_;  // guards what workers hand in
  aggregate::LatencySketch latency_;
  aggregate::LatencySketch window_;
  aggregate::LatencySketch batching_, queue_wait_, processing_;
  uint64_t lines_ = 0, malformed_ = 0;
  aggregate::Summary summary_;  // the workers' summaries, merged
  size_t peak_workers_ = 0;
};

}  // namespace logstreamer::engine
