#include "server/events_view.h"

#include <charconv>

#include <fmt/format.h>

#include "parse/level.h"
#include "parse/timestamp.h"
#include "server/http_util.h"
#include "server/json_writer.h"

namespace logstreamer::server {

absl::StatusOr<sinks::EventQuery> event_query_from(std::string_view query) {
  sinks::EventQuery q;
  if (auto level = query_param(query, "level")) {
    const auto l = parse::parse_level(*level);
    if (!l) return absl::InvalidArgumentError(fmt::format("level: unknown level '{}'", *level));
    q.level = std::string(parse::level_name(*l));
  }
  q.service = query_param(query, "service").value_or("");
  q.text = query_param(query, "q").value_or("");
  for (const auto& [name, slot] :
       {std::pair{"since", &q.since_us}, std::pair{"until", &q.until_us}}) {
    if (auto s = query_param(query, name)) {
      *slot = parse_time_param(*s);
      if (!*slot)
        return absl::InvalidArgumentError(
            fmt::format("{}: not RFC 3339 or Unix seconds: '{}'", name, *s));
    }
  }
  if (auto s = query_param(query, "limit")) {
    size_t limit = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), limit);
    if (ec != std::errc() || p != s->data() + s->size() || limit == 0 || limit > 1000) {
      return absl::InvalidArgumentError("limit: a number from 1 to 1000");
    }
    q.limit = limit;
  }
  if (auto s = query_param(query, "cursor")) {
    int64_t cursor = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), cursor);
    if (ec != std::errc() || p != s->data() + s->size() || cursor <= 0) {
      return absl::InvalidArgumentError("cursor: use the next_cursor of the previous page");
    }
    q.cursor = cursor;
  }
  return q;
}

std::string events_json(const sinks::EventPage& page) {
  JsonWriter w;
  auto nullable = [&w](std::string_view key, const std::optional<std::string>& v) {
    w.key(key);
    if (v) {
      w.value(*v);
    } else {
      w.null();
    }
  };
  w.begin_object().key("events").begin_array();
  for (const sinks::StoredEvent& e : page.events) {
    w.begin_object()
        .field("id", e.id)
        .field("time", parse::format_rfc3339(e.time_us))
        .field("time_us", e.time_us)
        .field("received_us", e.received_us)
        .field("level", e.level);
    nullable("service", e.service);
    nullable("host", e.host);
    nullable("dyno", e.dyno);
    w.field("format", e.format).field("message", e.message).key("fields");
    // `fields` is stored as a JSON object; anything else is passed as a
    // string, so the document is always JSON.
    if (!e.fields) {
      w.null();
    } else if (e.fields->front() == '{' && e.fields->back() == '}') {
      w.raw(*e.fields);
    } else {
      w.value(*e.fields);
    }
    w.end_object();
  }
  w.end_array().field("count", static_cast<uint64_t>(page.events.size()));
  if (page.next_cursor) {
    w.field("next_cursor", *page.next_cursor);
  } else {
    w.key("next_cursor").null();
  }
  w.end_object();
  return w.str();
}

}  // namespace logstreamer::server
