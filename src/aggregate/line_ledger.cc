#include "aggregate/line_ledger.h"

namespace logstreamer::aggregate {

uint64_t LineLedger::line_number(const LinePosition& pos) const {
  uint64_t before = 0;
  for (const Entry& e : entries_) {
    if (e.source_id == pos.source_id && e.batch_seq < pos.batch_seq) before += e.lines;
  }
  return before + pos.line_in_batch + 1;
}

}  // namespace logstreamer::aggregate
