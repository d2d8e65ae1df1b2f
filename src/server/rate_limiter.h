#pragma once
// RateLimiter: a token bucket per key (API keys for the read endpoints).
// `rate` requests per second on average, bursts up to `burst`. Keys are the
// configured API keys (or one shared key when the API is open), so the map
// is bounded by configuration, not by clients.
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace logstreamer::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // 0: allowed (a token taken). Otherwise the seconds until a token is due,
  // rounded up (the Retry-After value).
  int acquire(std::string_view key, Clock::time_point now = Clock::now());
  bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  double rate_, burst_;
  std::mutex mutex_;
  absl::flat_hash_map<std::string, Bucket> buckets_;
};

}  // namespace logstreamer::server
