#pragma once
// The plain format, in both orders seen in the wild:
//
//   line      = level-first / time-first
//   level-first = LEVEL WS TIMESTAMP WS SERVICE [WS MESSAGE]
//   time-first  = TIMESTAMP WS LEVEL WS SERVICE [WS MESSAGE]
//   WS        = 1*(SP / HTAB)
//   LEVEL     = a level or alias, any case (parse/level.h)
//   TIMESTAMP = RFC 3339, a date, or "date time" (parse/timestamp.h)
//   SERVICE   = 1*(any byte but SP / HTAB)
//   MESSAGE   = the rest of the line, trailing blanks trimmed
//
// Examples:
//   INFO 2024-01-20T10:00:00Z auth-service User logged in
//   2025-01-01 ERROR payment-service Payment failed
//   2025-01-01 10:00:00.250 warn cache-service Eviction storm
//
// No allocation: the record's views point into `line`. Fields are found from a
// bit mask of the blanks in the first 64 bytes (simd::blank_mask); a line
// whose first three fields run past byte 63 takes the byte-at-a-time path,
// which gives the same result.
#include <cstdint>
#include <string_view>

#include "parse/log_record.h"
#include "parse/parse_error.h"

namespace logstreamer::parse {

ParseError parse_plain(std::string_view line, LogRecord& out);
// The same, given the line's blank mask (simd::blank_mask(line.data(),
// line.size())), which the line loop has from finding the line's end
// (simd::find_line_end).
ParseError parse_plain(std::string_view line, uint64_t head_blanks, LogRecord& out);

namespace detail {
// The byte-at-a-time parser: the reference the fast path is tested against.
ParseError parse_plain_scalar(std::string_view line, LogRecord& out);
}  // namespace detail

// Cheap pre-check for auto-detection: could this line be plain at all?
// Inline: auto-detection asks it of every line.
inline bool looks_plain(std::string_view line) {
  if (line.empty()) return false;
  const unsigned c = static_cast<unsigned char>(line[0]);
  return c - '0' < 10u || (c | 0x20u) - 'a' < 26u;
}

}  // namespace logstreamer::parse
