// Parser micro-benchmarks: ns per line for each stage of parsing a plain line.
#include <benchmark/benchmark.h>

#include "micro/sample_lines.h"
#include "parse/line_parser.h"
#include "parse/plain.h"
#include "parse/timestamp.h"

namespace {

using logstreamer::bench::sample_lines;
namespace parse = logstreamer::parse;

void BM_ParsePlain(benchmark::State& state) {
  const auto lines = sample_lines(4096);
  parse::LogRecord rec;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse::parse_plain(lines[i++ & 4095], rec));
    benchmark::DoNotOptimize(rec);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParsePlain);

void BM_LineParserAuto(benchmark::State& state) {
  const auto lines = sample_lines(4096);
  parse::LineParser parser;
  parse::LogRecord rec;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parser.parse(lines[i++ & 4095], rec));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LineParserAuto);

void BM_ScanTimestamp(benchmark::State& state) {
  const std::string_view ts[] = {"2024-01-20T10:00:00.123Z", "2024-01-20T10:00:01.456Z",
                                 "2024-01-20T10:00:02Z", "2024-01-20 10:00:03.001"};
  parse::ParsedTime out;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse::scan_timestamp(ts[i++ & 3], out));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScanTimestamp);

void BM_ParseLevel(benchmark::State& state) {
  const std::string_view levels[] = {"INFO", "ERROR", "warning", "DEBUG"};
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(parse::parse_level(levels[i++ & 3]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseLevel);

}  // namespace
