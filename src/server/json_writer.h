#pragma once
// JsonWriter: a small streaming JSON writer for the API's documents; it
// places commas itself, so building nested objects cannot produce invalid
// JSON. Strings go through text::append_json_string (escapes, UTF-8 safety).
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "text/json_escape.h"

namespace logstreamer::server {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k) {
    comma();
    text::append_json_string(out_, k);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }
  JsonWriter& value(std::string_view v) {
    comma();
    text::append_json_string(out_, v);
    return *this;
  }
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(bool v) { return raw(v ? "true" : "false"); }
  JsonWriter& value(uint64_t v) { return raw(fmt::format("{}", v)); }
  JsonWriter& value(int64_t v) { return raw(fmt::format("{}", v)); }
  JsonWriter& value(int v) { return raw(fmt::format("{}", v)); }
  // Non-finite numbers are not JSON: they become null.
  JsonWriter& value(double v) { return std::isfinite(v) ? raw(fmt::format("{:.6g}", v)) : raw("null"); }
  JsonWriter& null() { return raw("null"); }
  // An already-serialised JSON value.
  JsonWriter& raw(std::string_view json) {
    comma();
    out_.append(json);
    return *this;
  }
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  std::string str() const { return fmt::to_string(out_); }

 private:
  JsonWriter& open(char c) {
    comma();
    out_.push_back(c);
    first_.push_back(true);
    return *this;
  }
  JsonWriter& close(char c) {
    out_.push_back(c);
    first_.pop_back();
    return *this;
  }
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_.push_back(',');
      first_.back() = false;
    }
  }

  fmt::memory_buffer out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace logstreamer::server
