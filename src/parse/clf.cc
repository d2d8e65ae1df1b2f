#include "parse/clf.h"

#include "parse/field_values.h"
#include "parse/scan.h"
#include "parse/timestamp.h"

namespace logstreamer::parse {
namespace {


int digits(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (pos + i >= s.size() || !is_digit(s[pos + i])) return -1;
    v = v * 10 + (s[pos + i] - '0');
  }
  return v;
}

// "DD/Mon/YYYY:HH:MM:SS +HHMM" (26 bytes).
bool scan_clf_date(std::string_view d, int64_t& unix_us) {
  if (d.size() != 26 || d[2] != '/' || d[6] != '/' || d[11] != ':' || d[14] != ':' || d[17] != ':' ||
      d[20] != ' ' || (d[21] != '+' && d[21] != '-')) {
    return false;
  }
  const int day = digits(d, 0, 2), month = month_from_abbrev(d.substr(3, 3)), year = digits(d, 7, 4);
  const int hh = digits(d, 12, 2), mm = digits(d, 15, 2), ss = digits(d, 18, 2);
  const int oh = digits(d, 22, 2), om = digits(d, 24, 2);
  if (day < 1 || day > 31 || month == 0 || year < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
      ss > 60 || oh < 0 || om < 0) {
    return false;
  }
  const int64_t offset = (d[21] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  unix_us = (days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
             hh * 3600 + mm * 60 + ss - offset) *
            1'000'000;
  return true;
}

// A DQUOTE-delimited field at `pos` (backslash escapes allowed); advances past it.
bool quoted(std::string_view line, size_t& pos, std::string_view& field) {
  if (pos >= line.size() || line[pos] != '"') return false;
  const size_t start = ++pos;
  while (pos < line.size() && line[pos] != '"') pos += line[pos] == '\\' ? 2 : 1;
  if (pos >= line.size()) return false;
  field = line.substr(start, pos - start);
  ++pos;
  return true;
}

}  // namespace

bool looks_clf(std::string_view line) {
  // " [DD/" within the first fields.
  const size_t bracket = line.substr(0, 300).find(" [");
  return bracket != std::string_view::npos && bracket + 5 < line.size() && is_digit(line[bracket + 2]) &&
         is_digit(line[bracket + 3]) && line[bracket + 4] == '/';
}

ParseError parse_clf(std::string_view line, LogRecord& out) {
  out.format = Format::kClf;
  out.http = HttpFields{};
  const size_t bracket = line.find(" [");
  if (bracket == std::string_view::npos) return ParseError::kBadAccessLog;
  // Three fields (host ident user) before the date, or four with a vhost first.
  std::string_view prefix = line.substr(0, bracket);
  size_t fields = 0;
  for (size_t p = 0; p < prefix.size();) {
    const size_t e = find_blank(prefix, p);
    ++fields;
    p = skip_blanks(prefix, e);
  }
  if (fields != 3 && fields != 4) return ParseError::kBadAccessLog;
  out.service = "http";
  if (fields == 4) {
    const std::string_view vhost = prefix.substr(0, find_blank(prefix, 0));
    out.service = vhost.substr(0, vhost.find(':'));
  }

  const size_t close = line.find(']', bracket);
  if (close == std::string_view::npos) return ParseError::kBadAccessLog;
  if (!scan_clf_date(line.substr(bracket + 2, close - bracket - 2), out.unix_us)) return ParseError::kBadTimestamp;
  out.has_time = true;

  size_t pos = close + 1;
  if (pos >= line.size() || line[pos] != ' ') return ParseError::kBadAccessLog;
  ++pos;
  std::string_view request;
  if (!quoted(line, pos, request)) return ParseError::kBadAccessLog;
  if (pos >= line.size() || line[pos] != ' ') return ParseError::kBadAccessLog;
  ++pos;
  const size_t status_end = find_blank(line, pos);
  const auto status = unsigned_number(line.substr(pos, status_end - pos));
  if (!status || *status < 100 || *status > 999) return ParseError::kBadAccessLog;
  pos = skip_blanks(line, status_end);
  const size_t bytes_end = find_blank(line, pos);
  const std::string_view bytes = line.substr(pos, bytes_end - pos);
  if (bytes.empty()) return ParseError::kBadAccessLog;
  if (bytes != "-") {
    const auto b = unsigned_number(bytes);
    if (!b) return ParseError::kBadAccessLog;
    out.http.has_bytes = true;
    out.http.bytes = *b;
  }
  pos = skip_blanks(line, bytes_end);

  // Optional "referer" "agent", then an optional request time.
  std::string_view ignored;
  if (pos < line.size() && line[pos] == '"') {
    if (!quoted(line, pos, ignored)) return ParseError::kBadAccessLog;
    pos = skip_blanks(line, pos);
    if (pos < line.size() && line[pos] == '"' && !quoted(line, pos, ignored)) return ParseError::kBadAccessLog;
    pos = skip_blanks(line, pos);
  }
  if (pos < line.size()) {
    std::string_view rt = trim_right(line.substr(pos));
    rt = rt.substr(0, find_blank(rt, 0));
    if (rt.substr(0, 3) == "rt=") rt.remove_prefix(3);
    if (rt.substr(0, 13) == "request_time=") rt.remove_prefix(13);
    if (auto secs = duration_ms(rt)) {  // a bare number here is seconds (nginx)
      out.http.has_duration = true;
      out.http.duration_ms = rt.find_first_not_of("0123456789.") == std::string_view::npos ? *secs * 1000 : *secs;
    }
  }

  out.http.present = true;
  out.http.status = static_cast<int>(*status);
  const size_t m_end = request.find(' ');
  if (m_end != std::string_view::npos) {
    out.http.method = request.substr(0, m_end);
    const size_t t_end = request.find(' ', m_end + 1);
    out.http.path = strip_query(request.substr(m_end + 1, t_end == std::string_view::npos ? std::string_view::npos
                                                                                           : t_end - m_end - 1));
    // "METHOD path": a view over the request, up to the end of the path.
    out.message = request.substr(0, m_end + 1 + out.http.path.size());
  } else {
    out.message = request;
  }
  out.level = level_for_status(out.http.status);
  return ParseError::kOk;
}

}  // namespace logstreamer::parse
