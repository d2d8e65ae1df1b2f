#pragma once
// logfmt: space-separated key=value pairs (Go's logfmt, Heroku, logrus).
//
//   line   = pair *(1*SP pair)
//   pair   = key [ "=" value ]
//   key    = 1*(ALPHA / DIGIT / "_" / "." / "-" / "/")
//   value  = quoted / bare
//   quoted = DQUOTE *(("\" byte) / byte but DQUOTE) DQUOTE   (no control byte)
//   bare   = *(byte but SP, HTAB or a control byte)
//
// where a control byte is 0x00-0x1f or 0x7f. Bytes >= 0x80 (UTF-8) are
// allowed in values, not in keys.
//
// Example:
//   time=2024-01-20T10:00:00Z level=error service=api msg="db timeout" duration=1.2s
//
// A line is logfmt when its first token is a key=value pair, and it parses
// only if it has at least two key=value pairs or one whose key has a role
// (level, msg, time, ...: parse/field_values.h). So a line that merely starts
// with `word=` (or random bytes that happen to hold an '=') is malformed,
// "bad key=value pairs", rather than counted as an INFO line.
//
// Fields are read by role: time, level (also `at`), service, message;
// status + method make it an HTTP request (path, duration, bytes too). With no
// message field the whole line is the message. Quoted values are returned
// without their quotes but with their escapes as written (no allocation).
#include <cstdint>
#include <string_view>

#include "parse/log_record.h"
#include "parse/parse_error.h"

namespace logstreamer::parse {

// Iterates the pairs of a logfmt text.
class LogfmtScanner {
 public:
  explicit LogfmtScanner(std::string_view text) : text_(text) {}
  // Reads the next pair; false at the end. Sets `error` on a malformed pair
  // (an unterminated quote, a key byte outside the grammar, a control byte
  // in a value), which also ends the scan.
  bool next(std::string_view& key, std::string_view& value);
  bool error() const { return error_; }
  // Whether the pair just read had a '=' (false: a bare key).
  bool had_equals() const { return had_equals_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  bool error_ = false;
  bool had_equals_ = false;
};

bool looks_logfmt(std::string_view line);
ParseError parse_logfmt(std::string_view line, LogRecord& out);

// What apply_logfmt_fields saw, for the "is this logfmt at all" rule.
struct LogfmtShape {
  uint32_t pairs = 0;      // key=value pairs (bare keys not counted)
  bool known_key = false;  // a pair whose key has a role
};

// Applies the pairs of `text` to `out` (shared with the Heroku parser).
// `heroku_router`: `service=` is a duration, as Heroku's router writes it.
ParseError apply_logfmt_fields(std::string_view text, bool heroku_router, LogRecord& out,
                               LogfmtShape* shape = nullptr);

}  // namespace logstreamer::parse
