#pragma once
// CappedCounter: counts per string key with a cap on distinct keys.
//
// Keys are user-supplied (service names), so their number is unbounded in
// principle; past `max_keys` distinct keys, new keys are counted under
// `overflow()` instead of growing memory. Counts for keys already present stay
// exact. merge() is exact while the union fits the cap.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aggregate/string_counter.h"

namespace logstreamer::aggregate {

class CappedCounter {
 public:
  explicit CappedCounter(size_t max_keys = 10000) : max_keys_(max_keys) {}

  void add(std::string_view key, uint64_t n = 1) {
    if (!counts_.add(key, n, counts_.size() < max_keys_)) overflow_ += n;
  }

  void merge(const CappedCounter& other) {
    other.counts_.for_each([this](const std::string& key, uint64_t n) { add(key, n); });
    overflow_ += other.overflow_;
  }

  uint64_t get(std::string_view key) const { return counts_.get(key); }
  uint64_t overflow() const { return overflow_; }
  void add_overflow(uint64_t n) { overflow_ += n; }
  size_t size() const { return counts_.size(); }
  size_t max_keys() const { return max_keys_; }

  // Entries by count, descending (ties by key, so output is deterministic).
  std::vector<std::pair<std::string, uint64_t>> sorted(
      size_t limit = std::numeric_limits<size_t>::max()) const {
    return counts_.sorted(limit);
  }

 private:
  size_t max_keys_;
  StringCounter counts_;
  uint64_t overflow_ = 0;
};

}  // namespace logstreamer::aggregate
