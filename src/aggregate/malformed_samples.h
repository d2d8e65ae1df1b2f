#pragma once
// MalformedSamples: the first N malformed lines of a run, in input order.
//
// Workers see batches out of order, so "first" is decided by a position key
// (source, batch sequence, line within batch): each worker keeps its N
// smallest keys and merging keeps the N smallest overall, which are exactly
// the first N in input order, whatever the scheduling. The key becomes a line
// number once the line ledger is complete (line_ledger.h).
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "parse/parse_error.h"

namespace logstreamer::aggregate {

struct LinePosition {
  uint32_t source_id = 0;
  uint64_t batch_seq = 0;
  uint64_t line_in_batch = 0;  // 0-based
  friend bool operator<(const LinePosition& a, const LinePosition& b) {
    return std::tie(a.source_id, a.batch_seq, a.line_in_batch) <
           std::tie(b.source_id, b.batch_seq, b.line_in_batch);
  }
};

struct MalformedSample {
  LinePosition position;
  std::string file;   // filled by resolve
  uint64_t line = 0;  // 1-based; filled by resolve
  std::string reason;
  std::string text;  // the line, cut to kMaxSampleBytes
};

class MalformedSamples {
 public:
  static constexpr size_t kMaxSampleBytes = 256;
  explicit MalformedSamples(size_t max_samples = 10) : max_(max_samples) {}

  void add(const LinePosition& pos, parse::ParseError why, std::string_view line);
  void add(MalformedSample sample);
  void merge(const MalformedSamples& other);

  // In input order.
  std::vector<MalformedSample> sorted() const;
  std::vector<MalformedSample>& samples() { return samples_; }
  size_t max_samples() const { return max_; }

 private:
  // Index of the latest-positioned sample, the one to replace.
  size_t latest() const;

  size_t max_;
  std::vector<MalformedSample> samples_;
};

}  // namespace logstreamer::aggregate
