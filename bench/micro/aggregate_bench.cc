// Aggregator micro-benchmarks: ns per line for masking, counting and the whole
// per-line add.
#include <memory>

#include <benchmark/benchmark.h>

#include "aggregate/message_template.h"
#include "aggregate/summary.h"
#include "micro/sample_lines.h"
#include "parse/plain.h"
#include "simd/message_shapes.h"
#include "simd/simd_level.h"

namespace {

using logstreamer::bench::sample_lines;
namespace aggregate = logstreamer::aggregate;
namespace parse = logstreamer::parse;
namespace simd = logstreamer::simd;

std::vector<parse::LogRecord> parsed(const std::vector<std::string>& lines) {
  std::vector<parse::LogRecord> out(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) parse::parse_plain(lines[i], out[i]);
  return out;
}

void BM_MaskMessage(benchmark::State& state) {
  const auto lines = sample_lines(4096);
  const auto recs = parsed(lines);
  std::unique_ptr<char[]> scratch(new char[aggregate::kMaxTemplateBytes]);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(aggregate::mask_message(recs[i++ & 4095].message, scratch.get()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MaskMessage);

void BM_ServiceCount(benchmark::State& state) {
  const auto lines = sample_lines(4096);
  const auto recs = parsed(lines);
  aggregate::CappedCounter services;
  size_t i = 0;
  for (auto _ : state) services.add(recs[i++ & 4095].service);
  benchmark::DoNotOptimize(services.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ServiceCount);

void BM_TopMessagesAdd(benchmark::State& state) {
  const auto lines = sample_lines(4096);
  const auto recs = parsed(lines);
  aggregate::TopMessages top;
  size_t i = 0;
  for (auto _ : state) top.add(recs[i++ & 4095].message);
  benchmark::DoNotOptimize(top.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TopMessagesAdd);

// The top-messages hit path alone: shapes of 64 messages at a time, as the
// batch loop looks them up (every shape already remembered), with the
// kernel of the tier in use (LOGSTREAMER_SIMD picks another).
void BM_ShapesFindMany(benchmark::State& state) {
  const simd::Level level = simd::active_level();
  state.SetLabel(simd::counting_shape_kernel(level) ? simd::shape_kernel_name(level)
                                                    : "none (LOGSTREAMER_SHAPES=on to measure)");
  const auto lines = sample_lines(1 << 16);
  const auto recs = parsed(lines);
  aggregate::TopMessages top;
  for (const auto& rec : recs) top.add(rec.message);  // remembers every shape
  std::vector<std::string_view> messages;
  for (const auto& rec : recs) messages.push_back(rec.message);
  aggregate::MessageShapes& shapes = top.shapes_for_benchmark();
  std::array<uint64_t*, 64> out;
  size_t i = 0, misses = 0;
  for (auto _ : state) {
    shapes.find_many(&messages[i], out.size(), out.data());
    for (uint64_t* c : out) misses += c == nullptr;
    i = (i + out.size()) & ((1 << 16) - 1);
  }
  state.counters["miss_rate"] =
      static_cast<double>(misses) / static_cast<double>(state.iterations() * out.size());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_ShapesFindMany);

void BM_SummaryAdd(benchmark::State& state) {
  const auto lines = sample_lines(4096);
  const auto recs = parsed(lines);
  aggregate::Summary summary;
  size_t i = 0;
  for (auto _ : state) summary.add(recs[i++ & 4095]);
  benchmark::DoNotOptimize(summary.parsed);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SummaryAdd);

}  // namespace

#include "aggregate/batch_aggregator.h"
#include "core/buffer_pool.h"

namespace {

// The worker's whole loop (split, parse, aggregate) over one 4 MiB chunk of
// generated lines: the in-situ cost per line, caches and all.
void BM_BatchAggregatorProcess(benchmark::State& state) {
  namespace core = logstreamer::core;
  core::BufferPool pool(1, 4 << 20);
  core::PooledBuffer buf = pool.acquire();
  logstreamer::engine::SyntheticLines gen(logstreamer::engine::SyntheticOptions{});
  fmt::memory_buffer text;
  while (text.size() < (4u << 20) - 512) gen.append_plain(text);
  std::memcpy(buf.data(), text.data(), text.size());
  const core::Batch batch(std::move(buf), text.size(), core::BatchOrigin{});
  aggregate::BatchAggregator worker(parse::LineParser(), 1 << 20, aggregate::SummaryLimits{});
  uint64_t lines = 0;
  for (auto _ : state) lines += worker.process(batch);
  state.SetItemsProcessed(static_cast<int64_t>(lines));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_BatchAggregatorProcess)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// The shape kernel of the tier in use alone, on messages lying one after
// another in one buffer (as in a batch), 64 to a call: ns per message.
void BM_ShapeKernel(benchmark::State& state) {
  const simd::Level level = simd::active_level();
  state.SetLabel(simd::shape_kernel_name(level));
  const simd::ShapeKernel kernel = simd::shape_kernel(level);
  const auto lines = sample_lines(1 << 14);
  const auto recs = parsed(lines);
  std::string text;
  std::vector<std::pair<size_t, size_t>> spans;
  for (const auto& rec : recs) {
    spans.emplace_back(text.size(), rec.message.size());
    text.append(rec.message);
    text.push_back('\n');
  }
  text.append(256, '\n');
  std::vector<std::string_view> messages;
  for (const auto& [at, size] : spans) messages.emplace_back(text.data() + at, size);
  std::vector<simd::Shape> out(simd::kShapeChunk);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernel(&messages[i], simd::kShapeChunk, out.data()));
    i = (i + simd::kShapeChunk) & ((1 << 14) - 1);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * simd::kShapeChunk));
}
BENCHMARK(BM_ShapeKernel);

}  // namespace
