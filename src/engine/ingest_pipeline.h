#pragma once
// IngestPipeline: the engine behind `serve`.
//
//   HTTP handlers --offer()--> BoundedQueue<IngestBatch> --> worker pool (autoscaled)
//                              (policy: reject -> 429/503)       | parse each line
//                                                                 +--> Summary (per worker)
//                                                                 +--> LiveWindows (per batch)
//                                                                 +--> every output
//                                                                 (sinks/output.h)
//
// A handler acknowledges a request only after offer() accepted its batch, and
// close() drains every accepted batch through the workers (and into the row
// sink) before it returns: a 2xx is never lost.
//
// Counters are atomics read by /metrics; the Summary is per worker under a
// lock only a reader (/api/summary) ever contends for.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aggregate/live_windows.h"
#include "aggregate/summary.h"
#include "core/autoscaler.h"
#include "core/batch.h"
#include "core/bounded_queue.h"
#include "core/delivery_ack.h"
#include "core/scaling_adapters.h"
#include "core/worker_pool.h"
#include "engine/batch_intake.h"
#include "parse/format.h"
#include "parse/parse_error.h"
#include "sinks/row_sink.h"

namespace logstreamer::engine {

// Where a batch came from: the index of serve's input that received it, in
// IngestOptions::source_names (which names them in /metrics and samples).
using IngestSource = uint8_t;
inline constexpr size_t kMaxIngestSources = 8;

struct IngestBatch {
  core::Batch text;  // lines, each ended by '\n'
  IngestSource source = 0;
  uint32_t lines = 0;
  uint64_t request_seq = 0;
  int64_t received_us = 0;
  // --ack commit: released (the pipeline's hold) once the batch's rows are
  // handed to every output; the outputs hold it until they commit.
  core::AckPtr ack;
  // Taken from the bus (serve --bus): an ingest node counted it at its edge
  // already, so it is not counted again under this node's ingest outcomes.
  bool from_bus = false;
};

// Sees each round's live-window slot and recent errors once they are merged
// here (a bus node passes them on to the rest of the cluster). Called from
// the workers, concurrently: implementations lock.
class WindowListener {
 public:
  virtual ~WindowListener() = default;
  virtual void on_window(const aggregate::WindowSlot& slot,
                         const std::vector<aggregate::RecentError>& errors) = 0;
};

struct IngestOptions {
  // One name per input, by IngestSource index (at most kMaxIngestSources).
  std::vector<std::string> source_names = {"ingest"};
  size_t queue_lines = 200000;  // capacity, in lines
  // ... and in bytes of queued text: a few huge lines must not slip under the
  // line count. Over it, offer() answers kRejected whatever the policy
  // (waiting or dropping old batches for bytes is not worth its complexity).
  size_t queue_bytes = 256u << 20;
  size_t queue_batches = 4096;
  core::FullPolicy policy = core::FullPolicy::kReject;
  core::AutoscalerConfig workers{1, 4};
  size_t max_line_bytes = 64 * 1024;
  double slow_ms = 1000;  // a request slower than this counts as slow
  double high_water = 0.8;  // /readyz is not ready above this queue usage
  // A bus processor (serve --bus): each batch is one bus message, handed to
  // the outputs as a sinks::ClaimPart (its rows, its key, its text, its
  // round's summary), so a database stores a message and its counts once
  // across processors. The workers' own summaries stay empty.
  bool claim_parts = false;
  WindowListener* window_listener = nullptr;  // not owned; outlives the pipeline
};

struct IngestCounters {
  // Lines received over HTTP, by source (IngestSource; only the first
  // options().source_names.size() are used) and what became of them.
  std::array<std::atomic<uint64_t>, kMaxIngestSources> accepted_lines{};
  std::array<std::atomic<uint64_t>, kMaxIngestSources> rejected_lines{};  // queue full
  std::array<std::atomic<uint64_t>, kMaxIngestSources> dropped_lines{};   // drop policies
  std::array<std::atomic<uint64_t>, parse::kFormatCount> parsed_by_format{};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(parse::ParseError::kCount)> malformed_by_reason{};
  std::atomic<uint64_t> processed_lines{0};
  std::atomic<uint64_t> processed_batches{0};
};

class IngestPipeline final : public BatchIntake {
 public:
  // `sinks`: where each round's rows go, in order (serve's outputs); none:
  // rows are not built at all.
  explicit IngestPipeline(IngestOptions options, std::vector<sinks::RowSink*> sinks = {});
  ~IngestPipeline();
  IngestPipeline(const IngestPipeline&) = delete;
  IngestPipeline& operator=(const IngestPipeline&) = delete;

