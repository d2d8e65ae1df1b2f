#pragma once
// FrameDedupe: remembers the Logplex-Frame-Id values already processed, so a
// retried request is acknowledged without being counted twice.
//
// Bounded: the oldest ids are forgotten past `capacity` (Logplex retries
// within seconds, so a few hundred thousand ids cover far more than its retry
// window). Thread-safe. An id is "claimed" while its request is being
// handled: a concurrent retry of the same id is told it is a duplicate, and if
// the first attempt fails (429), release() lets the next retry through.
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"

namespace logstreamer::server {

class FrameDedupe {
 public:
  explicit FrameDedupe(size_t capacity = 100000) : capacity_(capacity) {}

  // True: this id is new and now claimed. False: seen (or being handled).
  bool claim(std::string_view id);
  // The request with this claimed id was not accepted: forget it.
  void release(std::string_view id);
  size_t size() const;

 private:
  size_t capacity_;
  mutable std::mutex mutex_;
  absl::flat_hash_set<std::string> ids_;
  std::deque<std::string> order_;  // oldest first, for eviction
};

}  // namespace logstreamer::server
