#include "engine/streaming_engine.h"

#include <algorithm>

#include "parse/line_loop.h"
#include "parse/line_parser.h"

namespace logstreamer::engine {

StreamingEngine::StreamingEngine(EngineOptions options)
    : options_(options),
      // Weighed in events: the capacity is exactly `buffer_events` events
      // however they are batched (the item limit only guards degenerate cases).
      queue_(std::max<size_t>(1, options.buffer_events), options.policy, std::max<size_t>(1, options.buffer_events)),
      generator_(options.streams, queue_),
      pool_([this](std::stop_token stop, size_t) { worker_loop(stop); }) {
  backlog_.q = &queue_;
  backlog_.busy = &busy_;
  backlog_.pool = &pool_;
  scalable_.pool = &pool_;
  if (options_.autoscale) {
    // Scaling wins over slowing down: with room to add workers, producers
    // keep going so the queue can reach the scale-up threshold (the adaptive
    // steps start at 80%, the threshold's default, and used to hold the
    // queue just below it: one worker forever).
    generator_.set_pause_gate([this] { return pool_.active() >= options_.autoscaler.max_workers; });
  }
}

StreamingEngine::~StreamingEngine() {
  if (!stopping_.exchange(true)) {
    force_stop();
    finish();
  }
}

void StreamingEngine::start() {
  started_ = std::chrono::steady_clock::now();
  const size_t initial = options_.autoscale ? options_.autoscaler.min_workers : options_.workers;
  pool_.spawn(std::max<size_t>(1, initial));
  peak_workers_ = pool_.active();
  generator_.start(options_.generator_threads);
  if (options_.autoscale) {
    autoscaler_ = std::make_unique<core::Autoscaler>(options_.autoscaler, backlog_, scalable_, on_scale_);
    autoscaler_->start();
  }
}

void StreamingEngine::worker_loop(std::stop_token stop) {
  using namespace std::chrono_literals;
  parse::LineParser parser;
  parse::LogRecord rec;
  aggregate::Summary summary;  // this worker's own, merged at exit
  uint64_t rng = reinterpret_cast<uintptr_t>(&rec) | 1;
  uint64_t lines = 0, malformed = 0;
  uint64_t events_seen = 0;  // numbers malformed samples
  while (!stop.stop_requested()) {
    if (pool_.should_retire()) break;  // the autoscaler retired us, between batches
    std::optional<EventBatch> batch = queue_.pop_for(20ms);
    if (!batch) {
      if (queue_.closed()) break;
      continue;
    }
    aggregate::LatencySketch batch_latency;
    const int64_t dequeued_ns = steady_ns();
    int64_t finished_ns = dequeued_ns;
    size_t done = 0;
    const char* const text_end = batch->text.data() + batch->text.size();
    for (const Event& e : batch->events) {
      if (stop.stop_requested()) break;  // forced: the rest is abandoned
      if (options_.work_max_ms > 0) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        const uint64_t span = options_.work_max_ms - options_.work_min_ms + 1;
        std::this_thread::sleep_for(std::chrono::milliseconds(options_.work_min_ms + rng % span));
      }
      const std::string_view text = batch->event_text(e);
      // The batch's text may be read up to its end (the next events): the
      // parsers and the masking then work in place, as in analyze.
      parse::for_each_line(
          text, options_.max_line_bytes, parser, text_end, rec,
          [&](const parse::LogRecord& r, std::string_view, uint64_t) {
            ++lines;
            summary.add_from_batch(r, batch->text);
          },
          [&](parse::ParseError why, std::string_view line, uint64_t index) {
            ++lines;
            ++malformed;
            summary.add_malformed(
                aggregate::LinePosition{0, events_seen, static_cast<uint32_t>(index)}, why, line);
          });
      ++events_seen;
      finished_ns = steady_ns();  // one clock read per event
      batch_latency.add(static_cast<double>(finished_ns - e.created_ns) / 1e6);
      ++done;
    }
    summary.end_batch();  // pending messages point into this batch
    busy_.add(finished_ns - dequeued_ns);
    processed_.fetch_add(done, std::memory_order_relaxed);
    abandoned_.fetch_add(batch->events.size() - done, std::memory_order_relaxed);
    std::lock_guard lock(results_mutex_);
    latency_.merge(batch_latency);
    window_.merge(batch_latency);
    // Stages per batch, to keep the per-event path to one clock read and one
    // sketch update: the oldest event's wait in the producer's batch, the
    // batch's wait in the queue, and its mean processing time per event.
    if (!batch->events.empty()) {
      batching_.add(static_cast<double>(batch->enqueued_ns - batch->events.front().created_ns) / 1e6);
    }
    queue_wait_.add(static_cast<double>(dequeued_ns - batch->enqueued_ns) / 1e6);
    if (done > 0) processing_.add(static_cast<double>(finished_ns - dequeued_ns) / 1e6 / static_cast<double>(done), done);
    peak_workers_ = std::max(peak_workers_, pool_.active());
  }
  std::lock_guard lock(results_mutex_);
  lines_ += lines;
  malformed_ += malformed;
  summary_.merge(summary);
}

