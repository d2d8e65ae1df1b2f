#include "engine/analyze_pipeline.h"

#include <algorithm>

namespace logstreamer::engine {

AnalyzePipeline::AnalyzePipeline(PipelineOptions options,
                                 std::vector<std::unique_ptr<core::Source>> sources,
                                 const ProcessorFactory& make_processor)
    : options_(options),
      sources_(std::move(sources)),
      queue_(options.queue_capacity),
      readers_([this](std::stop_token stop, size_t) { reader_loop(stop); }),
      workers_([this](std::stop_token, size_t index) { worker_loop(index); }) {
  options_.workers = std::max<size_t>(1, options_.workers);
  options_.readers = std::clamp<size_t>(options_.readers, 1, std::max<size_t>(1, sources_.size()));
  processors_.reserve(options_.workers);
  for (size_t i = 0; i < options_.workers; ++i) processors_.push_back(make_processor(i));
}

AnalyzePipeline::~AnalyzePipeline() {
  if (started_) {
    request_stop();
    wait();
  }
}

void AnalyzePipeline::start() {
  started_ = true;
  workers_.spawn(options_.workers);
  readers_.spawn(options_.readers);
  finisher_ = std::thread([this] { finish(); });
}

void AnalyzePipeline::request_stop() { readers_.request_stop(); }

void AnalyzePipeline::reader_loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const size_t index = next_source_.fetch_add(1, std::memory_order_relaxed);
    if (index >= sources_.size()) return;
    core::Source& source = *sources_[index];
    absl::Status status = source.run(queue_, stop);
    if (!status.ok()) {
      std::lock_guard lock(mutex_);
      errors_.push_back({source.name(), std::move(status)});
    }
  }
}

void AnalyzePipeline::worker_loop(size_t index) {
  core::BatchProcessor& processor = *processors_[index];
  while (auto batch = queue_.pop()) {
    const uint64_t lines = processor.process(*batch);
    probe_.lines_processed.fetch_add(lines, std::memory_order_relaxed);
    probe_.bytes_processed.fetch_add(batch->input_bytes(), std::memory_order_relaxed);
    probe_.batches_processed.fetch_add(1, std::memory_order_relaxed);
  }
}

void AnalyzePipeline::finish() {
  readers_.join();
  queue_.close();  // no more input; workers drain what is queued, then return
  workers_.join();
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  finished_cv_.notify_all();
}

bool AnalyzePipeline::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return finished_cv_.wait_for(lock, timeout, [&] { return finished_; });
}

void AnalyzePipeline::wait() {
  {
    std::unique_lock lock(mutex_);
    finished_cv_.wait(lock, [&] { return finished_; });
  }
  if (finisher_.joinable()) finisher_.join();
}

std::vector<SourceError> AnalyzePipeline::errors() const {
  std::lock_guard lock(mutex_);
  std::vector<SourceError> all = errors_;
  if (finished_) {
    for (const auto& source : sources_) {
      absl::Status late = source->final_status();
      if (!late.ok()) all.push_back({source->name(), std::move(late)});
    }
  }
  return all;
}

}  // namespace logstreamer::engine
