#pragma once
// GET /api/events: its query parameters and its JSON, whatever database
// answers (sinks/event_reader.h).
//
//   level=ERROR service=api q=TEXT since=T until=T (RFC 3339 or Unix seconds)
//   limit=1..1000 (default 100) cursor=N (the previous page's next_cursor)
//
// {"events":[{id, time, time_us, received_us, level, service, host, dyno,
//  format, message, fields}], "count": N, "next_cursor": N or null}
//
// Stateless functions; thread-safe.
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sinks/event_reader.h"

namespace logstreamer::server {

// The query from a URL's query string; InvalidArgument names the bad parameter.
absl::StatusOr<sinks::EventQuery> event_query_from(std::string_view query_string);

std::string events_json(const sinks::EventPage& page);

}  // namespace logstreamer::server
