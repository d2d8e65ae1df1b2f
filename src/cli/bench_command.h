#pragma once
// `logstreamer bench`: the whole in-process streaming pipeline (generation,
// queue, workers, parse, aggregate) against synthetic streams; reports
// throughput, drops and latency percentiles.
#include <chrono>
#include <string>

#include <CLI/CLI.hpp>

#include "engine/streaming_engine.h"

namespace logstreamer::cli {

struct BenchOptions {
  engine::EngineOptions engine;
  std::string work_ms = "0";
  std::string policy = "block";
  std::string format = "plain";
  std::string adaptive_steps = "0.95:2000,0.90:1000,0.80:500";
  std::chrono::microseconds batch_timeout{1000};
  std::chrono::microseconds duration{0};  // 0: until Ctrl+C
  std::chrono::microseconds metrics_interval{1'000'000};
  std::chrono::microseconds shutdown_timeout{10'000'000};
  std::chrono::microseconds stream_interval{1'000'000};  // each stream pauses a random 0..this
  bool json = false;
  std::string replay;  // --replay FILE: its lines instead of synthetic ones
  uint64_t loops = 1;
  const CLI::Option* stream_interval_option = nullptr;  // to tell a given value from the default
};

CLI::App* add_bench_command(CLI::App& app, BenchOptions& options);
int run_bench(BenchOptions options);

}  // namespace logstreamer::cli
