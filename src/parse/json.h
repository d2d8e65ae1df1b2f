#pragma once
// JSON lines: one JSON object per line, parsed with simdjson On-Demand.
//
//   line = ws object ws        ; a whole, valid JSON object (RFC 8259), UTF-8
//
// Example:
//   {"ts":"2024-01-20T10:00:00.123Z","level":"warn","service":"billing","msg":"retry","attempt":3}
//
// Top-level keys are read by role (parse/field_values.h): time, level (a
// string, or a number: 10 TRACE ... 60 FATAL), service, message, and HTTP
// fields (status + method make a request). Nested {"log":{"level":..}} and
// {"service":{"name":..}} (Elastic Common Schema) are read too. A line that
// starts with '{' but is not one complete object (truncated, trailing bytes,
// invalid UTF-8) is malformed: it is never read as another format.
// Known limit (simdjson 3.0 cannot report what follows the document): two
// objects on one line, `{..} {..}`, are read as the first.
#include <memory>
#include <string>
#include <string_view>

#include "parse/log_record.h"
#include "parse/parse_error.h"

namespace logstreamer::parse {

// Not thread-safe: one per worker. Record strings may point into this
// parser's buffers until its next parse.
class JsonLineParser {
 public:
  JsonLineParser();
  ~JsonLineParser();
  JsonLineParser(JsonLineParser&&) noexcept;
  JsonLineParser& operator=(JsonLineParser&&) noexcept;

  // `readable_end`: how far past the line memory may be read; simdjson needs
  // 64 bytes of padding, and lines closer to their buffer's end are copied.
  ParseError parse(std::string_view line, const char* readable_end, LogRecord& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

inline bool looks_json(std::string_view line) { return !line.empty() && line[0] == '{'; }

}  // namespace logstreamer::parse
