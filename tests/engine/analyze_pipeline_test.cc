#include "engine/analyze_pipeline.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace logstreamer::engine {
namespace {

using namespace std::chrono_literals;

// A source that emits `batches` batches of `lines_per_batch` lines, or until stopped.
class CountingSource final : public core::Source {
 public:
  CountingSource(core::BufferPool& pool, uint32_t id, uint64_t batches, uint64_t lines_per_batch,
                 bool endless = false)
      : pool_(pool),
        id_(id),
        batches_(batches),
        lines_(lines_per_batch),
        endless_(endless),
        name_("counting-" + std::to_string(id)) {}

  const std::string& name() const override { return name_; }
  absl::Status run(core::BatchQueue& out, std::stop_token stop) override {
    for (uint64_t seq = 0; endless_ || seq < batches_; ++seq) {
      if (stop.stop_requested()) return absl::OkStatus();
      core::PooledBuffer buf = pool_.acquire();
      std::memset(buf.data(), '\n', lines_);
      if (!out.push(core::Batch(std::move(buf), lines_, core::BatchOrigin{id_, seq}))) break;
      ++emitted;
    }
    return absl::OkStatus();
  }
  uint64_t bytes_consumed() const override { return 0; }
  uint64_t bytes_total() const override { return 0; }

  std::atomic<uint64_t> emitted{0};

 private:
  core::BufferPool& pool_;
  uint32_t id_;
  uint64_t batches_, lines_;
  bool endless_;
  std::string name_;
};

class FailingSource final : public core::Source {
 public:
  const std::string& name() const override { return name_; }
  absl::Status run(core::BatchQueue&, std::stop_token) override {
    return absl::DataLossError("boom");
  }
  uint64_t bytes_consumed() const override { return 0; }
  uint64_t bytes_total() const override { return 0; }

 private:
  std::string name_ = "failing";
};

// Counts newlines; optionally slow, to let a queue fill up.
class LineCounter final : public core::BatchProcessor {
 public:
  explicit LineCounter(std::chrono::microseconds delay = 0us) : delay_(delay) {}
  uint64_t process(const core::Batch& batch) override {
    if (delay_ > 0us) std::this_thread::sleep_for(delay_);
    uint64_t n = 0;
    for (char c : batch.text()) n += c == '\n';
    lines += n;
    return n;
  }
  uint64_t lines = 0;

 private:
  std::chrono::microseconds delay_;
};

uint64_t total_lines(AnalyzePipeline& p) {
  uint64_t n = 0;
  for (auto& proc : p.processors()) n += static_cast<LineCounter&>(*proc).lines;
  return n;
}

TEST(AnalyzePipeline, EveryBatchOfEverySourceIsProcessedOnce) {
  core::BufferPool pool(16, 256);
  std::vector<std::unique_ptr<core::Source>> sources;
  for (uint32_t i = 0; i < 5; ++i)
    sources.push_back(std::make_unique<CountingSource>(pool, i, 40, 100));
  AnalyzePipeline p(PipelineOptions{2, 3, 4}, std::move(sources),
                    [](size_t) { return std::make_unique<LineCounter>(); });
  p.start();
  p.wait();
  EXPECT_EQ(total_lines(p), 5u * 40 * 100);
  EXPECT_EQ(p.probe().lines_processed.load(), 5u * 40 * 100);
  EXPECT_EQ(p.probe().batches_processed.load(), 5u * 40);
  EXPECT_TRUE(p.errors().empty());
  EXPECT_EQ(pool.available(), pool.count());  // every buffer came back
}

TEST(AnalyzePipeline, StopFinishesQueuedWorkAndLosesNothingEmitted) {
  core::BufferPool pool(12, 64);
  auto source = std::make_unique<CountingSource>(pool, 0, 0, 10, /*endless=*/true);
  CountingSource* src = source.get();
  std::vector<std::unique_ptr<core::Source>> sources;
  sources.push_back(std::move(source));
  AnalyzePipeline p(PipelineOptions{1, 2, 4}, std::move(sources),
                    [](size_t) { return std::make_unique<LineCounter>(200us); });
  p.start();
  while (src->emitted.load() < 50) std::this_thread::sleep_for(1ms);
  p.request_stop();
  ASSERT_TRUE(p.wait_for(60s));
  p.wait();
  // Whatever the source managed to queue before stopping was processed.
  EXPECT_EQ(total_lines(p), src->emitted.load() * 10);
  EXPECT_EQ(pool.available(), pool.count());
}

TEST(AnalyzePipeline, SourceErrorsAreCollectedAndOtherSourcesStillRun) {
  core::BufferPool pool(8, 64);
  std::vector<std::unique_ptr<core::Source>> sources;
  sources.push_back(std::make_unique<FailingSource>());
  sources.push_back(std::make_unique<CountingSource>(pool, 1, 10, 5));
  AnalyzePipeline p(PipelineOptions{1, 1, 2}, std::move(sources),
                    [](size_t) { return std::make_unique<LineCounter>(); });
  p.start();
  p.wait();
  ASSERT_EQ(p.errors().size(), 1u);
  EXPECT_EQ(p.errors()[0].source, "failing");
  EXPECT_EQ(total_lines(p), 50u);
}

TEST(AnalyzePipeline, DestructorStopsAndJoinsARunningPipeline) {
  core::BufferPool pool(8, 64);
  std::vector<std::unique_ptr<core::Source>> sources;
  sources.push_back(std::make_unique<CountingSource>(pool, 0, 0, 1, /*endless=*/true));
  {
    AnalyzePipeline p(PipelineOptions{1, 2, 2}, std::move(sources),
                      [](size_t) { return std::make_unique<LineCounter>(); });
    p.start();
    while (p.probe().batches_processed.load() < 10) std::this_thread::sleep_for(1ms);
  }  // must not hang or leave threads behind (TSan/ASan would report)
  EXPECT_EQ(pool.available(), pool.count());
}

}  // namespace
}  // namespace logstreamer::engine
