#pragma once
// Field names and value conventions shared by the structured formats (JSON,
// logfmt, Heroku router lines), so that "level", "severity" and "lvl" mean the
// same in each.
#include <cstdint>
#include <optional>
#include <string_view>

#include "parse/level.h"
#include "parse/log_record.h"

namespace logstreamer::parse {

enum class FieldRole : uint8_t {
  kNone,
  kTime,      // time, ts, timestamp, @timestamp
  kLevel,     // level, severity, lvl, log.level (logfmt also: at)
  kService,   // service, app, application, logger, component, source, service.name
  kMessage,   // msg, message
  kStatus,    // status, status_code
  kMethod,    // method
  kPath,      // path, url, uri, request_uri
  kDuration,  // duration, response_time, request_time, service (Heroku router: see below)
  kBytes,     // bytes, size, body_bytes_sent
  kDyno,      // dyno
  kCode,      // code (Heroku error codes)
};

// The role of a key. `heroku_router` makes "service" a duration (Heroku's
// router writes service=12ms) instead of the service name.
FieldRole field_role(std::string_view key, bool heroku_router = false);

// A level from a string value, or from a number: syslog/bunyan style 10 TRACE,
// 20 DEBUG, 30 INFO, 40 WARN, 50 ERROR, 60 FATAL.
std::optional<Level> level_from_number(double n);

// "12ms", "1.5s", "250us", "3m" or a bare number of milliseconds.
std::optional<double> duration_ms(std::string_view text);

// A bare non-negative decimal integer.
std::optional<uint64_t> unsigned_number(std::string_view text);

// Strips the query string ("?...") and fragment from a path.
std::string_view strip_query(std::string_view path);

// The level an HTTP status implies: 5xx ERROR, 4xx WARN, else INFO.
Level level_for_status(int status);

}  // namespace logstreamer::parse
