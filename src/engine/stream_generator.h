#pragma once
// StreamGenerator: many logical log streams emitting events into the engine's
// queue, on a few threads (streams are not threads).
//
// Each stream emits a chunk (whole synthetic lines, at most chunk_size bytes,
// as `generate` writes them) and then sleeps a random 0..interval_ms; with
// interval 0 it emits as fast as it may (closed loop); with `rate` > 0 all
// streams together emit `rate` events/s (open loop). Chunks come from a pool
// generated once at start, so emitting costs a copy, not a formatting.
//
// Events are batched (batch_size events, or batch_timeout after a batch's
// first event) and offered to the queue under its policy. Adaptive producers:
// by default, when the queue is above 80/90/95% full the generator pauses
// 0.5/1/2 ms before emitting (adaptive_steps), so an in-process producer
// settles instead of dropping.
//
// Replay: the chunks of a real file (engine/replay_chunks.h), each emitted
// once per loop in file order over all streams, then emission ends
// (exhausted()).
//
// stop() ends emission, offers the pending batches and joins the threads.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "parse/format.h"
#include "engine/event_batch.h"

namespace logstreamer::engine {

struct StreamOptions {
  size_t streams = 100;
  uint64_t interval_ms = 1000;
  size_t chunk_size = 1024;
  uint64_t rate = 0;  // events/s over all streams; 0: not rate-limited
  size_t batch_size = 1;
  std::chrono::nanoseconds batch_timeout = std::chrono::milliseconds(1);
  // Adaptive producers: pause `pause` before each event while the queue's
  // usage is above `usage`; the first matching step (highest usage first)
  // applies. Empty: never pause.
  struct AdaptiveStep {
    double usage;
    std::chrono::microseconds pause;
  };
  std::vector<AdaptiveStep> adaptive_steps = {{0.95, std::chrono::microseconds(2000)},
                                              {0.90, std::chrono::microseconds(1000)},
                                              {0.80, std::chrono::microseconds(500)}};
  // Replay (bench --replay): emit these chunks in order, `replay_loops` times
  // over, then stop emitting; null: synthetic lines.
  std::shared_ptr<const std::vector<std::string>> replay;
  uint64_t replay_loops = 1;
  uint64_t seed = 1;
  std::optional<parse::Format> format = parse::Format::kPlain;  // nullopt: all formats, mixed
};

class StreamGenerator {
 public:
  StreamGenerator(StreamOptions options, core::BoundedQueue<EventBatch>& out);
  ~StreamGenerator() { stop(); }

  // Adaptive pauses apply only while `gate()` is true. The engine sets it
  // when autoscaling: producers then slow down only once the pool is at its
  // maximum, so the queue can pass the scale-up threshold and the pool grows
  // first. Set before start(); called from the generator threads.
  void set_pause_gate(std::function<bool()> gate) { pause_gate_ = std::move(gate); }

  void start(size_t threads);
  void stop();

  uint64_t produced() const { return produced_.load(std::memory_order_relaxed); }
  // Replay only: every chunk was emitted `replay_loops` times (and the last
  // batches offered); the generator threads have ended.
  bool exhausted() const {
    return options_.replay != nullptr && started_threads_ > 0 &&
           finished_threads_.load(std::memory_order_acquire) == started_threads_;
  }
  uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }

 private:
  void run(std::stop_token stop, size_t thread_index, size_t threads);
  void offer(EventBatch& batch);

  StreamOptions options_;
  std::function<bool()> pause_gate_;  // empty: always pause by the steps
  core::BoundedQueue<EventBatch>& out_;
  std::shared_ptr<const std::vector<std::string>> chunks_;  // the pool (or the replayed file)
  std::atomic<uint64_t> next_ticket_{0};  // replay: the next chunk to emit, over all loops
  size_t started_threads_ = 0;
  std::atomic<size_t> finished_threads_{0};
  std::atomic<uint64_t> produced_{0};
  std::atomic<uint64_t> batches_{0};  // batches flushed to the queue
  std::vector<std::jthread> threads_;
};

}  // namespace logstreamer::engine
