#pragma once
// The per-line rules every engine shares (analyze, serve, bench), written
// once so the same input is counted the same way everywhere:
//
//   1. a batch's text is split at '\n' (the last line may lack one);
//   2. one trailing '\r' is stripped (CRLF files);
//   3. blank lines (empty, or only spaces, tabs and '\r') are skipped: not
//      counted, not malformed, but they keep their place in the numbering;
//   4. a line longer than `max_line_bytes` is malformed, "line too long",
//      without being parsed;
//   5. every other line is parsed (format auto-detected or forced) and handed
//      to the caller as a record, or as malformed with the parser's reason.
//
// split_lines() applies 1-3 (the HTTP inputs use it to validate a body before
// it is queued); for_each_line() applies all five. Both are header-only
// templates so the callbacks inline into each engine's loop: this is the
// hot path of analyze (~60 ns a line).
//
// Stateless; the LineParser is the caller's (one per thread). Views passed to
// the callbacks point into `text` and live as long as it does.
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "parse/line_parser.h"
#include "parse/log_record.h"
#include "parse/parse_error.h"
#include "simd/bytes.h"

namespace logstreamer::parse {

// Blank = empty or only spaces, tabs and a stray '\r'. Most lines start with a
// printable byte, which settles it at once.
inline bool is_blank_line(std::string_view line) {
  if (!line.empty() && static_cast<unsigned char>(line[0]) > ' ') return false;
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Calls on_line(line, index) for each non-blank line of `text`, '\r'
// stripped; `index` counts every line from 0, blank ones included (so it is
// the line's number within the text, minus one). Returns the number of lines
// (blank ones included). An on_line(line, index, head_blanks) is also given
// the line's blank mask (simd::blank_mask(line.data(), line.size())), found
// with its end (simd::find_line_end).
template <typename OnLine>
inline uint64_t split_lines(std::string_view text, OnLine&& on_line) {
  constexpr bool kWantsBlanks = std::is_invocable_v<OnLine&, std::string_view, uint64_t, uint64_t>;
  const char* p = text.data();
  const char* const end = p + text.size();
  uint64_t index = 0;
  while (p < end) {
    uint64_t blanks = 0;
    const char* nl = kWantsBlanks ? simd::find_line_end(p, end, blanks) : simd::find(p, end, '\n');
    const char* line_end = nl != nullptr ? nl : end;
    std::string_view line(p, static_cast<size_t>(line_end - p));
    p = line_end + 1;
    const uint64_t here = index++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || is_blank_line(line)) continue;
    if constexpr (kWantsBlanks) {
      // Only the line's bytes: not the newline, a stripped '\r' or what follows.
      if (line.size() < 64) blanks &= (uint64_t{1} << line.size()) - 1;
      on_line(line, here, blanks);
    } else {
      on_line(line, here);
    }
  }
  return index;
}

// split_lines() plus the length cap and the parse: on_record(record, line,
// index) for a line that parsed, on_malformed(reason, line, index) for one
// that did not. `readable_end`: how far past a line memory may be read (the
// end of its batch; lets the JSON parser skip a copy), or nullptr.
template <typename OnRecord, typename OnMalformed>
inline uint64_t for_each_line(std::string_view text, size_t max_line_bytes, LineParser& parser,
                              const char* readable_end, LogRecord& record, OnRecord&& on_record,
                              OnMalformed&& on_malformed) {
  return split_lines(text, [&](std::string_view line, uint64_t index, uint64_t head_blanks) {
    if (line.size() > max_line_bytes) {
      on_malformed(ParseError::kLineTooLong, line, index);
      return;
    }
    const ParseError err = parser.parse(line, record, readable_end, &head_blanks);
    if (err == ParseError::kOk) {
      on_record(record, line, index);
    } else {
      on_malformed(err, line, index);
    }
  });
}

}  // namespace logstreamer::parse
