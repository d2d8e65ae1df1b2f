#include "engine/ingest_pipeline.h"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "core/wall_clock.h"
#include "parse/line_loop.h"
#include "parse/line_parser.h"

namespace logstreamer::engine {

IngestPipeline::IngestPipeline(IngestOptions options, std::vector<sinks::RowSink*> sinks)
    : options_(options),
      sinks_(std::move(sinks)),
      queue_(options.queue_batches, options.policy, options.queue_lines),
      pool_([this](std::stop_token stop, size_t) { worker_loop(stop); }) {
  backlog_.q = &queue_;
  backlog_.busy = &busy_;
  backlog_.pool = &pool_;
  scalable_.pool = &pool_;
  edge_state_ = acquire_state();
  if (options_.source_names.empty() || options_.source_names.size() > kMaxIngestSources) {
    throw std::invalid_argument("IngestPipeline: between 1 and kMaxIngestSources source names");
  }
}

void IngestPipeline::add_malformed(IngestSource source, uint64_t request_seq, uint64_t line_index,
                                   parse::ParseError why, std::string_view text) {
  counters_.malformed_by_reason[static_cast<size_t>(why)].fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(edge_state_->mutex);
  edge_state_->summary.add_malformed({static_cast<uint32_t>(source), request_seq, line_index}, why, text);
}

IngestPipeline::~IngestPipeline() { close(); }

void IngestPipeline::start() {
  pool_.spawn(std::max<size_t>(1, options_.workers.min_workers));
  if (options_.workers.max_workers > options_.workers.min_workers) {
    autoscaler_ = std::make_unique<core::Autoscaler>(options_.workers, backlog_, scalable_);
    autoscaler_->start();
  }
  rate_at_ = std::chrono::steady_clock::now();
}

core::OfferResult IngestPipeline::offer(IngestBatch batch) {
  const IngestSource source = batch.source;
  const uint32_t lines = batch.lines;
  const size_t bytes = batch.text.size_bytes();
  const bool from_bus = batch.from_bus;
  // The byte budget: reserved before the offer, given back if it fails. An
  // empty queue takes any batch, so nothing is unqueueable.
  const size_t before = queued_bytes_.fetch_add(bytes, std::memory_order_acq_rel);
  if (before > 0 && before + bytes > options_.queue_bytes) {
    queued_bytes_.fetch_sub(bytes, std::memory_order_acq_rel);
    if (!from_bus) count_offered(source, lines, core::OfferResult::kRejected);
    return core::OfferResult::kRejected;
  }
  const core::OfferResult r = queue_.offer(batch, lines);
  if (r != core::OfferResult::kAccepted) queued_bytes_.fetch_sub(bytes, std::memory_order_acq_rel);
  if (!from_bus) count_offered(source, lines, r);
  return r;
}

void IngestPipeline::count_offered(IngestSource source, uint32_t lines, core::OfferResult r) {
  const size_t i = static_cast<size_t>(source);
  switch (r) {
    case core::OfferResult::kAccepted:
      counters_.accepted_lines[i].fetch_add(lines, std::memory_order_relaxed);
      break;
    case core::OfferResult::kDroppedNewest:
      counters_.dropped_lines[i].fetch_add(lines, std::memory_order_relaxed);
      break;
    case core::OfferResult::kRejected:
    case core::OfferResult::kClosed:
      counters_.rejected_lines[i].fetch_add(lines, std::memory_order_relaxed);
      break;
  }
}

void IngestPipeline::close() {
  if (closed_.exchange(true)) return;
  if (autoscaler_) autoscaler_->stop();
  queue_.close();
  pool_.join();
}

IngestPipeline::WorkerState* IngestPipeline::acquire_state() {
  std::lock_guard lock(states_mutex_);
  if (!free_states_.empty()) {
    WorkerState* s = free_states_.back();
    free_states_.pop_back();
    return s;
  }
  states_.push_back(std::make_unique<WorkerState>());
  return states_.back().get();
}

void IngestPipeline::release_state(WorkerState* state) {
  std::lock_guard lock(states_mutex_);
  free_states_.push_back(state);
}

void IngestPipeline::worker_loop(std::stop_token stop) {
  WorkerState* state = acquire_state();
  std::vector<IngestBatch> round;
  while (!stop.stop_requested()) {
    if (pool_.should_retire()) break;
    auto batch = queue_.pop_for(std::chrono::milliseconds(200));
    if (!batch) {
      if (queue_.closed()) break;
      continue;
    }
    // Take what else is queued, up to a bound, and process it as one round:
    // small requests (one line each) then share the per-round costs (locks,
    // the window merge, the row push) instead of paying them per request.
    round.clear();
    size_t lines = batch->lines;
    round.push_back(std::move(*batch));
    while (round.size() < kMaxBatchesPerRound && lines < kMaxLinesPerRound) {
      auto more = queue_.pop_for(std::chrono::nanoseconds(0));
      if (!more) break;
      lines += more->lines;
      round.push_back(std::move(*more));
    }
    const auto began = std::chrono::steady_clock::now();
    process(round, *state);
    busy_.add(std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - began)
                  .count());
    size_t bytes = 0;
    for (const IngestBatch& b : round) bytes += b.text.size_bytes();
    queued_bytes_.fetch_sub(bytes, std::memory_order_acq_rel);
  }
  release_state(state);
}

