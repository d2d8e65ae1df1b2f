#pragma once
// HttpSummary: the request analytics of a run, for lines that carry requests
// (access logs, Heroku router lines, JSON/logfmt lines with status and
// method). Mergeable like Summary; every user-keyed map is capped.
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/node_hash_map.h"
#include "aggregate/capped_counter.h"
#include "aggregate/latency_sketch.h"
#include "parse/log_record.h"

namespace logstreamer::aggregate {

struct DynoStats {
  uint64_t requests = 0;
  uint64_t errors = 0;  // 5xx or a Heroku error code
  LatencySketch response_ms;
};

class HttpSummary {
 public:
  static constexpr size_t kMaxDynos = 256;

  void add(const parse::HttpFields& http);
  void merge(const HttpSummary& other);

  uint64_t requests = 0;
  std::array<uint64_t, 6> status_classes{};  // index = status / 100 (0: unknown)
  std::array<uint64_t, 1000> status_codes{};
  CappedCounter methods{64};
  CappedCounter paths{10000};
  CappedCounter error_codes{256};
  LatencySketch response_ms;
  uint64_t bytes = 0;
  absl::node_hash_map<std::string, DynoStats> dynos;
  uint64_t dynos_overflow = 0;  // requests from dynos past kMaxDynos
};

}  // namespace logstreamer::aggregate
