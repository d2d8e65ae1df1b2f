#include "parse/logfmt.h"

#include <array>
#include <bit>
#include <cstring>

#include "parse/field_values.h"
#include "parse/scan.h"
#include "parse/timestamp.h"

namespace logstreamer::parse {

namespace {

// Key bytes: letters, digits and _ . - /
constexpr auto kKeyBytes = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = true;
  for (char c : {'_', '.', '-', '/'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

inline bool is_key_byte(char c) { return kKeyBytes[static_cast<unsigned char>(c)]; }
inline bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// Index of the first blank or control byte in s[pos, size), or size. Tab is
// both; the caller tells them apart. Eight bytes a step, as find_blank.
inline size_t find_blank_or_control(std::string_view s, size_t pos) {
  using detail::kHighs;
  using detail::kOnes;
  while (pos + 8 <= s.size()) {
    uint64_t w;
    std::memcpy(&w, s.data() + pos, 8);
    // Each term's lowest hit is exact, and a term without a true hit has no
    // false ones, so the lowest bit of the OR is the first such byte.
    const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
    const uint64_t hits = detail::zero_bytes(w ^ (kOnes * ' ')) | below_space |
                          detail::zero_bytes(w ^ (kOnes * 0x7f));
    if (hits != 0) return pos + static_cast<size_t>(std::countr_zero(hits)) / 8;
    pos += 8;
  }
  while (pos < s.size() && !is_blank(s[pos]) && !is_control(s[pos])) ++pos;
  return pos;
}

}  // namespace

bool LogfmtScanner::next(std::string_view& key, std::string_view& value) {
  pos_ = skip_blanks(text_, pos_);
  if (pos_ >= text_.size() || error_) return false;
  const size_t key_start = pos_;
  while (pos_ < text_.size() && is_key_byte(text_[pos_])) ++pos_;
  key = text_.substr(key_start, pos_ - key_start);
  value = {};
  had_equals_ = false;
  // A key ends at '=', a blank or the end; anything else (a stray quote or
  // '=', a control byte, a non-word byte) is not logfmt.
  if (key.empty() || (pos_ < text_.size() && text_[pos_] != '=' && !is_blank(text_[pos_]))) {
    error_ = true;
    return false;
  }
  if (pos_ >= text_.size() || text_[pos_] != '=') return true;  // a bare key
  ++pos_;
  had_equals_ = true;
  if (pos_ < text_.size() && text_[pos_] == '"') {
    const size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (is_control(text_[pos_])) break;
      pos_ += text_[pos_] == '\\' ? 2 : 1;
    }
    if (pos_ >= text_.size() || text_[pos_] != '"') {
      error_ = true;
      return false;
    }
    value = text_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }
  const size_t end = find_blank_or_control(text_, pos_);
  if (end < text_.size() && !is_blank(text_[end])) {
    error_ = true;
    return false;
  }
  value = text_.substr(pos_, end - pos_);
  pos_ = end;
  return true;
}

bool looks_logfmt(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && is_key_byte(line[i])) ++i;
  return i > 0 && i < line.size() && line[i] == '=';
}

ParseError apply_logfmt_fields(std::string_view text, bool heroku_router, LogRecord& out,
                               LogfmtShape* shape) {
  LogfmtScanner scan(text);
  std::string_view key, value;
  bool has_status = false, has_method = false;
  uint32_t pairs = 0;
  bool known_key = false;
  while (scan.next(key, value)) {
    const bool is_pair = scan.had_equals();
    pairs += is_pair ? 1 : 0;
    const FieldRole role = field_role(key, heroku_router);
    known_key = known_key || (is_pair && role != FieldRole::kNone);
    switch (role) {
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
  if (shape != nullptr) *shape = LogfmtShape{pairs, known_key};
  return ParseError::kOk;
}

ParseError parse_logfmt(std::string_view line, LogRecord& out) {
  out.format = Format::kLogfmt;
  out.http = HttpFields{};
  out.level = Level::kInfo;
  out.has_time = false;
  out.service = {};
  out.message = line;
  LogfmtShape shape;
  const ParseError err = apply_logfmt_fields(line, false, out, &shape);
  if (err != ParseError::kOk) return err;
  // One pair with a key of no known role is not enough to call it logfmt.
  if (shape.pairs < 2 && !shape.known_key) return ParseError::kBadKeyValue;
  return ParseError::kOk;
}

}  // namespace logstreamer::parse
