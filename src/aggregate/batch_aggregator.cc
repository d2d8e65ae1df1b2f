#include "aggregate/batch_aggregator.h"

#include "simd/bytes.h"

namespace logstreamer::aggregate {
namespace {

// Blank = empty or only spaces, tabs and a stray '\r'. Most lines start with a
// printable byte, which settles it at once.
inline bool is_blank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

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

  const std::string_view text = batch.text();
  const char* p = text.data();
  const char* const end = p + text.size();
  parse::LogRecord rec;
  while (p < end) {
    const char* nl = simd::find(p, end, '\n');
    const char* line_end = nl != nullptr ? nl : end;
    std::string_view line(p, static_cast<size_t>(line_end - p));
    p = line_end + 1;
    const LinePosition here = pos;
    ++pos.line_in_batch;

    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (static_cast<unsigned char>(line[0]) <= ' ' && is_blank(line))) continue;
    if (line.size() > max_line_bytes_) {
      summary_.add_malformed(here, parse::ParseError::kLineTooLong, line);
      continue;
    }
    const parse::ParseError err = parser_.parse(line, rec, end);
    if (err == parse::ParseError::kOk) {
      summary_.add_from_batch(rec, text);
    } else {
      summary_.add_malformed(here, err, line);
    }
  }
  summary_.end_batch();  // pending messages point into this batch
  summary_.ledger.record(origin.source_id, origin.seq, pos.line_in_batch);
  return pos.line_in_batch;
}

}  // namespace logstreamer::aggregate
