#pragma once
// PostgreSQL's COPY text format, written by hand because libpq sends COPY
// data but does not encode it: one row per line, fields separated by tabs,
// `\N` for NULL, and backslash, tab, newline and carriage return escaped.
//
// PostgreSQL's text columns hold valid UTF-8 without NUL bytes, log lines do
// not always: such bytes are stored as U+FFFD (a row the server refuses would
// be retried forever and stop every row behind it). The fast path checks a
// field with one pass over its bytes and copies it when nothing needs work.
//
// Free functions on a caller-owned buffer; thread-compatible.
#include <cstdint>
#include <string>
#include <string_view>

namespace logstreamer::sinks {

// Appends `v` as one field; `null_if_empty`: an empty value is NULL.
void append_copy_text(std::string& out, std::string_view v, bool null_if_empty);
void append_copy_int(std::string& out, int64_t v);
void append_copy_null(std::string& out);
// A double with enough digits to read back the same value.
void append_copy_double(std::string& out, double v);
// `v` as PostgreSQL text takes it (invalid UTF-8 and NUL replaced), for
// query parameters.
std::string pg_text(std::string_view v);

// One row of COPY text: fields in order, tabs between them, a newline at
// end(). Absent values (`present` false) are NULL.
class CopyRow {
 public:
  explicit CopyRow(std::string& out) : out_(out) {}
  CopyRow& text(std::string_view v, bool null_if_empty = true) {
    separate();
    append_copy_text(out_, v, null_if_empty);
    return *this;
  }
  CopyRow& integer(int64_t v, bool present = true) {
    separate();
    present ? append_copy_int(out_, v) : append_copy_null(out_);
    return *this;
  }
  CopyRow& real(double v, bool present = true) {
    separate();
    present ? append_copy_double(out_, v) : append_copy_null(out_);
    return *this;
  }
  void end() { out_.push_back('\n'); }

 private:
  void separate() {
    if (!first_) out_.push_back('\t');
    first_ = false;
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace logstreamer::sinks
