#pragma once
// FrameDedupe: the idempotency keys (Logplex-Frame-Id, Idempotency-Key) this
// process has seen, in front of the database's ledger of committed keys.
//
// A key is claimed while its request is handled (in flight) and marked done
// once its lines are acknowledged; a failed request releases it, so the next
// retry goes through. What a retry of an in-flight key is told is the
// caller's choice: with --ack commit it must retry later (the first attempt
// may still fail), with --ack queued it is a duplicate.
//
// Bounded: the oldest keys are forgotten past `capacity` (Logplex retries
// within seconds; the database's ledger covers the longer window and
// restarts). Thread-safe.
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace logstreamer::server {

class FrameDedupe {
 public:
  enum class Claim { kNew, kInFlight, kDone };

  explicit FrameDedupe(size_t capacity = 100000) : capacity_(capacity) {}

  // kNew: the key was unknown and is now claimed (in flight).
  Claim claim(std::string_view id);
  // The claimed key's request was acknowledged.
  void mark_done(std::string_view id);
  // The claimed key's request was not accepted, or not stored: forget it.
  void release(std::string_view id);
  size_t size() const;

 private:
  size_t capacity_;
  mutable std::mutex mutex_;
  absl::flat_hash_map<std::string, bool> ids_;  // key -> done
  std::deque<std::string> order_;               // oldest first, for eviction
};

}  // namespace logstreamer::server
