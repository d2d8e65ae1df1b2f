#include "aggregate/batch_aggregator.h"

#include <gtest/gtest.h>

#include "aggregate/batch_test_util.h"

namespace logstreamer::aggregate {
namespace {

TEST(BatchAggregator, CountsParsedMalformedAndSkipsBlankLines) {
  core::BufferPool pool(2, 4096);
  BatchAggregator worker(parse::LineParser(), 1 << 20, SummaryLimits{});
  const std::string text =
      "INFO 2024-01-20T10:00:00Z auth User 1 logged in\n"
      "\n"
      "   \t \n"
      "2024-01-20T10:00:30Z ERROR pay Payment 2 failed\r\n"  // CRLF
      "garbage line\n"
      "WARN 2024-01-20T10:01:00Z auth User 3 logged in";  // no trailing newline
  EXPECT_EQ(worker.process(make_batch(pool, text, 0, 0)), 6u);
  const Summary& s = worker.summary();
  EXPECT_EQ(s.total_lines(), 4u);  // blank lines are not counted
  EXPECT_EQ(s.parsed, 3u);
  EXPECT_EQ(s.malformed, 1u);
  EXPECT_EQ(s.levels[static_cast<size_t>(parse::Level::kInfo)], 1u);
  EXPECT_EQ(s.levels[static_cast<size_t>(parse::Level::kError)], 1u);
  EXPECT_EQ(s.levels[static_cast<size_t>(parse::Level::kWarn)], 1u);
  EXPECT_EQ(s.services.get("auth"), 2u);
  EXPECT_EQ(s.services.get("pay"), 1u);  // '\r' stripped: not "pay" + garbage
  const auto top = s.top_messages.top(5);
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top[0], (std::pair<std::string, uint64_t>{"User <n> logged in", 2}));
  EXPECT_EQ(s.per_minute.size(), 2u);
}

TEST(BatchAggregator, MalformedSamplesGetFileAndLineNumbersAcrossOutOfOrderBatches) {
  core::BufferPool pool(4, 4096);
  BatchAggregator worker(parse::LineParser(), 1 << 20, SummaryLimits{});
  const std::string good = "INFO 2024-01-20T10:00:00Z a m\n";
  // Source 0 has batches 0 (3 lines) and 1 (2 lines, the 2nd bad); source 1 one batch.
  // Process them out of order, as workers do.
  worker.process(make_batch(pool, good + "bad one\n", 0, 1));
  worker.process(make_batch(pool, "oops\n" + good, 1, 0));
  worker.process(make_batch(pool, good + good + good, 0, 0));
  Summary& s = worker.summary();
  s.resolve_samples({"a.log", "b.log"});
  const auto samples = s.samples.sorted();
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].file, "a.log");
  EXPECT_EQ(samples[0].line, 5u);
  EXPECT_EQ(samples[0].text, "bad one");
  EXPECT_EQ(samples[0].reason, "unknown level");
  EXPECT_EQ(samples[1].file, "b.log");
  EXPECT_EQ(samples[1].line, 1u);
}

TEST(BatchAggregator, TooLongLinesAreMalformedWithTheirLineNumbers) {
  core::BufferPool pool(2, 4096);
  BatchAggregator worker(parse::LineParser(), 40, SummaryLimits{});
  const std::string text =
      "INFO 2024-01-20T10:00:00Z a short\n"
      "INFO 2024-01-20T10:00:00Z a this message is much longer than forty bytes\n";
  // One line before this batch was skipped by the reader as too long.
  worker.process(make_batch(pool, text, 0, 0, /*skipped=*/1));
  Summary& s = worker.summary();
  s.resolve_samples({"f"});
  EXPECT_EQ(s.parsed, 1u);
  EXPECT_EQ(s.malformed, 2u);
  EXPECT_EQ(s.malformed_by_reason[static_cast<size_t>(parse::ParseError::kLineTooLong)], 2u);
  const auto samples = s.samples.sorted();
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].line, 1u);
  EXPECT_EQ(samples[1].line, 3u);
}

}  // namespace
}  // namespace logstreamer::aggregate
