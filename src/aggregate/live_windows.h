#pragma once
// LiveWindows: what `serve` saw over the last hour, in 5-second slots, for
// the windowed views (/api/stats over 1, 5 and 60 minutes, the dashboard's
// charts, the alerts).
//
// Slots are keyed by arrival time, not by the lines' own timestamps: a live
// view answers "what is happening now", and a drain may replay old lines.
// Each worker fills a private WindowSlot per batch and merges it in once, so
// the lock is taken once per batch, not per line. Every per-slot map is
// capped, so the hour costs bounded memory (720 slots x a few kB typical,
// a few hundred kB worst case per slot).
#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "aggregate/capped_counter.h"
#include "aggregate/latency_sketch.h"
#include "parse/log_record.h"

namespace logstreamer::aggregate {

struct DynoWindow {
  uint64_t requests = 0;
  uint64_t errors = 0;
  LatencySketch response_ms;
};

// Upper bounds (ms) of the response-time histogram /metrics exposes; a last,
// unbounded bucket follows.
inline constexpr std::array<double, 13> kResponseBucketsMs = {5,    10,   25,   50,    100,   250,  500,
                                                              1000, 2500, 5000, 10000, 30000, 60000};

struct WindowSlot {
  static constexpr size_t kMaxPaths = 200;
  static constexpr size_t kMaxDynos = 64;

  int64_t epoch = -1;  // slot number since the Unix epoch; -1: empty
  uint64_t lines = 0;
  uint64_t malformed = 0;
  std::array<uint64_t, parse::kLevelCount> levels{};
  uint64_t requests = 0;
  uint64_t errors = 0;  // 5xx or a Heroku error code
  uint64_t slow = 0;    // response time over the slow threshold
  std::array<uint64_t, 6> status_classes{};  // index = status / 100 (0: unknown)
  CappedCounter methods{16};
  CappedCounter paths{kMaxPaths};
  LatencySketch response_ms;
  std::array<uint64_t, kResponseBucketsMs.size() + 1> response_buckets{};  // not cumulative
  absl::flat_hash_map<std::string, DynoWindow> dynos;
  uint64_t dynos_overflow = 0;

  void add(const parse::LogRecord& rec, double slow_ms);
  void merge(const WindowSlot& other);
  void clear() { *this = WindowSlot{}; }
};

struct RecentError {
  int64_t received_us = 0;
  int64_t time_us = 0;  // the line's own time, 0 if none
  std::string level;
  std::string service;
  std::string message;
};

class LiveWindows {
 public:
  static constexpr int64_t kSlotSeconds = 5;
  static constexpr size_t kSlots = 720;  // one hour
  static constexpr size_t kMaxRecentErrors = 50;

  // Merges a batch's slot (its epoch set by the caller from the arrival time).
  void merge(const WindowSlot& delta);
  void add_error(RecentError e);

  // The merge of the slots in the last `seconds` up to `now_unix_s`.
  WindowSlot window(int64_t now_unix_s, int64_t seconds) const;
  // One slot per step for the last `seconds`, oldest first; empty slots have
  // their epoch set and zero counts.
  std::vector<WindowSlot> series(int64_t now_unix_s, int64_t seconds) const;
  std::vector<RecentError> recent_errors() const;  // newest first
  // Everything since start (for the counters of /metrics).
  WindowSlot totals() const;

  static int64_t epoch_of(int64_t unix_s) { return unix_s / kSlotSeconds; }

 private:
  mutable std::mutex mutex_;
  std::vector<WindowSlot> ring_ = std::vector<WindowSlot>(kSlots);
  WindowSlot totals_;
  std::deque<RecentError> errors_;
};

}  // namespace logstreamer::aggregate
