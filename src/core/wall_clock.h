#pragma once
// Wall-clock time as Unix microseconds: for timestamps that leave the process
// (rows, JSON, alerts). Durations use std::chrono::steady_clock instead.
#include <chrono>
#include <cstdint>

namespace logstreamer::core {

inline int64_t unix_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace logstreamer::core
