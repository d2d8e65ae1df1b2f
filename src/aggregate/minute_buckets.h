#pragma once
// MinuteBuckets: line counts per UTC minute, in total and per level.
//
// Bounded: at most `max_minutes` distinct minutes are kept (default about 69
// days); lines in further minutes are counted in overflow() rather than growing
// memory. Consecutive lines usually share a minute, so the last bucket is
// cached and most lines cost one compare.
#include <array>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "parse/level.h"

namespace logstreamer::aggregate {

struct MinuteCounts {
  uint64_t total = 0;
  std::array<uint64_t, parse::kLevelCount> levels{};
};

class MinuteBuckets {
 public:
  explicit MinuteBuckets(size_t max_minutes = 100000) : max_minutes_(max_minutes) {}

  void add(int64_t unix_us, parse::Level level, uint64_t n = 1) {
    const int64_t minute = floor_minute(unix_us);
    if (minute != cached_minute_ || cached_ == nullptr) {
      cached_ = lookup(minute);
      cached_minute_ = minute;
      if (cached_ == nullptr) {
        overflow_ += n;
        return;
      }
    }
    cached_->total += n;
    cached_->levels[static_cast<size_t>(level)] += n;
  }

  void merge(const MinuteBuckets& other);
  void add_counts(int64_t minute, const MinuteCounts& counts);

  // Buckets sorted by minute; the key is the minute's start in unix seconds.
  std::vector<std::pair<int64_t, MinuteCounts>> sorted() const;
  uint64_t overflow() const { return overflow_; }
  void add_overflow(uint64_t n) { overflow_ += n; }
  size_t size() const { return buckets_.size(); }

  static int64_t floor_minute(int64_t unix_us) {
    int64_t s = unix_us / 1'000'000;
    if (unix_us < 0 && unix_us % 1'000'000 != 0) --s;
    int64_t m = s / 60;
    if (s < 0 && s % 60 != 0) --m;
    return m * 60;
  }

 private:
  MinuteCounts* lookup(int64_t minute);

  size_t max_minutes_;
  absl::flat_hash_map<int64_t, MinuteCounts> buckets_;
  int64_t cached_minute_ = 0;
  MinuteCounts* cached_ = nullptr;  // reset whenever the map may rehash
  uint64_t overflow_ = 0;
};

}  // namespace logstreamer::aggregate