void IngestPipeline::process(const std::vector<IngestBatch>& round, WorkerState& state) {
  // One parser per worker thread: it owns the JSON parser's buffers.
  thread_local parse::LineParser parser;
  const int64_t now_us = core::unix_now_us();
  aggregate::WindowSlot slot;
  slot.epoch = aggregate::LiveWindows::epoch_of(now_us / 1000000);
  sinks::RowBatch rows;
  std::vector<aggregate::RecentError> errors;
  uint64_t lines = 0;
  // Counted per round, added to the shared atomics once: per-line atomic
  // increments from every worker would bounce one cache line between cores.
  std::array<uint64_t, parse::kFormatCount> by_format{};
  std::array<uint64_t, static_cast<size_t>(parse::ParseError::kCount)> by_reason{};
  parse::LogRecord rec;
  // A bus processor's round has a summary of its own, stored with the
  // round's rows by the transaction that claims its messages
  // (sinks::ClaimPart); the worker's summary stays empty.
  std::shared_ptr<aggregate::Summary> round_summary;
  if (options_.claim_parts) round_summary = std::make_shared<aggregate::Summary>();
  {
    std::lock_guard lock(state.mutex);  // uncontended but for /api/summary readers
    aggregate::Summary& summary = round_summary != nullptr ? *round_summary : state.summary;
    for (const IngestBatch& batch : round) {
      const std::string_view text = batch.text.text();
      const auto source_id = static_cast<uint32_t>(batch.source);
      if (round_summary != nullptr) {
        sinks::ClaimPart part;
        part.key = batch.ack != nullptr ? batch.ack->key() : std::string();
        part.events_begin = static_cast<uint32_t>(rows.events.size());
        part.requests_begin = static_cast<uint32_t>(rows.requests.size());
        part.round_summary = round_summary;
        part.text_owner = batch.text.keep_alive();
        part.text = text;
        part.max_line_bytes = static_cast<uint32_t>(options_.max_line_bytes);
        rows.parts.push_back(std::move(part));
      }
      parse::for_each_line(
          text, options_.max_line_bytes, parser, text.data() + text.size(), rec,
          [&](const parse::LogRecord& r, std::string_view line, uint64_t) {
            ++lines;
            summary.add_from_batch(r, text);
            slot.add(r, options_.slow_ms);
            ++by_format[static_cast<size_t>(r.format)];
            if (r.level >= parse::Level::kError &&
                errors.size() < aggregate::LiveWindows::kMaxRecentErrors) {
              errors.push_back({now_us, r.has_time ? r.unix_us : 0,
                                std::string(parse::level_name(r.level)), std::string(r.service),
                                std::string(r.message.substr(0, 500))});
            }
            if (!sinks_.empty()) sinks::append_rows(line, r, batch.received_us, rows);
          },
          [&](parse::ParseError why, std::string_view line, uint64_t index) {
            summary.add_malformed(
                aggregate::LinePosition{source_id, batch.request_seq, static_cast<uint32_t>(index)},
                why, line);
            ++lines;
            ++slot.malformed;
            ++by_reason[static_cast<size_t>(why)];
          });
      summary.end_batch();  // pending messages point into this batch
      if (round_summary != nullptr) {
        sinks::ClaimPart& part = rows.parts.back();
        part.events_end = static_cast<uint32_t>(rows.events.size());
        part.requests_end = static_cast<uint32_t>(rows.requests.size());
      }
    }
    if (round_summary != nullptr) name_samples(*round_summary);
  }  // the summary's lock: not held while the sink may block
  windows_.merge(slot);
  if (options_.window_listener != nullptr) options_.window_listener->on_window(slot, errors);
  for (auto& e : errors) windows_.add_error(std::move(e));
  for (size_t i = 0; i < by_format.size(); ++i) {
    if (by_format[i] != 0) counters_.parsed_by_format[i].fetch_add(by_format[i], std::memory_order_relaxed);
  }
  for (size_t i = 0; i < by_reason.size(); ++i) {
    if (by_reason[i] != 0) counters_.malformed_by_reason[i].fetch_add(by_reason[i], std::memory_order_relaxed);
  }
  for (const IngestBatch& batch : round) {
    if (batch.ack) rows.acks.push_back(batch.ack);
  }
  if (!rows.empty() && !sinks_.empty()) {
    // Each output gets the round's rows; the last one takes them.
    for (size_t i = 0; i + 1 < sinks_.size(); ++i) sinks_[i]->push(rows);
    sinks_.back()->push(std::move(rows));
  }
  // The outputs hold the acks now (until they commit): let go of ours.
  for (const IngestBatch& batch : round) {
    if (batch.ack) batch.ack->release();
  }
  // Counted after the push: a line is "processed" once its rows are handed on.
  counters_.processed_lines.fetch_add(lines, std::memory_order_relaxed);
  counters_.processed_batches.fetch_add(round.size(), std::memory_order_relaxed);
}

