#pragma once
// LineLedger: how many lines each batch of each source held.
//
// Workers process batches out of order, so a worker knows a bad line's index
// within its batch but not within the file. Each worker records
// (source, batch, lines); once all are merged, the lines before a batch are
// the sum over the earlier batches of the same source, which turns a
// LinePosition into a 1-based line number. Costs one entry per batch (a few
// hundred per GB).
#include <cstdint>
#include <vector>

#include "aggregate/malformed_samples.h"

namespace logstreamer::aggregate {

class LineLedger {
 public:
  void record(uint32_t source_id, uint64_t batch_seq, uint64_t lines) {
    entries_.push_back({source_id, batch_seq, lines});
  }
  void merge(const LineLedger& other) {
    entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
  }
  // 1-based line number of `pos`. Batches missing from the ledger (not
  // processed, e.g. after a forced stop) count as empty.
  uint64_t line_number(const LinePosition& pos) const;

 private:
  struct Entry {
    uint32_t source_id;
    uint64_t batch_seq;
    uint64_t lines;
  };
  std::vector<Entry> entries_;
};

}  // namespace logstreamer::aggregate
