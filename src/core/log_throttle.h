#pragma once
// LogThrottle: lets a log line through at most once a second, so that a
// misbehaving sender or an unreachable server cannot flood the log (the
// counters in /metrics still count every occurrence). Thread-safe, lock-free.
#include <atomic>
#include <cstdint>

#include "core/wall_clock.h"

namespace logstreamer::core {

class LogThrottle {
 public:
  // True for the first call in each wall-clock second.
  bool allow() {
    const int64_t now_s = unix_now_us() / 1000000;
    int64_t last = last_s_.load(std::memory_order_relaxed);
    return now_s > last && last_s_.compare_exchange_strong(last, now_s);
  }

 private:
  std::atomic<int64_t> last_s_{0};
};

}  // namespace logstreamer::core