aggregate::Summary IngestPipeline::summary() const {
  aggregate::Summary out;
  std::lock_guard lock(states_mutex_);
  for (const auto& s : states_) {
    std::lock_guard state_lock(s->mutex);
    out.merge(s->summary);
  }
  name_samples(out);
  return out;
}

void IngestPipeline::name_samples(aggregate::Summary& summary) const {
  // Samples name the request they came in (there is no file, and no ledger:
  // a request's lines are numbered within it); a bus message is named by its
  // stream sequence.
  for (auto& s : summary.samples.samples()) {
    const size_t source = s.position.source_id;
    s.file = fmt::format(
        "{} {} {}",
        source < options_.source_names.size() ? options_.source_names[source] : "unknown",
        options_.claim_parts ? "message" : "request", s.position.batch_seq);
    s.line = s.position.line_in_batch + 1;
  }
}

void IngestPipeline::merge_window(const aggregate::WindowSlot& slot,
                                  std::vector<aggregate::RecentError> errors) {
  if (slot.epoch >= 0) windows_.merge(slot);
  for (auto& e : errors) windows_.add_error(std::move(e));
}

double IngestPipeline::processing_rate() const {
  std::lock_guard lock(rate_mutex_);
  const auto now = std::chrono::steady_clock::now();
  const double dt = std::chrono::duration<double>(now - rate_at_).count();
  if (dt >= 1.0) {
    const uint64_t lines = counters_.processed_lines.load(std::memory_order_relaxed);
    rate_ = static_cast<double>(lines - rate_lines_) / dt;
    rate_lines_ = lines;
    rate_at_ = now;
  }
  return rate_;
}

}  // namespace logstreamer::engine