void StreamingEngine::request_stop() {
  // Scaling ends first: the pool's size is left alone during shutdown.
  if (autoscaler_) autoscaler_->stop();
  generator_.stop();  // emission ends; pending batches are offered
  queue_.close();     // workers drain what is queued, then return
}

void StreamingEngine::force_stop() {
  forced_ = true;
  if (autoscaler_) autoscaler_->stop();
  generator_.stop();
  queue_.close();
  pool_.request_stop();
}

uint64_t StreamingEngine::dropped_events() const {
  const core::QueueStats s = queue_.stats();
  return s.dropped_newest_bytes + s.dropped_oldest_bytes + s.rejected_bytes;
}

EngineReport StreamingEngine::finish() {
  stopping_ = true;
  // Wait for the workers to drain, within the shutdown timeout.
  const auto deadline = std::chrono::steady_clock::now() + options_.shutdown_timeout;
  while (pool_.active() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (pool_.active() > 0) force_stop();
  pool_.join();
  // Whatever is still queued after a forced stop was abandoned.
  while (auto batch = queue_.pop_for(std::chrono::nanoseconds(0))) {
    abandoned_.fetch_add(batch->events.size(), std::memory_order_relaxed);
  }

  EngineReport r;
  r.produced = generator_.produced();
  r.processed = processed_.load();
  r.dropped = dropped_events();
  const core::QueueStats qs = queue_.stats();
  r.dropped_newest = qs.dropped_newest_bytes;
  r.dropped_oldest = qs.dropped_oldest_bytes;
  r.rejected = qs.rejected_bytes;
  r.batches = generator_.batches();
  r.abandoned = abandoned_.load();
  r.forced = forced_.load();
  r.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::lock_guard lock(results_mutex_);
  r.latency_ms = latency_;
  r.batching_ms = batching_;
  r.queue_ms = queue_wait_;
  r.processing_ms = processing_;
  r.lines = lines_;
  r.malformed = malformed_;
  r.levels = summary_.levels;
  r.peak_workers = peak_workers_;
  if (autoscaler_) {
    r.peak_workers = std::max(r.peak_workers, autoscaler_->peak_workers());
    r.scale_ups = autoscaler_->scale_ups();
    r.scale_downs = autoscaler_->scale_downs();
  }
  return r;
}

EngineSnapshot StreamingEngine::snapshot() {
  EngineSnapshot s;
  s.produced = generator_.produced();
  s.processed = processed_.load();
  s.dropped = dropped_events();
  s.queued_events = queue_.stats().bytes;
  s.capacity_events = options_.buffer_events;
  s.workers = pool_.active();
  std::lock_guard lock(results_mutex_);
  s.window_p99_ms = window_.quantile(0.99);
  window_ = aggregate::LatencySketch{};
  return s;
}

}  // namespace logstreamer::engine
