#pragma once
// Reads a summary JSON written by summary_to_json() back into a Summary, so
// saved summaries (from other files, hosts or days) can be merged exactly:
// counts add up, sketches merge bucket by bucket, templates and paths come
// from "merge_state".
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "absl/status/statusor.h"
#include "aggregate/summary.h"
#include "sinks/run_report.h"

namespace logstreamer::sinks {

struct LoadedSummary {
  aggregate::Summary summary;
  std::vector<std::string> inputs;
  double elapsed_seconds = 0;
  uint64_t bytes = 0;
  bool interrupted = false;
  std::vector<InputError> errors;
};

// `first_source_id`: where this file's inputs start in the merged list of
// inputs, so that malformed samples keep their order across files.
absl::StatusOr<LoadedSummary> read_summary_json(const std::string& path, uint32_t first_source_id);
// A sketch as summary JSON writes it ({"zero", "sum", "max", "bins": [[index, n]...]}).
aggregate::LatencySketch read_sketch_json(simdjson::dom::element sketch);

// The same from text in memory (a bus processor's stored summary part).
absl::StatusOr<LoadedSummary> read_summary_json_text(std::string_view json,
                                                     uint32_t first_source_id);

}  // namespace logstreamer::sinks
