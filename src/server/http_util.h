#pragma once
// Small HTTP helpers shared by the handlers: JSON replies, header and query
// lookups, media types, time parameters.
//
// Stateless functions; thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_server.h"

namespace logstreamer::server {

// A JSON reply (Cache-Control: no-store; a newline is appended if missing).
Response json_reply(beast_http::status status, std::string body, unsigned version);
// {"error": message} with `status`.
Reply error_reply(beast_http::status status, std::string_view message, unsigned version);
// The same with Retry-After: the sender should come back (429, 503).
Reply retry_reply(beast_http::status status, std::string_view message, unsigned version,
                  int retry_after_s);

// A header's value, empty when absent.
std::string_view header(const Request& req, std::string_view name);

// "path?query" split at the first '?'.
struct Target {
  std::string_view path;
  std::string_view query;
};
Target split_target(std::string_view target);
inline Target split_target(const Request& req) {
  return split_target(std::string_view(req.target().data(), req.target().size()));
}

// A query parameter, percent- and '+'-decoded; nullopt when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

// Whether a Content-Type names `type` (parameters such as charset ignored).
bool media_type_is(std::string_view content_type, std::string_view type);

// A time parameter: RFC 3339 or Unix seconds, as microseconds.
std::optional<int64_t> parse_time_param(std::string_view v);

}  // namespace logstreamer::server
