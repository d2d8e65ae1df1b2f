#include "parse/logfmt.h"

#include "parse/field_values.h"
#include "parse/scan.h"
#include "parse/timestamp.h"

namespace logstreamer::parse {

bool LogfmtScanner::next(std::string_view& key, std::string_view& value) {
  pos_ = skip_blanks(text_, pos_);
  if (pos_ >= text_.size() || error_) return false;
  const size_t key_start = pos_;
  while (pos_ < text_.size() && text_[pos_] != '=' && !is_blank(text_[pos_]) && text_[pos_] != '"') ++pos_;
  key = text_.substr(key_start, pos_ - key_start);
  value = {};
  if (key.empty()) {  // a stray quote or '='
    error_ = true;
    return false;
  }
  if (pos_ >= text_.size() || text_[pos_] != '=') return true;  // a bare key
  ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '"') {
    const size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') pos_ += text_[pos_] == '\\' ? 2 : 1;
    if (pos_ >= text_.size()) {
      error_ = true;
      return false;
    }
    value = text_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }
  const size_t end = find_blank(text_, pos_);
  value = text_.substr(pos_, end - pos_);
  pos_ = end;
  return true;
}

bool looks_logfmt(std::string_view line) {
  const size_t end = find_blank(line, 0);
  const size_t eq = line.substr(0, end).find('=');
  return eq != std::string_view::npos && eq > 0;
}

ParseError apply_logfmt_fields(std::string_view text, bool heroku_router, LogRecord& out) {
  LogfmtScanner scan(text);
  std::string_view key, value;
  bool has_status = false, has_method = false;
  while (scan.next(key, value)) {
    switch (field_role(key, heroku_router)) {
      case FieldRole::kTime: {
        ParsedTime t;
        if (scan_timestamp(value, t) && t.length == value.size()) {
          out.has_time = true;
          out.unix_us = t.unix_us;
        }
        break;
      }
      case FieldRole::kLevel: {
        const auto level = parse_level(value);
        if (!level) return ParseError::kUnknownLevel;
        out.level = *level;
        break;
      }
      case FieldRole::kService:
        out.service = value;
        break;
      case FieldRole::kMessage:
        out.message = value;
        break;
      case FieldRole::kStatus:
        if (auto s = unsigned_number(value); s && *s < 1000) {
          out.http.status = static_cast<int>(*s);
          has_status = true;
        }
        break;
      case FieldRole::kMethod:
        out.http.method = value;
        has_method = true;
        break;
      case FieldRole::kPath:
        out.http.path = strip_query(value);
        break;
      case FieldRole::kDuration:
        if (auto ms = duration_ms(value)) {
          out.http.has_duration = true;
          out.http.duration_ms = *ms;
        }
        break;
      case FieldRole::kBytes:
        if (auto b = unsigned_number(value)) {
          out.http.has_bytes = true;
          out.http.bytes = *b;
        }
        break;
      case FieldRole::kDyno:
        out.http.dyno = value;
        break;
      case FieldRole::kCode:
        out.http.error_code = value;
        break;
      case FieldRole::kNone:
        break;
    }
  }
  if (scan.error()) return ParseError::kBadKeyValue;
  out.http.present = has_status && has_method;
  return ParseError::kOk;
}

ParseError parse_logfmt(std::string_view line, LogRecord& out) {
  out.format = Format::kLogfmt;
  out.http = HttpFields{};
  out.level = Level::kInfo;
  out.has_time = false;
  out.service = {};
  out.message = line;
  const ParseError err = apply_logfmt_fields(line, false, out);
  return err;
}

}  // namespace logstreamer::parse
