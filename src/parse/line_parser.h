#pragma once
// LineParser: parses one line with a forced format, or detects the format.
//
// Detection (--format auto) looks at the first byte, then tries the formats
// that can start with it, the cheapest and most common first:
//   '{'          (after any blanks) json only: a line that starts like JSON but is not a whole
//                object is malformed ("invalid JSON"), never plain
//   '<'          syslog5424 when "<PRI>" is followed by a version digit, else
//                syslog3164
//   digit        plain (time first), then heroku ("TS source[proc]:"), then
//                clf (an IP address first)
//   letter       plain (level first), then logfmt (first token key=value),
//                then syslog3164 without <PRI> ("Jan 20 ..."), then clf (a
//                host name or virtual host first)
//   other        clf ("::1 - - [...]"), else unrecognised
// When every candidate fails, the reason given is that of the candidate whose
// cheap shape test matched, or plain's.
//
// One instance per worker (it owns the JSON parser's buffers); not
// thread-safe. Blank lines and line-length limits are the caller's concern.
#include <cstdint>
#include <optional>
#include <string_view>

#include "parse/format.h"
#include "parse/json.h"
#include "parse/log_record.h"
#include "parse/parse_error.h"
#include "parse/plain.h"

namespace logstreamer::parse {

class LineParser {
 public:
  // nullopt: auto-detect per line.
  explicit LineParser(std::optional<Format> forced = std::nullopt) : forced_(forced) {}

  // `readable_end`: how far past the line memory may be read (the end of its
  // batch); lets the JSON parser skip a padding copy. nullptr: no promise.
  // `head_blanks`: the line's blank mask if the caller has it
  // (simd::find_line_end), for the plain parser; nullptr: none.
  ParseError parse(std::string_view line, LogRecord& out, const char* readable_end = nullptr,
                   const uint64_t* head_blanks = nullptr) {
    if (forced_) return parse_as(*forced_, line, out, readable_end, head_blanks);
    // detect()'s first and most common case, inline in the caller's loop.
    if (head_blanks != nullptr && looks_plain(line)) {
      out.http.present = false;
      const ParseError err = parse_plain(line, *head_blanks, out);
      return err == ParseError::kOk ? err : detect_after_plain(line, out, readable_end, err);
    }
    return detect(line, out, readable_end, head_blanks);
  }

 private:
  ParseError parse_as(Format f, std::string_view line, LogRecord& out, const char* readable_end,
                      const uint64_t* head_blanks);
  ParseError detect(std::string_view line, LogRecord& out, const char* readable_end,
                    const uint64_t* head_blanks);
  // detect() once plain has failed with `plain_error` (or was not tried:
  // kUnknownFormat): the other formats a letter or digit can start.
  ParseError detect_after_plain(std::string_view line, LogRecord& out, const char* readable_end,
                                ParseError plain_error);

  std::optional<Format> forced_;
  JsonLineParser json_;
};

}  // namespace logstreamer::parse
