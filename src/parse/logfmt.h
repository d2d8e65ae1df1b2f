#pragma once
// logfmt: space-separated key=value pairs (Go's logfmt, Heroku, logrus).
//
//   line   = pair *(1*SP pair)
//   pair   = key [ "=" value ]
//   key    = 1*(any byte but SP / "=" / DQUOTE)
//   value  = quoted / bare
//   quoted = DQUOTE *(("\" any byte) / any byte but DQUOTE) DQUOTE
//   bare   = *(any byte but SP)
//
// Example:
//   time=2024-01-20T10:00:00Z level=error service=api msg="db timeout" duration=1.2s
//
// A line is logfmt when its first token is a key=value pair. Fields are read
// by role (parse/field_values.h): time, level (also `at`), service, message;
// status + method make it an HTTP request (path, duration, bytes too). With no
// message field the whole line is the message. Quoted values are returned
// without their quotes but with their escapes as written (no allocation).
#include <string_view>

#include "parse/log_record.h"
#include "parse/parse_error.h"

namespace logstreamer::parse {

// Iterates the pairs of a logfmt text.
class LogfmtScanner {
 public:
  explicit LogfmtScanner(std::string_view text) : text_(text) {}
  // Reads the next pair; false at the end. Sets `error` on a malformed pair
  // (an unterminated quote), which also ends the scan.
  bool next(std::string_view& key, std::string_view& value);
  bool error() const { return error_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  bool error_ = false;
};

bool looks_logfmt(std::string_view line);
ParseError parse_logfmt(std::string_view line, LogRecord& out);

// Applies the pairs of `text` to `out` (shared with the Heroku parser).
// `heroku_router`: `service=` is a duration, as Heroku's router writes it.
ParseError apply_logfmt_fields(std::string_view text, bool heroku_router, LogRecord& out);

}  // namespace logstreamer::parse
