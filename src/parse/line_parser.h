#pragma once
// LineParser: parses one line with a forced format, or detects the format.
//
// One instance per worker (it may keep per-thread scratch state); not
// thread-safe. Blank lines and line-length limits are the caller's concern.
#include <string_view>

#include "parse/format.h"
#include "parse/log_record.h"
#include "parse/parse_error.h"

namespace logstreamer::parse {

class LineParser {
 public:
  // nullopt: auto-detect per line.
  explicit LineParser(std::optional<Format> forced = std::nullopt) : forced_(forced) {}

  ParseError parse(std::string_view line, LogRecord& out) const;

 private:
  std::optional<Format> forced_;
};

}  // namespace logstreamer::parse
