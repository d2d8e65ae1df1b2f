#include "aggregate/batch_aggregator.h"

#include "parse/line_loop.h"

namespace logstreamer::aggregate {

uint64_t BatchAggregator::process(const core::Batch& batch) {
  const core::BatchOrigin& origin = batch.origin();
  LinePosition pos{origin.source_id, origin.seq, 0};
  // Lines the reader skipped as too long stood before this batch's text.
  for (uint32_t i = 0; i < batch.skipped_lines(); ++i) {
    summary_.add_malformed(
        pos, parse::ParseError::kLineTooLong,
        i == 0 ? std::string_view(batch.skipped().first_head) : std::string_view());
    ++pos.line_in_batch;
  }
  const uint32_t first = pos.line_in_batch;
  const std::string_view text = batch.text();
  parse::LogRecord record;
  const uint64_t lines = parse::for_each_line(
      text, max_line_bytes_, parser_, text.data() + text.size(), record,
      [&](const parse::LogRecord& rec, std::string_view, uint64_t) {
        summary_.add_from_batch(rec, text);
      },
      [&](parse::ParseError why, std::string_view line, uint64_t index) {
        summary_.add_malformed(
            LinePosition{origin.source_id, origin.seq, static_cast<uint32_t>(first + index)}, why,
            line);
      });
  pos.line_in_batch = static_cast<uint32_t>(first + lines);
  summary_.end_batch();  // pending messages point into this batch
  summary_.ledger.record(origin.source_id, origin.seq, pos.line_in_batch);
  return pos.line_in_batch;
}

}  // namespace logstreamer::aggregate
