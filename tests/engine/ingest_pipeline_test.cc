#include "engine/ingest_pipeline.h"

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

namespace logstreamer::engine {
namespace {

IngestBatch batch_of(std::string text, uint32_t lines, uint64_t seq = 0) {
  auto owned = std::make_shared<std::string>(std::move(text));
  IngestBatch b;
  b.text = core::Batch(std::shared_ptr<const void>(owned), owned->data(), owned->size(), {0, seq});
  b.source = 0;
  b.lines = lines;
  b.request_seq = seq;
  return b;
}

// A sink that holds every push until released, to fill the queue on purpose.
class GateSink : public sinks::RowSink {
 public:
  void push(sinks::RowBatch rows) override {
    std::unique_lock lock(m_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    rows_ += rows.size();
  }
  void wait_for_waiting(int n) {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return waiting_ >= n; });
  }
  void open() {
    std::lock_guard lock(m_);
    open_ = true;
    cv_.notify_all();
  }
  size_t rows() {
    std::lock_guard lock(m_);
    return rows_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool open_ = false;
  int waiting_ = 0;
  size_t rows_ = 0;
};

const std::string kFrames =
    "<190>1 2024-01-20T10:00:00+00:00 host app web.1 - ERROR payment failed\n"
    "<158>1 2024-01-20T10:00:01+00:00 host heroku router - at=info method=GET path=\"/a\" host=x "
    "request_id=r1 fwd=\"1.2.3.4\" dyno=web.1 connect=1ms service=25ms status=503 bytes=10\n"
    "this is not a known format at all\n";

TEST(IngestPipeline, ParsesAggregatesAndStoresRows) {
  GateSink sink;
  sink.open();
  IngestOptions o;
  o.workers = {2, 2};
  IngestPipeline p(o, {&sink});
  p.start();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(p.offer(batch_of(kFrames, 3, i)), core::OfferResult::kAccepted);
  p.close();
  const aggregate::Summary s = p.summary();
  EXPECT_EQ(s.parsed, 20u);
  EXPECT_EQ(s.malformed, 10u);
  ASSERT_TRUE(s.http);
  EXPECT_EQ(s.http->requests, 10u);
  EXPECT_EQ(p.counters().processed_lines.load(), 30u);
  EXPECT_EQ(p.counters().accepted_lines[0].load(), 30u);
  EXPECT_EQ(sink.rows(), 30u);  // 20 events + 10 requests
  const auto totals = p.windows().totals();
  EXPECT_EQ(totals.requests, 10u);
  EXPECT_EQ(totals.errors, 10u);
  EXPECT_EQ(totals.levels[static_cast<size_t>(parse::Level::kError)], 10u);
  ASSERT_FALSE(s.samples.sorted().empty());
  EXPECT_EQ(s.samples.sorted()[0].line, 3u);  // the third line of its request
}

// One worker and a queue of `queue_lines` that answers "full" (kReject).
IngestOptions one_worker_rejecting(size_t queue_lines) {
  IngestOptions o;
  o.workers = {1, 1};
  o.queue_lines = queue_lines;
  o.policy = core::FullPolicy::kReject;
  return o;
}

// Ingest outcomes count lines received over HTTP once, where they arrived:
// a batch taken from the bus was counted by the ingest node that published
// it (which counts through count_offered()), so it is processed here but not
// counted again, even when the full queue makes the consumer offer it twice.
TEST(IngestPipeline, BatchesFromTheBusAreProcessedButNotCountedAsIngest) {
  GateSink sink;  // closed: the worker holds its first batch
  IngestPipeline p(one_worker_rejecting(3), {&sink});
  p.start();
  auto from_bus = [](int seq) {
    IngestBatch b = batch_of(kFrames, 3, seq);
    b.from_bus = true;
    return b;
  };
  ASSERT_EQ(p.offer(from_bus(0)), core::OfferResult::kAccepted);
  sink.wait_for_waiting(1);
  ASSERT_EQ(p.offer(from_bus(1)), core::OfferResult::kAccepted);
  EXPECT_EQ(p.offer(from_bus(2)), core::OfferResult::kRejected);  // full: the consumer retries
  EXPECT_EQ(p.counters().accepted_lines[0].load(), 0u);
  EXPECT_EQ(p.counters().rejected_lines[0].load(), 0u);
  p.count_offered(0, 5, core::OfferResult::kAccepted);  // an ingest node's edge, publishing
  p.count_offered(0, 2, core::OfferResult::kRejected);
  p.count_offered(0, 1, core::OfferResult::kDroppedNewest);
  sink.open();
  p.close();
  EXPECT_EQ(p.counters().processed_lines.load(), 6u);
  EXPECT_EQ(p.counters().accepted_lines[0].load(), 5u);
  EXPECT_EQ(p.counters().rejected_lines[0].load(), 2u);
  EXPECT_EQ(p.counters().dropped_lines[0].load(), 1u);
}

TEST(IngestPipeline, RejectsWhenFullAndDrainsEverythingAccepted) {
  GateSink sink;  // closed: the worker blocks on its first batch
  IngestPipeline p(one_worker_rejecting(6), {&sink});
  p.start();
  ASSERT_EQ(p.offer(batch_of(kFrames, 3, 0)), core::OfferResult::kAccepted);
  sink.wait_for_waiting(1);  // the worker holds batch 0
  ASSERT_EQ(p.offer(batch_of(kFrames, 3, 1)), core::OfferResult::kAccepted);
  ASSERT_EQ(p.offer(batch_of(kFrames, 3, 2)), core::OfferResult::kAccepted);
  EXPECT_EQ(p.offer(batch_of(kFrames, 3, 3)), core::OfferResult::kRejected);
  EXPECT_EQ(p.counters().rejected_lines[0].load(), 3u);
  EXPECT_GE(p.queue_usage(), 1.0);
  sink.open();
  p.close();
  EXPECT_EQ(p.counters().processed_lines.load(), 9u);
  EXPECT_EQ(p.offer(batch_of(kFrames, 3, 4)), core::OfferResult::kClosed);
}

TEST(IngestPipeline, ByteBudgetRejectsHugeBatchesWhateverThePolicy) {
  GateSink sink;  // closed: the worker holds its first round
  IngestOptions o;
  o.workers = {1, 1};
  o.queue_lines = 1000000;
  o.queue_bytes = kFrames.size() * 2;
  o.policy = core::FullPolicy::kBlock;  // would wait; the byte budget refuses instead
  IngestPipeline p(o, {&sink});
  p.start();
  ASSERT_EQ(p.offer(batch_of(kFrames, 3, 0)), core::OfferResult::kAccepted);
  sink.wait_for_waiting(1);  // taken by the worker: its bytes stay counted until processed
  ASSERT_EQ(p.offer(batch_of(kFrames, 3, 1)), core::OfferResult::kAccepted);
  EXPECT_EQ(p.offer(batch_of(kFrames, 3, 2)), core::OfferResult::kRejected);
  EXPECT_EQ(p.queued_bytes(), kFrames.size() * 2);
  sink.open();
  p.close();
  EXPECT_EQ(p.queued_bytes(), 0u);
  EXPECT_EQ(p.counters().processed_lines.load(), 6u);
  EXPECT_EQ(p.counters().rejected_lines[0].load(), 3u);
}

}  // namespace
}  // namespace logstreamer::engine
