// Merging partial summaries must equal summarising everything at once, however
// the input is split between workers and in whatever order they merge.
#include <random>

#include <gtest/gtest.h>

#include "aggregate/batch_aggregator.h"
#include "aggregate/batch_test_util.h"
#include "aggregate/summary_test_util.h"
#include "engine/synthetic_lines.h"

namespace logstreamer::aggregate {
namespace {

std::vector<std::string> generated_chunks(size_t chunks, size_t lines_per_chunk) {
  engine::SyntheticLines gen(
      engine::SyntheticOptions{.seed = 99, .malformed_ratio = 0.01, .level_aliases = true});
  std::vector<std::string> out;
  for (size_t c = 0; c < chunks; ++c) {
    fmt::memory_buffer buf;
    for (size_t i = 0; i < lines_per_chunk; ++i) gen.append_plain(buf);
    out.emplace_back(buf.data(), buf.size());
  }
  return out;
}

TEST(SummaryMerge, PartialSummariesMergeToTheWhole) {
  const auto chunks = generated_chunks(24, 500);
  core::BufferPool pool(2, 1 << 20);

  BatchAggregator whole(parse::LineParser(), 1 << 20, SummaryLimits{});
  for (size_t i = 0; i < chunks.size(); ++i) whole.process(make_batch(pool, chunks[i], 0, i));
  whole.summary().resolve_samples({"in"});

  // Deal the chunks at random to 4 workers, then merge in a random order.
  std::mt19937 rng(7);
  std::vector<std::unique_ptr<BatchAggregator>> workers;
  for (int w = 0; w < 4; ++w) {
    workers.push_back(std::make_unique<BatchAggregator>(parse::LineParser(), 1 << 20, SummaryLimits{}));
  }
  std::vector<size_t> order(chunks.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t i : order) workers[rng() % 4]->process(make_batch(pool, chunks[i], 0, i));
  std::shuffle(workers.begin(), workers.end(), rng);
  Summary merged;
  for (auto& w : workers) merged.merge(w->summary());
  merged.resolve_samples({"in"});

  ASSERT_GT(whole.summary().malformed, 10u);  // the samples list is really contended
  expect_same_summary(merged, whole.summary());
}

TEST(SummaryMerge, MergeIsAssociative) {
  const auto chunks = generated_chunks(3, 400);
  core::BufferPool pool(2, 1 << 20);
  std::vector<std::unique_ptr<BatchAggregator>> parts;
  for (size_t i = 0; i < 3; ++i) {
    parts.push_back(std::make_unique<BatchAggregator>(parse::LineParser(), 1 << 20, SummaryLimits{}));
    parts[i]->process(make_batch(pool, chunks[i], static_cast<uint32_t>(i), 0));
  }
  Summary left, right, bc;
  left.merge(parts[0]->summary());
  left.merge(parts[1]->summary());
  left.merge(parts[2]->summary());
  bc.merge(parts[1]->summary());
  bc.merge(parts[2]->summary());
  right.merge(parts[0]->summary());
  right.merge(bc);
  left.resolve_samples({"a", "b", "c"});
  right.resolve_samples({"a", "b", "c"});
  expect_same_summary(left, right);
}

}  // namespace
}  // namespace logstreamer::aggregate
