#include "aggregate/latency_sketch.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "aggregate/http_summary.h"

namespace logstreamer::aggregate {
namespace {

// Nearest rank: the value whose 1-based rank is ceil(q * n).
double exact_quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double rank = std::ceil(q * static_cast<double>(v.size()) - 1e-9);
  return v[static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(v.size()))) - 1];
}

// Log-normal latencies over six orders of magnitude, plus a few zeros.
std::vector<double> latencies(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> dist(3.0, 2.0);
  std::vector<double> v(n);
  for (auto& x : v) x = dist(rng);
  for (size_t i = 0; i < n / 100; ++i) v[i * 97 % n] = 0;
  return v;
}

TEST(LatencySketch, FewValuesGiveTheNearestRankNotTheMinimum) {
  LatencySketch s;
  s.add(25);
  s.add(30000);
  // Two values: p50 is the first, any higher quantile the second.
  EXPECT_NEAR(s.quantile(0.5), 25, 25 * LatencySketch::kRelativeError);
  for (double q : {0.51, 0.9, 0.95, 0.99, 1.0}) {
    EXPECT_NEAR(s.quantile(q), 30000, 30000 * LatencySketch::kRelativeError) << "q=" << q;
  }
  EXPECT_NEAR(s.quantile(0), 25, 25 * LatencySketch::kRelativeError);
  // 100 values 1..100: p99 is 99, p95 is 95 (ranks ceil(q*n)).
  LatencySketch h;
  for (int i = 1; i <= 100; ++i) h.add(i);
  EXPECT_NEAR(h.quantile(0.99), 99, 99 * LatencySketch::kRelativeError);
  EXPECT_NEAR(h.quantile(0.95), 95, 95 * LatencySketch::kRelativeError);
  EXPECT_NEAR(h.quantile(0.5), 50, 50 * LatencySketch::kRelativeError);
}

TEST(LatencySketch, QuantilesWithinTheStatedRelativeError) {
  const auto values = latencies(200000, 1);
  LatencySketch s;
  for (double v : values) s.add(v);
  EXPECT_EQ(s.count(), values.size());
  for (double q : {0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    const double exact = exact_quantile(values, q);
    const double got = s.quantile(q);
    if (exact <= LatencySketch::kMinValue) {
      EXPECT_EQ(got, 0) << "q=" << q;
    } else {
      EXPECT_LE(std::abs(got - exact) / exact, LatencySketch::kRelativeError + 1e-9)
          << "q=" << q << " exact=" << exact << " got=" << got;
    }
  }
  EXPECT_DOUBLE_EQ(s.max(), *std::max_element(values.begin(), values.end()));
}

TEST(LatencySketch, MergeEqualsTheSketchOfEverything) {
  const auto values = latencies(50000, 2);
  LatencySketch whole, a, b, c;
  for (size_t i = 0; i < values.size(); ++i) {
    whole.add(values[i]);
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(values[i]);
  }
  LatencySketch merged;
  merged.merge(c);
  merged.merge(a);
  merged.merge(b);
  EXPECT_EQ(merged.bins(), whole.bins());
  EXPECT_EQ(merged.zero_count(), whole.zero_count());
  EXPECT_EQ(merged.count(), whole.count());
  for (double q : {0.5, 0.95, 0.99}) EXPECT_EQ(merged.quantile(q), whole.quantile(q));
}

TEST(LatencySketch, RoundTripsThroughItsParts) {
  LatencySketch s;
  for (double v : {0.0, 0.5, 12.0, 12.1, 3000.0}) s.add(v);
  const LatencySketch back = LatencySketch::from_parts(s.zero_count(), s.bins(), s.sum(), s.max());
  EXPECT_EQ(back.count(), s.count());
  EXPECT_EQ(back.quantile(0.5), s.quantile(0.5));
  EXPECT_DOUBLE_EQ(back.mean(), s.mean());
}

TEST(LatencySketch, WeightedAddEqualsRepeatedAdds) {
  LatencySketch a, b;
  a.add(3.5, 4);
  for (int i = 0; i < 4; ++i) b.add(3.5);
  EXPECT_EQ(a.bins(), b.bins());
  EXPECT_EQ(a.count(), 4u);
  EXPECT_DOUBLE_EQ(a.mean(), b.mean());
}

TEST(LatencySketch, EmptyAndInvalidValues) {
  LatencySketch s;
  EXPECT_EQ(s.quantile(0.99), 0);
  s.add(-1);
  s.add(std::nan(""));
  EXPECT_EQ(s.count(), 0u);
}

TEST(HttpSummary, CountsClassesCodesDynosAndMerges) {
  parse::HttpFields ok{.present = true, .status = 200, .method = "GET", .path = "/a", .dyno = "web.1",
                       .has_duration = true, .duration_ms = 10, .has_bytes = true, .bytes = 100};
  parse::HttpFields err = ok;
  err.status = 503;
  err.error_code = "H12";
  err.dyno = "web.2";
  err.duration_ms = 30000;
  HttpSummary a, b;
  for (int i = 0; i < 9; ++i) a.add(ok);
  b.add(err);
  a.merge(b);
  EXPECT_EQ(a.requests, 10u);
  EXPECT_EQ(a.status_classes[2], 9u);
  EXPECT_EQ(a.status_classes[5], 1u);
  EXPECT_EQ(a.status_codes[503], 1u);
  EXPECT_EQ(a.methods.get("GET"), 10u);
  EXPECT_EQ(a.error_codes.get("H12"), 1u);
  EXPECT_EQ(a.bytes, 1000u);
  EXPECT_EQ(a.dynos.at("web.1").requests, 9u);
  EXPECT_EQ(a.dynos.at("web.2").errors, 1u);
  // Ten requests: p90 is the 9th (10 ms), p99 the 10th, the slow one.
  EXPECT_NEAR(a.response_ms.quantile(0.9), 10, 0.1);
  EXPECT_NEAR(a.response_ms.quantile(0.99), 30000, 30000 * LatencySketch::kRelativeError);
  EXPECT_EQ(a.response_ms.max(), 30000);
}

}  // namespace
}  // namespace logstreamer::aggregate
