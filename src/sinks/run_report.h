#pragma once
// RunReport: a finished (or interrupted) analyze run, as the sinks see it.
#include <string>
#include <vector>

#include "aggregate/summary.h"

namespace logstreamer::sinks {

// An input that could not be opened or read to its end: the summary covers
// only what was read before.
struct InputError {
  std::string input;
  std::string reason;
};

struct RunReport {
  const aggregate::Summary* summary = nullptr;
  std::vector<std::string> inputs;
  double elapsed_seconds = 0;
  uint64_t bytes_read = 0;  // decompressed bytes analysed
  bool interrupted = false;
  std::vector<InputError> errors;  // inputs that failed; the JSON's "errors"
  size_t top_n = 10;
  std::string command = "analyze";  // names the run in the console report's first line

  double lines_per_second() const {
    return elapsed_seconds > 0 ? static_cast<double>(summary->total_lines()) / elapsed_seconds : 0;
  }
};

}  // namespace logstreamer::sinks
