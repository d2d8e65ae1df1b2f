#pragma once
// LogRecord: what a parser extracts from one line.
//
// Lifetime: the string views point into the line that was parsed (itself a
// view into a Batch buffer) or, for JSON with escapes, into the JSON parser's
// string buffer. They are valid only until the next parse on the same
// LineParser and while the batch is alive, so an aggregator copies what it keeps.
#include <cstdint>
#include <string_view>

#include "parse/format.h"
#include "parse/level.h"

namespace logstreamer::parse {

// Set when the line describes an HTTP request (access logs, Heroku router
// lines, JSON/logfmt lines with a status and a method).
struct HttpFields {
  bool present = false;
  int status = 0;  // 0: unknown
  std::string_view method;
  std::string_view path;        // query string already stripped
  std::string_view dyno;        // Heroku dyno ("web.1"), empty elsewhere
  std::string_view error_code;  // Heroku "H12", empty otherwise
  bool has_duration = false;
  double duration_ms = 0;
  bool has_bytes = false;
  uint64_t bytes = 0;
};

struct LogRecord {
  Format format = Format::kPlain;
  Level level = Level::kInfo;
  bool has_time = false;
  int64_t unix_us = 0;
  std::string_view service;
  std::string_view message;
  HttpFields http;
};

}  // namespace logstreamer::parse
