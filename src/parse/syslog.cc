#include "parse/syslog.h"

#include <atomic>
#include <chrono>

#include "parse/heroku.h"
#include "parse/scan.h"
#include "parse/timestamp.h"

namespace logstreamer::parse {
namespace {

std::atomic<int64_t> g_reference_time{0};

constexpr Level kSeverityLevels[8] = {Level::kFatal, Level::kFatal, Level::kFatal, Level::kError,
                                      Level::kWarn,  Level::kNotice, Level::kInfo, Level::kDebug};

// "<PRI>" at the start: returns its length (0 if absent or invalid), sets severity.
size_t scan_pri(std::string_view line, int& severity) {
  if (line.size() < 3 || line[0] != '<') return 0;
  int pri = 0;
  size_t i = 1;
  while (i < line.size() && i <= 4 && is_digit(line[i])) pri = pri * 10 + (line[i++] - '0');
  if (i == 1 || i > 4 || i >= line.size() || line[i] != '>' || pri > 191) return 0;
  severity = pri % 8;
  return i + 1;
}

// The next space-separated field at `pos`; advances past it and one space.
bool next_field(std::string_view line, size_t& pos, std::string_view& field) {
  if (pos >= line.size()) return false;
  const size_t end = line.find(' ', pos);
  if (end == pos) return false;
  field = line.substr(pos, end == std::string_view::npos ? line.size() - pos : end - pos);
  pos = end == std::string_view::npos ? line.size() : end + 1;
  return true;
}

// STRUCTURED-DATA at `pos`: "-" or [..][..]; advances past it.
bool skip_structured_data(std::string_view line, size_t& pos) {
  if (pos < line.size() && line[pos] == '-') {
    ++pos;
    return true;
  }
  if (pos >= line.size() || line[pos] != '[') return false;
  while (pos < line.size() && line[pos] == '[') {
    bool in_quotes = false;
    ++pos;
    while (pos < line.size()) {
      const char c = line[pos];
      if (in_quotes && c == '\\') {
        pos += 2;
        continue;
      }
      if (c == '"') in_quotes = !in_quotes;
      if (!in_quotes && c == ']') break;
      ++pos;
    }
    if (pos >= line.size()) return false;  // unterminated element
    ++pos;
  }
  return true;
}


int64_t reference_time() {
  const int64_t t = g_reference_time.load(std::memory_order_relaxed);
  if (t != 0) return t;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "Mmm dd hh:mm:ss" (day may be space-padded); returns its length or 0.
size_t scan_bsd_timestamp(std::string_view text, int64_t& unix_us) {
  if (text.size() < 15 || text[3] != ' ') return 0;
  const int month = month_from_abbrev(text.substr(0, 3));
  if (month == 0) return 0;
  const char d1 = text[4] == ' ' ? '0' : text[4];
  if (!is_digit(d1) || !is_digit(text[5]) || text[6] != ' ') return 0;
  const int day = (d1 - '0') * 10 + (text[5] - '0');
  const auto two = [&](size_t i) {
    return is_digit(text[i]) && is_digit(text[i + 1]) ? (text[i] - '0') * 10 + (text[i + 1] - '0') : -1;
  };
  const int hh = two(7), mm = two(10), ss = two(13);
  if (text[9] != ':' || text[12] != ':' || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 ||
      day < 1 || day > 31) {
    return 0;
  }
  const int64_t now = reference_time();
  const int64_t year = 1970 + now / 31556952;  // approximate is fine: corrected below
  int64_t best = 0;
  for (int64_t y : {year + 1, year, year - 1}) {
    const int64_t t = days_from_civil(y, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                      hh * 3600 + mm * 60 + ss;
    if (t <= now + 86400) {
      best = t;
      break;
    }
  }
  unix_us = best * 1'000'000;
  return 15;
}

}  // namespace

void set_syslog_reference_time(int64_t unix_s) { g_reference_time.store(unix_s); }

bool looks_syslog5424(std::string_view line) {
  int severity;
  const size_t p = scan_pri(line, severity);
  return p > 0 && p + 1 < line.size() && is_digit(line[p]) && line[p] != '0';
}

ParseError parse_syslog5424(std::string_view line, LogRecord& out) {
  out.format = Format::kSyslog5424;
  out.http = HttpFields{};
  int severity = 6;
  size_t pos = scan_pri(line, severity);
  if (pos == 0) return ParseError::kBadSyslog;
  std::string_view version, timestamp, host, app, procid, msgid;
  if (!next_field(line, pos, version) || version.size() > 3) return ParseError::kBadSyslog;
  if (!next_field(line, pos, timestamp) || !next_field(line, pos, host) || !next_field(line, pos, app) ||
      !next_field(line, pos, procid) || !next_field(line, pos, msgid)) {
    return ParseError::kBadSyslog;
  }
  // Heroku's logplex omits STRUCTURED-DATA altogether ("... web.1 - message"):
  // a field that is neither "-" nor "[" starts the message.
  const bool has_sd = pos < line.size() && (line[pos] == '[' ||
                                            (line[pos] == '-' && (pos + 1 == line.size() || line[pos + 1] == ' ')));
  if (has_sd) {
    if (!skip_structured_data(line, pos)) return ParseError::kBadSyslog;
    if (pos < line.size()) {
      if (line[pos] != ' ') return ParseError::kBadSyslog;
      ++pos;
    }
  }
  std::string_view message = trim_right(line.substr(std::min(pos, line.size())));
  if (message.substr(0, 3) == "\xef\xbb\xbf") message.remove_prefix(3);  // UTF-8 BOM

  out.has_time = false;
  if (timestamp != "-") {
    ParsedTime t;
    if (!scan_timestamp(timestamp, t) || t.length != timestamp.size()) return ParseError::kBadTimestamp;
    out.has_time = true;
    out.unix_us = t.unix_us;
  }
  if ((app == "heroku" || app == "app") && procid != "-") {
    // A logplex frame: the Heroku conventions apply, but the PRI is Logplex's.
    return apply_heroku(app, procid, message, out);
  }
  out.level = kSeverityLevels[severity];
  out.service = app == "-" ? std::string_view{} : app;
  out.message = message;
  return ParseError::kOk;
}

bool looks_syslog3164(std::string_view line) {
  int severity;
  const size_t p = scan_pri(line, severity);
  return line.size() >= p + 16 && month_from_abbrev(line.substr(p, 3)) != 0 && line[p + 3] == ' ';
}

ParseError parse_syslog3164(std::string_view line, LogRecord& out) {
  out.format = Format::kSyslog3164;
  out.http = HttpFields{};
  int severity = 6;
  size_t pos = scan_pri(line, severity);
  if (pos == 0 && !line.empty() && line[0] == '<') return ParseError::kBadSyslog;
  int64_t unix_us = 0;
  const size_t ts_len = scan_bsd_timestamp(line.substr(pos), unix_us);
  if (ts_len == 0) return ParseError::kBadTimestamp;
  pos += ts_len;
  if (pos >= line.size() || line[pos] != ' ') return ParseError::kBadSyslog;
  ++pos;
  std::string_view host;
  if (!next_field(line, pos, host)) return ParseError::kMissingService;
  // TAG[PID]: or TAG:
  const size_t tag_end = line.find_first_of("[: ", pos);
  if (tag_end == std::string_view::npos || tag_end == pos || line[tag_end] == ' ') {
    return ParseError::kMissingService;
  }
  out.service = line.substr(pos, tag_end - pos);
  pos = tag_end;
  if (line[pos] == '[') {
    const size_t close = line.find(']', pos);
    if (close == std::string_view::npos) return ParseError::kBadSyslog;
    pos = close + 1;
  }
  if (pos >= line.size() || line[pos] != ':') return ParseError::kMissingService;
  ++pos;
  out.level = kSeverityLevels[severity];
  out.has_time = true;
  out.unix_us = unix_us;
  out.message = trim_right(line.substr(skip_blanks(line, pos)));
  return ParseError::kOk;
}

}  // namespace logstreamer::parse
