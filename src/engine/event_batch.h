#pragma once
// EventBatch: the unit the streaming engine queues. Many events (chunks of
// whole log lines) share one text buffer; each remembers when it was created,
// for end-to-end latency.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logstreamer::engine {

struct Event {
  uint32_t offset = 0;
  uint32_t length = 0;
  int64_t created_ns = 0;  // steady clock
};

struct EventBatch {
  std::string text;
  std::vector<Event> events;
  int64_t enqueued_ns = 0;  // when it was offered to the queue (per-stage latency)
  std::string_view event_text(const Event& e) const { return {text.data() + e.offset, e.length}; }
};

inline int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace logstreamer::engine
