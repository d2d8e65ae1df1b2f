#pragma once
// BatchAggregator: the analyze worker. Walks a batch's lines by the shared
// rules (parse/line_loop.h) and adds each to this worker's own Summary. This loop is the hot path
// of analyze: no allocation per line, no locks, no shared writes.
#include <cstddef>

#include "aggregate/summary.h"
#include "core/source.h"
#include "parse/line_parser.h"

namespace logstreamer::aggregate {

class BatchAggregator final : public core::BatchProcessor {
 public:
  BatchAggregator(parse::LineParser parser, size_t max_line_bytes, const SummaryLimits& limits)
      : parser_(std::move(parser)), max_line_bytes_(max_line_bytes), summary_(limits) {}

  uint64_t process(const core::Batch& batch) override;

  Summary& summary() { return summary_; }

 private:
  parse::LineParser parser_;
  size_t max_line_bytes_;
  Summary summary_;
};

}  // namespace logstreamer::aggregate
