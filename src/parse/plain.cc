#include "parse/plain.h"

#include "parse/scan.h"
#include "parse/timestamp.h"

namespace logstreamer::parse {

bool looks_plain(std::string_view line) {
  if (line.empty()) return false;
  const unsigned char c = static_cast<unsigned char>(line[0]) | 0x20;
  return is_digit(line[0]) || (c >= 'a' && c <= 'z');
}

ParseError parse_plain(std::string_view line, LogRecord& out) {
  size_t pos = 0;
  ParsedTime ts;
  std::optional<Level> level;
  if (is_digit(line[0])) {  // time-first
    if (!scan_timestamp(line, ts)) return ParseError::kBadTimestamp;
    pos = skip_blanks(line, ts.length);
    const size_t end = find_blank(line, pos);
    level = parse_level(line.substr(pos, end - pos));
    if (!level) return ParseError::kUnknownLevel;
    pos = end;
  } else {  // level-first
    const size_t end = find_blank(line, 0);
    level = parse_level(line.substr(0, end));
    if (!level) return ParseError::kUnknownLevel;
    pos = skip_blanks(line, end);
    if (!scan_timestamp(line.substr(pos), ts)) return ParseError::kBadTimestamp;
    pos += ts.length;
  }
  pos = skip_blanks(line, pos);
  const size_t service_end = find_blank(line, pos);
  if (service_end == pos) return ParseError::kMissingService;

  out.format = Format::kPlain;
  out.level = *level;
  out.has_time = true;
  out.unix_us = ts.unix_us;
  out.service = line.substr(pos, service_end - pos);
  out.message = trim_right(line.substr(skip_blanks(line, service_end)));
  return ParseError::kOk;
}

}  // namespace logstreamer::parse
