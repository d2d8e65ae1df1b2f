#include "parse/timestamp.h"

#include <bit>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "parse/scan.h"

namespace logstreamer::parse {
namespace {

// Two digits at s[0..1]; -1 if not digits.
inline int two(const char* s) {
  if (!is_digit(s[0]) || !is_digit(s[1])) return -1;
  return (s[0] - '0') * 10 + (s[1] - '0');
}

inline bool ends_token(std::string_view text, size_t pos) {
  return pos == text.size() || text[pos] == ' ' || text[pos] == '\t';
}

constexpr unsigned kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Microseconds at the start of the date at text[0..9].
std::optional<int64_t> scan_date(std::string_view text) {
  if (text[4] != '-' || text[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3}) {
    if (!is_digit(text[i])) return std::nullopt;
  }
  const int year =
      (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  const int month = two(&text[5]);
  const int day = two(&text[8]);
  if (month < 1 || month > 12 || day < 1 || day > static_cast<int>(kDaysInMonth[month - 1])) {
    return std::nullopt;
  }
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
         86'400'000'000LL;
}

// "HH:MM" at text[pos]: microseconds since midnight.
std::optional<int64_t> scan_hour_minute(std::string_view text, size_t pos) {
  if (pos + 5 > text.size() || text[pos + 2] != ':') return std::nullopt;
  const int hh = two(&text[pos]);
  const int mm = two(&text[pos + 3]);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return std::nullopt;
  return (static_cast<int64_t>(hh) * 3600 + mm * 60) * 1'000'000;
}

// "[:SS[.frac]][zone]" at text[pos]; adds to `us` and advances `pos`.
bool scan_seconds_and_zone(std::string_view text, size_t& pos, int64_t& us) {
  const size_t n = text.size();
  size_t p = pos;
  if (p + 3 <= n && text[p] == ':') {
    const int ss = two(&text[p + 1]);
    if (ss < 0 || ss > 60) return false;  // 60: leap second
    us += static_cast<int64_t>(ss) * 1'000'000;
    p += 3;
    if (p < n && (text[p] == '.' || text[p] == ',')) {
      ++p;
      const size_t start = p;
      int64_t scale = 100000;
      while (p < n && is_digit(text[p])) {
        us += (text[p] - '0') * scale;
        scale /= 10;
        ++p;
      }
      if (p == start || p - start > 9) return false;
    }
  }
  if (p < n && (text[p] == 'Z' || text[p] == 'z')) {
    ++p;
  } else if (p < n && (text[p] == '+' || text[p] == '-')) {
    const int sign = text[p] == '-' ? -1 : 1;
    if (p + 3 > n) return false;
    const int oh = two(&text[p + 1]);
    size_t q = p + 3;
    if (q < n && text[q] == ':') ++q;
    if (oh < 0 || oh > 23 || q + 2 > n) return false;
    const int om = two(&text[q]);
    if (om < 0 || om > 59) return false;
    us -= static_cast<int64_t>(sign) * (oh * 3600 + om * 60) * 1'000'000;
    p = q + 2;
  }
  pos = p;
  return true;
}

// The common tail ":SS.fff[Z]" (1 to 7 fraction digits) read as two words:
// the fraction's digits are found and converted with SWAR arithmetic instead
// of a loop per digit. Anything else (no fraction, an offset, a short text)
// returns false and the general scanner runs from `pos` again.
bool scan_seconds_fast(std::string_view text, size_t& pos, int64_t& us) {
  const size_t p = pos;
  if (text.size() < p + 12) return false;
  uint64_t head, frac;
  std::memcpy(&head, text.data() + p, 8);      // ":SS.fff?"
  std::memcpy(&frac, text.data() + p + 4, 8);  // the fraction's first 8 bytes
  const unsigned d1 = static_cast<unsigned>((head >> 8) & 0xff) - '0';
  const unsigned d2 = static_cast<unsigned>((head >> 16) & 0xff) - '0';
  const unsigned dot = static_cast<unsigned>((head >> 24) & 0xff);
  if ((head & 0xff) != ':' || d1 > 9 || d2 > 9 || (dot != '.' && dot != ',')) return false;
  const unsigned ss = d1 * 10 + d2;
  if (ss > 60) return false;
  // Digit values per byte; the high bit marks a byte that was not a digit.
  const uint64_t values = frac ^ 0x3030303030303030ULL;
  const uint64_t not_digit = ((values + 0x7676767676767676ULL) | values) & 0x8080808080808080ULL;
  if (not_digit == 0) return false;  // 8 or more digits: rare, the loop handles them
  const int k = std::countr_zero(not_digit) / 8;
  if (k == 0) return false;
  // Left-pad to 8 digits with zero bytes, then 8 digits -> integer in three
  // multiplies (the simdjson parse_eight_digits trick).
  uint64_t v = values << (8 * (8 - k));
  v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;
  v = ((v * ((uint64_t{100} << 16) + 1)) >> 16) & 0x0000FFFF0000FFFFULL;
  v = (v * ((uint64_t{10000} << 32) + 1)) >> 32;
  static constexpr int64_t kScale[] = {0, 100000, 10000, 1000, 100, 10, 1};
  const int64_t micros = k <= 6 ? static_cast<int64_t>(v) * kScale[k] : static_cast<int64_t>(v) / 10;  // k == 7
  size_t q = p + 4 + static_cast<size_t>(k);  // < p + 12 <= size
  // A 'Z' or not is data dependent (layouts mix in one file): no branch.
  q += (text[q] | 0x20) == 'z';
  if (q < text.size() && text[q] != ' ' && text[q] != '\t') return false;  // an offset, or not a timestamp
  us += static_cast<int64_t>(ss) * 1'000'000 + micros;
  pos = q;
  return true;
}

// Consecutive lines nearly always share their "YYYY-MM-DDTHH:MM" prefix; one
// per thread remembers the last one and what it meant, so the date and hour
// are parsed once a minute instead of once a line. The separator (byte 10: T,
// t or space) is left out of the key, so "2024-01-20 10:00" and
// "2024-01-20T10:00" share an entry.
struct MinutePrefixCache {
  uint64_t head = 0, tail = 0;  // the 16 prefix bytes, as two words
  int64_t us = 0;               // what they meant
  bool valid = false;
};
thread_local MinutePrefixCache tl_minute_cache;

}  // namespace

bool scan_timestamp(std::string_view text, ParsedTime& out) {
  if (text.size() < 10) return false;
  int64_t us;
  size_t pos;
  MinutePrefixCache& cache = tl_minute_cache;
  uint64_t head = 0, tail = 0;
  const bool separator_ok = text.size() >= 16 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ');
  if (separator_ok) {
    std::memcpy(&head, text.data(), 8);
    std::memcpy(&tail, text.data() + 8, 8);
    tail &= ~(0xFFULL << 16);  // byte 10 of the text is byte 2 of `tail`
  }
  if (separator_ok && cache.valid && head == cache.head && tail == cache.tail) {
    us = cache.us;
    pos = 16;
  } else {
    const std::optional<int64_t> date = scan_date(text);
    if (!date) return false;
    us = *date;
    pos = 10;
    if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
      if (const std::optional<int64_t> hm = scan_hour_minute(text, pos + 1)) {
        us += *hm;
        pos += 6;
        cache = MinutePrefixCache{head, tail, us, true};  // pos == 16 <= size here
      } else if (text[pos] != ' ') {
        return false;  // "2024-01-20Tgarbage"
      } else {
        out.unix_us = us;  // a date alone, then the next token
        out.length = pos;
        return true;
      }
    }
  }
  if (pos < text.size() && !ends_token(text, pos) && !scan_seconds_fast(text, pos, us) &&
      !scan_seconds_and_zone(text, pos, us)) {
    return false;
  }
  if (!ends_token(text, pos)) return false;
  out.unix_us = us;
  out.length = pos;
  return true;
}

int month_from_abbrev(std::string_view m) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i + 1;
  }
  return 0;
}

std::string format_rfc3339(int64_t unix_us, int fraction_digits) {
  int64_t secs = unix_us / 1'000'000;
  int64_t frac = unix_us % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // civil_from_days (H. Hinnant)
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, rem / 3600,
                                (rem / 60) % 60, rem % 60);
  if (fraction_digits == 3) {
    out += fmt::format(".{:03}", frac / 1000);
  } else if (fraction_digits == 6) {
    out += fmt::format(".{:06}", frac);
  } else if (frac != 0) {
    out += frac % 1000 == 0 ? fmt::format(".{:03}", frac / 1000) : fmt::format(".{:06}", frac);
  }
  out += 'Z';
  return out;
}

}  // namespace logstreamer::parse
