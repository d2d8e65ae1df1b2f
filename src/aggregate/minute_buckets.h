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
    // In the cached minute: one subtraction and compare, no division. (Done
    // unsigned: a time before the minute wraps to a large difference.)
    if (static_cast<uint64_t>(unix_us) - static_cast<uint64_t>(cached_start_us_) >= kMinuteUs ||
        cached_ == nullptr) [[unlikely]] {
      if (!switch_minute(unix_us)) {
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
  static constexpr uint64_t kMinuteUs = 60'000'000;

  MinuteCounts* lookup(int64_t minute);
  // Points the cache at unix_us's minute; false if it has no bucket (full).
  bool switch_minute(int64_t unix_us);

  size_t max_minutes_;
  absl::flat_hash_map<int64_t, MinuteCounts> buckets_;
  int64_t cached_start_us_ = 0;     // the cached minute's first microsecond
  MinuteCounts* cached_ = nullptr;  // reset whenever the map may rehash
  uint64_t overflow_ = 0;
};

}  // namespace logstreamer::aggregate
