#pragma once
// `logstreamer bench`: the whole in-process streaming pipeline (generation,
// queue, workers, parse, aggregate) against synthetic streams; reports
// throughput, drops and latency percentiles.
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
  double batch_timeout_ms = 1;
  double duration_s = 0;  // 0: until Ctrl+C
  double metrics_interval_s = 1;
  double shutdown_timeout_s = 10;
  bool json = false;
};

CLI::App* add_bench_command(CLI::App& app, BenchOptions& options);
int run_bench(BenchOptions options);

}  // namespace logstreamer::cli
