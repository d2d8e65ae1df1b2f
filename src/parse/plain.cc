#include "parse/plain.h"

#include <bit>
#include <cstdint>

#include "parse/scan.h"
#include "parse/timestamp.h"
#include "simd/bytes.h"

namespace logstreamer::parse {
namespace {

// Field boundaries from the blank mask of the line's first 64 bytes: the next
// blank or non-blank is a tzcnt. A boundary past the mask (a line longer than
// 64 bytes whose fields run past byte 63) is "unknown" (-1) and the line goes
// to the byte-at-a-time parser; lines of up to 64 bytes are whole in the mask.
// A line shorter than 64 bytes gets a bit at its length in both masks, so a
// search that runs off its end finds the length without a branch.
class BlankMask {
 public:
  // `blanks`: simd::blank_mask(line.data(), line.size()).
  BlankMask(std::string_view line, uint64_t blanks) : whole_(line.size() <= 64) {
    const uint64_t end_bit = line.size() < 64 ? uint64_t{1} << line.size() : 0;
    blanks_ = blanks | end_bit;
    words_ = (~blanks & (end_bit - 1)) | end_bit;  // end_bit 0: every bit below 64
  }

  int blank_from(int i) const { return first(blanks_, i); }
  int word_from(int i) const { return first(words_, i); }

 private:
  int first(uint64_t bits, int i) const {
    const uint64_t rest = i < 64 ? bits & (~uint64_t{0} << i) : 0;
    const int at = std::countr_zero(rest);  // 64 when none
    return at < 64 || whole_ ? at : -1;     // a line of exactly 64 bytes ends at 64
  }

  uint64_t blanks_;
  uint64_t words_;
  bool whole_;
};

ParseError fill(std::string_view line, LogRecord& out, Level level, const ParsedTime& ts, size_t service_start,
                size_t service_end, size_t message_start) {
  if (service_end == service_start) return ParseError::kMissingService;
  out.format = Format::kPlain;
  out.level = level;
  out.has_time = true;
  out.unix_us = ts.unix_us;
  out.service = line.substr(service_start, service_end - service_start);
  out.message = trim_right(line.substr(message_start));
  return ParseError::kOk;
}

}  // namespace

ParseError parse_plain(std::string_view line, LogRecord& out) {
  return parse_plain(line, simd::blank_mask(line.data(), line.size()), out);
}

ParseError parse_plain(std::string_view line, uint64_t head_blanks, LogRecord& out) {
  const BlankMask mask(line, head_blanks);
  const auto level_of = [&](int start, int end) {
    return parse_level_in(line.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)),
                          line.size() - static_cast<size_t>(start));
  };
  ParsedTime ts;
  std::optional<Level> level;
  int pos;
  if (is_digit(line[0])) {  // time-first
    if (!scan_timestamp(line, ts)) return ParseError::kBadTimestamp;
    const int level_start = mask.word_from(static_cast<int>(ts.length));
    const int level_end = level_start < 0 ? -1 : mask.blank_from(level_start);
    if (level_end < 0) return detail::parse_plain_scalar(line, out);
    level = level_of(level_start, level_end);
    if (!level) return ParseError::kUnknownLevel;
    pos = level_end;
  } else {  // level-first
    const int level_end = mask.blank_from(0);
    if (level_end < 0) return detail::parse_plain_scalar(line, out);
    level = level_of(0, level_end);
    if (!level) return ParseError::kUnknownLevel;
    const int time_start = mask.word_from(level_end);
    if (time_start < 0) return detail::parse_plain_scalar(line, out);
    if (!scan_timestamp(line.substr(static_cast<size_t>(time_start)), ts)) return ParseError::kBadTimestamp;
    pos = time_start + static_cast<int>(ts.length);
  }
  const int service_start = mask.word_from(pos);
  const int service_end = service_start < 0 ? -1 : mask.blank_from(service_start);
  const int message_start = service_end < 0 ? -1 : mask.word_from(service_end);
  if (message_start < 0) return detail::parse_plain_scalar(line, out);
  return fill(line, out, *level, ts, static_cast<size_t>(service_start), static_cast<size_t>(service_end),
              static_cast<size_t>(message_start));
}

ParseError detail::parse_plain_scalar(std::string_view line, LogRecord& out) {
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
  return fill(line, out, *level, ts, pos, service_end, skip_blanks(line, service_end));
}

}  // namespace logstreamer::parse
