#pragma once
// LatencySketch: quantiles of positive values (milliseconds) with a bounded
// relative error, mergeable exactly (DDSketch, Masson et al., VLDB 2019).
//
// A value x > 0 goes to bucket i = ceil(log(x) / log(gamma)), with
// gamma = (1 + alpha) / (1 - alpha). Every value in bucket i lies in
// (gamma^(i-1), gamma^i], and reporting 2 gamma^i / (gamma + 1) for it is off
// by at most alpha, relatively. With alpha = 1%, 1 us to 1 day spans about
// 1,300 buckets. Merging adds bucket counts, so the merge of per-worker or
// per-process sketches equals the sketch of all the values: quantiles are
// never averaged. Values <= kMinValue (0 included) are counted as zero.
#include <cstdint>
#include <utility>
#include <vector>

namespace logstreamer::aggregate {

class LatencySketch {
 public:
  static constexpr double kRelativeError = 0.01;
  static constexpr double kMinValue = 1e-3;  // 1 us, in ms

  void add(double value_ms) { add(value_ms, 1); }
  // `count` values equal to value_ms (e.g. a batch's mean per event).
  void add(double value_ms, uint64_t count);
  void merge(const LatencySketch& other);

  // q in [0, 1]; 0 when empty. Within kRelativeError of the exact
  // nearest-rank quantile of the values added: the value whose 1-based rank
  // is ceil(q * n) (q = 0: the smallest), never above max().
  double quantile(double q) const;
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  double max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : sum_ / static_cast<double>(count_); }

  // For serialisation: (bucket index, count) for non-empty buckets, and the
  // zero count. from_parts() rebuilds a sketch from them.
  std::vector<std::pair<int32_t, uint64_t>> bins() const;
  uint64_t zero_count() const { return zero_; }
  static LatencySketch from_parts(uint64_t zero, const std::vector<std::pair<int32_t, uint64_t>>& bins,
                                  double sum, double max);

 private:
  static int32_t index_of(double value_ms);
  static double value_of(int32_t index);
  void add_to_bucket(int32_t index, uint64_t n);

  std::vector<uint64_t> buckets_;  // buckets_[i] counts index offset_ + i
  int32_t offset_ = 0;
  uint64_t zero_ = 0;
  uint64_t count_ = 0;
  double sum_ = 0;
  double max_ = 0;
};

}  // namespace logstreamer::aggregate
