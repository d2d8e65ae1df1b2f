#include "parse/json.h"

#include <simdjson.h>

#include "parse/field_values.h"
#include "parse/timestamp.h"

namespace logstreamer::parse {

namespace od = simdjson::ondemand;

struct JsonLineParser::Impl {
  od::parser parser;
  std::string padded;  // a copy of the line plus padding, when the batch has none
  std::string level_text;  // an unknown nested value is read via this
};

JsonLineParser::JsonLineParser() : impl_(std::make_unique<Impl>()) {}
JsonLineParser::~JsonLineParser() = default;
JsonLineParser::JsonLineParser(JsonLineParser&&) noexcept = default;
JsonLineParser& JsonLineParser::operator=(JsonLineParser&&) noexcept = default;

namespace {

// Reads a level from a string or a number value.
bool read_level(od::value value, LogRecord& out) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == od::json_type::number) {
    double n;
    if (value.get_double().get(n) != simdjson::SUCCESS) return false;
    const auto level = level_from_number(n);
    if (!level) return false;
    out.level = *level;
    return true;
  }
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  const auto level = parse_level(s);
  if (!level) return false;
  out.level = *level;
  return true;
}

bool read_string(od::value value, std::string_view& s) {
  return value.get_string().get(s) == simdjson::SUCCESS;
}

// A number, or a string holding one with a unit ("12ms").
bool read_duration(od::value value, double& ms) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == od::json_type::number) return value.get_double().get(ms) == simdjson::SUCCESS;
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  const auto d = duration_ms(s);
  if (!d) return false;
  ms = *d;
  return true;
}

bool read_unsigned(od::value value, uint64_t& n) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == od::json_type::number) return value.get_uint64().get(n) == simdjson::SUCCESS;
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  const auto v = unsigned_number(s);
  if (!v) return false;
  n = *v;
  return true;
}

// {"log":{"level":..}} and {"service":{"name":..}}: one level of nesting, ECS style.
simdjson::error_code read_nested(od::value value, std::string_view parent, LogRecord& out,
                                 bool& bad_level) {
  od::object obj;
  if (auto e = value.get_object().get(obj)) return e;
  for (auto field : obj) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    od::value value;
    if (auto e = field.value().get(value)) return e;
    if (parent == "log" && key == "level") {
      if (!read_level(value, out)) bad_level = true;
    } else if (parent == "service" && key == "name") {
      read_string(value, out.service);
    }
  }
  return simdjson::SUCCESS;
}

}  // namespace

ParseError JsonLineParser::parse(std::string_view line, const char* readable_end, LogRecord& out) {
  out.format = Format::kJson;
  out.level = Level::kInfo;
  out.has_time = false;
  out.service = {};
  out.message = {};
  out.http = HttpFields{};

  // Walking every field validates the object itself; simdjson 3.0 cannot tell
  // whether bytes follow it, so at least the line must end where an object does.
  const size_t last = line.find_last_not_of(" \t\r");
  if (last == std::string_view::npos || line[last] != '}') return ParseError::kInvalidJson;

  const char* data = line.data();
  size_t capacity = readable_end != nullptr ? static_cast<size_t>(readable_end - data) : 0;
  if (capacity >= line.size() + simdjson::SIMDJSON_PADDING) {
    // Only the padding is needed: a larger capacity makes simdjson size its
    // internal buffers for it (RSS grew by ~60 MiB with 4 MiB batches).
    capacity = line.size() + simdjson::SIMDJSON_PADDING;
  } else {
    impl_->padded.assign(line);
    impl_->padded.append(simdjson::SIMDJSON_PADDING, '\0');
    data = impl_->padded.data();
    capacity = impl_->padded.size();
  }
  od::document doc;
  if (impl_->parser.iterate(data, line.size(), capacity).get(doc) != simdjson::SUCCESS) {
    return ParseError::kInvalidJson;
  }
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return ParseError::kInvalidJson;

  bool has_status = false, has_method = false, bad_level = false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return ParseError::kInvalidJson;
    od::value value;
    if (field.value().get(value) != simdjson::SUCCESS) return ParseError::kInvalidJson;
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) return ParseError::kInvalidJson;
    if (type == od::json_type::object && (key == "log" || key == "service")) {
      if (read_nested(value, key, out, bad_level) != simdjson::SUCCESS) return ParseError::kInvalidJson;
      continue;
    }
    switch (field_role(key)) {
      case FieldRole::kTime: {
        std::string_view s;
        ParsedTime t;
        if (read_string(value, s) && scan_timestamp(s, t) && t.length == s.size()) {
          out.has_time = true;
          out.unix_us = t.unix_us;
        }
        break;
      }
      case FieldRole::kLevel:
        if (!read_level(value, out)) bad_level = true;
        break;
      case FieldRole::kService:
        read_string(value, out.service);
        break;
      case FieldRole::kMessage:
        read_string(value, out.message);
        break;
      case FieldRole::kStatus: {
        uint64_t s;
        if (read_unsigned(value, s) && s < 1000) {
          out.http.status = static_cast<int>(s);
          has_status = true;
        }
        break;
      }
      case FieldRole::kMethod:
        has_method = read_string(value, out.http.method);
        break;
      case FieldRole::kPath: {
        std::string_view p;
        if (read_string(value, p)) out.http.path = strip_query(p);
        break;
      }
      case FieldRole::kDuration:
        out.http.has_duration = read_duration(value, out.http.duration_ms);
        break;
      case FieldRole::kBytes:
        out.http.has_bytes = read_unsigned(value, out.http.bytes);
        break;
      case FieldRole::kDyno:
        read_string(value, out.http.dyno);
        break;
      case FieldRole::kCode:
        read_string(value, out.http.error_code);
        break;
      case FieldRole::kNone:
        break;  // skipped by the next iteration, and still validated
    }
  }
  if (bad_level) return ParseError::kUnknownLevel;
  out.http.present = has_status && has_method;
  return ParseError::kOk;
}

}  // namespace logstreamer::parse
