#pragma once
// `logstreamer analyze`: summarise log files (or stdin), fast.
#include <cstddef>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace logstreamer::cli {

struct AnalyzeOptions {
  std::vector<std::string> files;        // positional
  std::vector<std::string> files_flag;   // --files=a,b (the Go tool's spelling)
  size_t workers = 0;                    // 0: one per core
  size_t readers = 0;                    // 0: min(inputs, workers)
  size_t buffer = 8;                     // queue capacity, in batches
  size_t chunk_bytes = 4 << 20;
  size_t max_line_bytes = 1 << 20;
  std::string format = "auto";
  std::string output;
  size_t top = 10;
  bool quiet = false;
  bool progress = false;
  std::string cpuprofile;
};

CLI::App* add_analyze_command(CLI::App& app, AnalyzeOptions& options);

// Returns the process exit status: 0, 2 (an input or the output failed),
// 130/143 (interrupted by SIGINT/SIGTERM; the partial summary is still printed).
int run_analyze(const AnalyzeOptions& options);

}  // namespace logstreamer::cli
