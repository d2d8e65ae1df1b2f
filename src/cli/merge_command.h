#pragma once
// `logstreamer merge`: merges saved summary JSON files (from analyze -o) into
// one, exactly: counts add up and latency sketches merge bucket by bucket.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace logstreamer::cli {

struct MergeOptions {
  std::vector<std::string> files;
  std::string output;
  size_t top = 10;
  bool quiet = false;
};

CLI::App* add_merge_command(CLI::App& app, MergeOptions& options);
int run_merge(const MergeOptions& options);

}  // namespace logstreamer::cli
