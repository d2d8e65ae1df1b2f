#include "parse/field_values.h"

#include <charconv>
#include <cmath>

namespace logstreamer::parse {

FieldRole field_role(std::string_view key, bool heroku_router) {
  switch (key.size()) {
    case 2:
      if (key == "ts") return FieldRole::kTime;
      if (key == "at") return FieldRole::kLevel;
      break;
    case 3:
      if (key == "msg") return FieldRole::kMessage;
      if (key == "lvl") return FieldRole::kLevel;
      if (key == "app") return FieldRole::kService;
      if (key == "url" || key == "uri") return FieldRole::kPath;
      break;
    case 4:
      if (key == "time") return FieldRole::kTime;
      if (key == "path") return FieldRole::kPath;
      if (key == "dyno") return FieldRole::kDyno;
      if (key == "code") return FieldRole::kCode;
      if (key == "size") return FieldRole::kBytes;
      break;
    case 5:
      if (key == "level") return FieldRole::kLevel;
      if (key == "bytes") return FieldRole::kBytes;
      break;
    case 6:
      if (key == "status") return FieldRole::kStatus;
      if (key == "method") return FieldRole::kMethod;
      if (key == "logger") return FieldRole::kService;
      if (key == "source") return FieldRole::kService;
      break;
    case 7:
      if (key == "service") return heroku_router ? FieldRole::kDuration : FieldRole::kService;
      if (key == "message") return FieldRole::kMessage;
      break;
    case 8:
      if (key == "severity") return FieldRole::kLevel;
      if (key == "duration") return FieldRole::kDuration;
      break;
    case 9:
      if (key == "timestamp") return FieldRole::kTime;
      if (key == "component") return FieldRole::kService;
      if (key == "log.level") return FieldRole::kLevel;
      break;
    case 10:
      if (key == "@timestamp") return FieldRole::kTime;
      break;
    case 11:
      if (key == "application") return FieldRole::kService;
      if (key == "status_code") return FieldRole::kStatus;
      if (key == "request_uri") return FieldRole::kPath;
      break;
    case 12:
      if (key == "service.name") return FieldRole::kService;
      if (key == "request_time") return FieldRole::kDuration;
      break;
    case 13:
      if (key == "response_time") return FieldRole::kDuration;
      break;
    case 15:
      if (key == "body_bytes_sent") return FieldRole::kBytes;
      break;
    default:
      break;
  }
  return FieldRole::kNone;
}

std::optional<Level> level_from_number(double n) {
  if (n >= 60) return Level::kFatal;
  if (n >= 50) return Level::kError;
  if (n >= 40) return Level::kWarn;
  if (n >= 30) return Level::kInfo;
  if (n >= 20) return Level::kDebug;
  if (n >= 10) return Level::kTrace;
  return std::nullopt;
}

std::optional<double> duration_ms(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  // from_chars also reads "nan" and "inf": not durations (found by fuzz_clf).
  if (ec != std::errc() || ptr == text.data() || !std::isfinite(value) || value < 0) return std::nullopt;
  const std::string_view unit(ptr, static_cast<size_t>(end - ptr));
  if (unit.empty() || unit == "ms") return value;
  if (unit == "s") return value * 1000;
  if (unit == "us" || unit == "\xc2\xb5s") return value / 1000;
  if (unit == "ns") return value / 1e6;
  if (unit == "m") return value * 60000;
  return std::nullopt;
}

std::optional<uint64_t> unsigned_number(std::string_view text) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return v;
}

std::string_view strip_query(std::string_view path) {
  const size_t cut = path.find_first_of("?#");
  return cut == std::string_view::npos ? path : path.substr(0, cut);
}

Level level_for_status(int status) {
  if (status >= 500) return Level::kError;
  if (status >= 400) return Level::kWarn;
  return Level::kInfo;
}

}  // namespace logstreamer::parse