  void start();
  // kAccepted: the batch will be processed. kRejected: the queue is full
  // (answer 429/503). kDroppedNewest: the drop policy threw it away (counted).
  // kClosed: shutting down (answer 503).
  core::OfferResult offer(IngestBatch batch) override;
  // What became of `lines` received over HTTP and offered to `r`'s intake
  // (this pipeline, or the bus): the ingest outcome counters. offer() counts
  // its own batches, except those from the bus; an input whose intake is the
  // bus calls this. Thread-safe.
  void count_offered(IngestSource source, uint32_t lines, core::OfferResult r);
  // A line refused before the queue (bad framing, invalid NDJSON, too long):
  // counted and sampled with the parsed lines' malformed ones.
  void add_malformed(IngestSource source, uint64_t request_seq, uint64_t line_index, parse::ParseError why,
                     std::string_view text);
  // Drains: no more offers, every accepted batch processed, workers joined.
  void close();

  // Another node's live-window delta (serve --bus), merged into this node's
  // windows so that /api/stats shows the cluster.
  void merge_window(const aggregate::WindowSlot& slot, std::vector<aggregate::RecentError> errors);

  // Live views.
  aggregate::Summary summary() const;  // merged across workers
  const aggregate::LiveWindows& windows() const { return windows_; }
  const IngestCounters& counters() const { return counters_; }
  core::QueueStats queue_stats() const { return queue_.stats(); }
  double queue_usage() const { return queue_.usage(); }
  size_t queue_capacity_lines() const { return options_.queue_lines; }
  size_t queued_bytes() const { return queued_bytes_.load(std::memory_order_relaxed); }
  size_t workers() const { return pool_.active(); }
  const IngestOptions& options() const { return options_; }
  // Lines per second processed, over the last few seconds.
  double processing_rate() const;

 private:
  struct WorkerState {
    std::mutex mutex;
    aggregate::Summary summary;
  };

  static constexpr size_t kMaxBatchesPerRound = 256;
  static constexpr size_t kMaxLinesPerRound = 20000;

  void worker_loop(std::stop_token stop);
  // A round: the batches a worker took from the queue at one wake-up.
  void process(const std::vector<IngestBatch>& round, WorkerState& state);
  // A worker borrows a state for its life and gives it back when it retires,
  // so autoscaling up and down reuses states instead of piling them up.
  WorkerState* acquire_state();
  // Names malformed samples after the request (or bus message) they came in.
  void name_samples(aggregate::Summary& summary) const;
  void release_state(WorkerState* state);

  IngestOptions options_;
  const std::vector<sinks::RowSink*> sinks_;
  core::BoundedQueue<IngestBatch> queue_;
  core::WorkerPool pool_;
  core::BusyMeter busy_;  // workers' busy time, for the autoscaler
  core::QueueBacklog<IngestBatch> backlog_;
  core::PoolWorkers scalable_;
  std::unique_ptr<core::Autoscaler> autoscaler_;
  aggregate::LiveWindows windows_;
  IngestCounters counters_;

  mutable std::mutex states_mutex_;
  std::vector<std::unique_ptr<WorkerState>> states_;  // every state ever made
  std::vector<WorkerState*> free_states_;
  WorkerState* edge_state_ = nullptr;  // for add_malformed()
  std::atomic<bool> closed_{false};
  std::atomic<size_t> queued_bytes_{0};  // text of accepted batches not yet taken by a worker

  mutable std::mutex rate_mutex_;
  mutable std::chrono::steady_clock::time_point rate_at_;
  mutable uint64_t rate_lines_ = 0;
  mutable double rate_ = 0;
};

}  // namespace logstreamer::engine
