#pragma once
// `logstreamer generate`: synthetic logs for tests, benchmarks and demos.
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace logstreamer::cli {

struct GenerateOptions {
  uint64_t count = 1000;  // 0 with --rate: until interrupted
  uint64_t rate = 0;      // lines/s; 0: as fast as possible
  uint64_t seed = 1;
  std::string format = "plain";
  std::string output = "-";
  double malformed_ratio = 0.0;
  bool level_aliases = false;
  std::string layout = "mixed";
};

CLI::App* add_generate_command(CLI::App& app, GenerateOptions& options);
int run_generate(const GenerateOptions& options);

}  // namespace logstreamer::cli
