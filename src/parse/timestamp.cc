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

}  // namespace

bool scan_timestamp_general(std::string_view text, ParsedTime& out) {
  if (text.size() < 10) return false;
  int64_t us;
  size_t pos;
  detail::MinutePrefixCache& cache = detail::tl_minute_cache;
  uint64_t head = 0, tail = 0;
  const bool separator_ok = text.size() >= 16 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ');
  if (separator_ok) {
    std::memcpy(&head, text.data(), 8);
    std::memcpy(&tail, text.data() + 8, 8);
    tail &= ~(0xFFULL << 16);  // byte 10 of the text is byte 2 of `tail`
  }
  if (separator_ok && head == cache.head && tail == cache.tail) {
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
        cache = detail::MinutePrefixCache{head, tail, us};  // pos == 16 <= size here
      } else if (text[pos] != ' ') {
        return false;  // "2024-01-20Tgarbage"
      } else {
        out.unix_us = us;  // a date alone, then the next token
        out.length = pos;
        return true;
      }
    }
  }
  if (pos < text.size() && !ends_token(text, pos) && !detail::scan_seconds_fast(text, pos, us) &&
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
