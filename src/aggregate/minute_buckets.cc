#include "aggregate/minute_buckets.h"

#include <algorithm>

namespace logstreamer::aggregate {

MinuteCounts* MinuteBuckets::lookup(int64_t minute) {
  auto it = buckets_.find(minute);
  if (it != buckets_.end()) return &it->second;
  if (buckets_.size() >= max_minutes_) return nullptr;
  cached_ = nullptr;  // emplace may rehash and move every bucket
  return &buckets_[minute];
}

bool MinuteBuckets::switch_minute(int64_t unix_us) {
  const int64_t minute = floor_minute(unix_us);
  cached_ = lookup(minute);
  cached_start_us_ = minute * 1'000'000;
  return cached_ != nullptr;
}

void MinuteBuckets::add_counts(int64_t minute, const MinuteCounts& counts) {
  MinuteCounts* bucket = lookup(minute);
  if (bucket == nullptr) {
    overflow_ += counts.total;
    return;
  }
  bucket->total += counts.total;
  for (size_t i = 0; i < parse::kLevelCount; ++i) bucket->levels[i] += counts.levels[i];
}

void MinuteBuckets::merge(const MinuteBuckets& other) {
  for (const auto& [minute, counts] : other.buckets_) add_counts(minute, counts);
  overflow_ += other.overflow_;
  cached_ = nullptr;
}

std::vector<std::pair<int64_t, MinuteCounts>> MinuteBuckets::sorted() const {
  std::vector<std::pair<int64_t, MinuteCounts>> out(buckets_.begin(), buckets_.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace logstreamer::aggregate
