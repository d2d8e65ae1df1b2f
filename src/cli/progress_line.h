#pragma once
// ProgressLine: "bytes done/total, lines/s, ETA" on stderr during long runs.
//
// On a terminal it redraws one line in place (and erases it at the end); when
// forced on a non-terminal (--progress) it writes one full line per second, so
// a log file or a test can follow the run.
#include <chrono>
#include <cstdint>

#include "engine/analyze_pipeline.h"

namespace logstreamer::cli {

class ProgressLine {
 public:
  ProgressLine(const engine::AnalyzePipeline& pipeline, bool in_place);
  // Called periodically by the owner; redraws when due.
  void tick();
  // Erases the in-place line.
  void finish();

 private:
  const engine::AnalyzePipeline& pipeline_;
  bool in_place_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  bool drawn_ = false;
};

}  // namespace logstreamer::cli
