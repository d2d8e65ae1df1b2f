#pragma once
// Timestamp scanning for log lines.
//
// Grammar (RFC 3339 and its common relaxations):
//   timestamp = date [ ("T" / "t" / " ") time ]
//   date      = 4DIGIT "-" 2DIGIT "-" 2DIGIT
//   time      = 2DIGIT ":" 2DIGIT [ ":" 2DIGIT [ ("." / ",") 1*9DIGIT ] ] [ zone ]
//   zone      = "Z" / "z" / ("+" / "-") 2DIGIT [":"] 2DIGIT
// A date alone means midnight UTC; no zone means UTC. A space between date and
// time is taken only when a time follows ("2025-01-01 ERROR x" is a date
// alone). The timestamp must end at the end of the text or before a space/tab.
#include <cstdint>
#include <string>
#include <string_view>

namespace logstreamer::parse {

struct ParsedTime {
  int64_t unix_us = 0;  // microseconds since 1970-01-01T00:00:00Z
  size_t length = 0;    // bytes of `text` the timestamp took
};

// Scans a timestamp at the start of `text`. Returns false if there is none.
bool scan_timestamp(std::string_view text, ParsedTime& out);

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// 1..12 for "Jan".."Dec" (exact case, as syslog and access logs write them), else 0.
int month_from_abbrev(std::string_view m);

// RFC 3339 in UTC: "2024-01-20T10:00:00Z". With fraction_digits < 0, ".123" or
// ".123456" appear only when the value has a fraction of a second; with 3 or 6
// that many digits are always written.
std::string format_rfc3339(int64_t unix_us, int fraction_digits = -1);

}  // namespace logstreamer::parse
