#include "aggregate/latency_sketch.h"

#include <algorithm>
#include <cmath>

namespace logstreamer::aggregate {
namespace {

const double kGamma = (1 + LatencySketch::kRelativeError) / (1 - LatencySketch::kRelativeError);
const double kLogGamma = std::log(kGamma);

}  // namespace

int32_t LatencySketch::index_of(double value_ms) {
  return static_cast<int32_t>(std::ceil(std::log(value_ms) / kLogGamma));
}

double LatencySketch::value_of(int32_t index) { return 2 * std::pow(kGamma, index) / (kGamma + 1); }

void LatencySketch::add_to_bucket(int32_t index, uint64_t n) {
  if (buckets_.empty()) {
    offset_ = index;
    buckets_.assign(1, 0);
  } else if (index < offset_) {
    buckets_.insert(buckets_.begin(), static_cast<size_t>(offset_ - index), 0);
    offset_ = index;
  } else if (index >= offset_ + static_cast<int32_t>(buckets_.size())) {
    buckets_.resize(static_cast<size_t>(index - offset_ + 1), 0);
  }
  buckets_[static_cast<size_t>(index - offset_)] += n;
}

void LatencySketch::add(double value_ms, uint64_t count) {
  if (!(value_ms >= 0) || count == 0) return;  // NaN or negative: not a duration
  count_ += count;
  sum_ += value_ms * static_cast<double>(count);
  max_ = std::max(max_, value_ms);
  if (value_ms <= kMinValue) {
    zero_ += count;
    return;
  }
  add_to_bucket(index_of(value_ms), count);
}

void LatencySketch::merge(const LatencySketch& other) {
  for (size_t i = 0; i < other.buckets_.size(); ++i) {
    if (other.buckets_[i] != 0) add_to_bucket(other.offset_ + static_cast<int32_t>(i), other.buckets_[i]);
  }
  zero_ += other.zero_;
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

double LatencySketch::quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Nearest rank: the value whose 1-based rank is ceil(q * n), so p99 of two
  // values is the larger one. (Rounding the rank down, as before, made p90,
  // p95 and p99 of a few requests read as the fastest of them.) The epsilon
  // keeps 0.99 * 100 from ceiling to 100 by a rounding error.
  const double exact_rank = std::ceil(q * static_cast<double>(count_) - 1e-9);
  const auto rank =
      static_cast<uint64_t>(std::clamp(exact_rank, 1.0, static_cast<double>(count_))) - 1;
  if (rank < zero_) return 0;
  uint64_t seen = zero_;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen > rank) return std::min(value_of(offset_ + static_cast<int32_t>(i)), max_);
  }
  return max_;
}

std::vector<std::pair<int32_t, uint64_t>> LatencySketch::bins() const {
  std::vector<std::pair<int32_t, uint64_t>> out;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    if (buckets_[i] != 0) out.emplace_back(offset_ + static_cast<int32_t>(i), buckets_[i]);
  }
  return out;
}

LatencySketch LatencySketch::from_parts(uint64_t zero, const std::vector<std::pair<int32_t, uint64_t>>& bins,
                                        double sum, double max) {
  LatencySketch s;
  s.zero_ = zero;
  s.count_ = zero;
  for (const auto& [index, n] : bins) {
    s.add_to_bucket(index, n);
    s.count_ += n;
  }
  s.sum_ = sum;
  s.max_ = max;
  return s;
}

}  // namespace logstreamer::aggregate
