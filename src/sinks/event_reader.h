#pragma once
// EventReader: stored events for GET /api/events, from whichever database
// holds them. Rows come back as values; the server renders them
// (server/events_view.cc), so a new database implements one query.
//
// Implementations need not be thread-safe: the API serialises its calls.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace logstreamer::sinks {

struct EventQuery {
  std::string level;                          // exact level name ("ERROR"), empty: any
  std::string service;                        // exact, empty: any
  std::optional<int64_t> since_us, until_us;  // time_us in [since, until)
  std::string text;                           // substring of the message, empty: any
  size_t limit = 100;
  std::optional<int64_t> cursor;  // events with id < cursor (the previous page's next_cursor)
};

struct StoredEvent {
  int64_t id = 0;
  int64_t time_us = 0;
  int64_t received_us = 0;
  std::string level;
  std::optional<std::string> service, host, dyno;  // NULL when the line had none
  std::string format;
  std::string message;
  std::optional<std::string> fields;  // a JSON object as stored, or NULL
};

struct EventPage {
  std::vector<StoredEvent> events;     // newest first
  std::optional<int64_t> next_cursor;  // set when there may be more
};

class EventReader {
 public:
  virtual ~EventReader() = default;
  virtual absl::StatusOr<EventPage> query_events(const EventQuery& q) = 0;
};

}  // namespace logstreamer::sinks
