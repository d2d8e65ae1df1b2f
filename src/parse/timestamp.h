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
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace logstreamer::parse {

struct ParsedTime {
  int64_t unix_us = 0;  // microseconds since 1970-01-01T00:00:00Z
  size_t length = 0;    // bytes of `text` the timestamp took
};

// Scans a timestamp at the start of `text`. Returns false if there is none.
// Inline: the common case (the same minute as the thread's previous
// timestamp, then ":SS.fff") is a few dozen instructions on every line of a
// plain log; everything else is scan_timestamp_general().
inline bool scan_timestamp(std::string_view text, ParsedTime& out);

// The whole grammar; also refreshes the thread's minute cache.
bool scan_timestamp_general(std::string_view text, ParsedTime& out);

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

namespace detail {

// Consecutive lines nearly always share their "YYYY-MM-DDTHH:MM" prefix; one
// per thread remembers the last one and what it meant, so the date and hour
// are parsed once a minute instead of once a line. The separator (byte 10: T,
// t or space) is left out of the key (zeroed in `tail`), so
// "2024-01-20 10:00" and "2024-01-20T10:00" share an entry. Empty: `tail`
// has a non-zero byte 2, which no masked key has. Written only by
// scan_timestamp_general(), which validated the prefix it stores.
struct MinutePrefixCache {
  uint64_t head = 0;      // bytes 0..7
  uint64_t tail = ~0ULL;  // bytes 8..15, byte 10 zeroed
  int64_t us = 0;         // what they meant
};
inline constinit thread_local MinutePrefixCache tl_minute_cache{};

inline uint64_t load_word(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// 1 to 8 digit values (0..9 per byte, least significant byte first), left-
// padded to 8 with zeros, to an integer: the simdjson parse_eight_digits
// trick, three multiplies.
inline uint64_t eight_digits(uint64_t v) {
  v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;
  v = ((v * ((uint64_t{100} << 16) + 1)) >> 16) & 0x0000FFFF0000FFFFULL;
  return (v * ((uint64_t{10000} << 32) + 1)) >> 32;
}

// The common tail ":SS.fff[Z]" (1 to 7 fraction digits) at text[pos], read
// as two words: the fraction's digits are found and converted with SWAR
// arithmetic instead of a loop per digit. On success adds the seconds to `us`
// and moves `pos` past the tail, which ends at a blank or the text's end.
// Anything else (no fraction, 8 or more digits, an offset, a text shorter
// than pos + 12) returns false and leaves both alone.
inline bool scan_seconds_fast(std::string_view text, size_t& pos, int64_t& us) {
  const size_t p = pos;
  if (text.size() < p + 12) return false;
  const uint64_t head = load_word(text.data() + p);      // ":SS.fff?"
  const uint64_t frac = load_word(text.data() + p + 4);  // the fraction's first 8 bytes
  // ':' then two digits then '.' or ','.
  const uint64_t ss_values = ((head >> 8) & 0xFFFF) ^ 0x3030;
  const unsigned dot = static_cast<unsigned>(head >> 24) & 0xff;
  if ((head & 0xff) != ':' || (((ss_values + 0x7676) | ss_values) & 0x8080) != 0 ||
      (dot != '.' && dot != ',')) {
    return false;
  }
  const unsigned ss =
      static_cast<unsigned>(ss_values & 0xff) * 10 + static_cast<unsigned>(ss_values >> 8);
  // Digit values per byte; the high bit marks a byte that was not a digit.
  const uint64_t values = frac ^ 0x3030303030303030ULL;
  const uint64_t not_digit = ((values + 0x7676767676767676ULL) | values) & 0x8080808080808080ULL;
  const int k = std::countr_zero(not_digit) / 8;  // 8 when all eight are digits
  if (ss > 60 || k == 0 || k == 8) return false;  // 60: a leap second
  static constexpr int64_t kScale[] = {0, 100000, 10000, 1000, 100, 10, 1, 0};
  const uint64_t v = eight_digits(values << (8 * (8 - k)));
  const int64_t micros =
      k <= 6 ? static_cast<int64_t>(v) * kScale[k] : static_cast<int64_t>(v / 10);
  size_t q = p + 4 + static_cast<size_t>(k);  // < p + 12 <= size
  q += (text[q] | 0x20) == 'z';               // layouts mix in one file: no branch
  if (q < text.size() && text[q] != ' ' && text[q] != '\t')
    return false;  // an offset, or not a timestamp
  us += static_cast<int64_t>(ss) * 1'000'000 + micros;
  pos = q;
  return true;
}

// "<cached minute>:SS.f[ff..]": three compares against the thread's cached
// minute, then scan_seconds_fast(). False sends the text to the general
// scanner (which then decides).
inline bool scan_timestamp_cached(std::string_view text, ParsedTime& out) {
  if (text.size() < 16) return false;
  const uint64_t head = load_word(text.data());
  const uint64_t tail = load_word(text.data() + 8);
  const MinutePrefixCache& cache = tl_minute_cache;
  const unsigned sep = static_cast<unsigned>(tail >> 16) & 0xff;
  if (head != cache.head || (tail & ~(0xFFULL << 16)) != cache.tail ||
      (sep != ' ' && (sep | 0x20) != 't')) {
    return false;
  }
  size_t pos = 16;
  int64_t us = cache.us;
  if (!scan_seconds_fast(text, pos, us)) return false;
  out.unix_us = us;
  out.length = pos;
  return true;
}

}  // namespace detail

inline bool scan_timestamp(std::string_view text, ParsedTime& out) {
  return detail::scan_timestamp_cached(text, out) || scan_timestamp_general(text, out);
}

}  // namespace logstreamer::parse
