#include "sinks/pg_copy_text.h"

#include <fmt/format.h>

#include "text/utf8.h"

namespace logstreamer::sinks {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// True when every byte can be copied as it is: printable ASCII but the
// backslash, or any byte >= 0x80 (checked as UTF-8 on the slow path).
bool plain_ascii(std::string_view v) {
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '\\') return false;
  }
  return true;
}

// Appends `v` with invalid UTF-8 and NUL replaced, and (`escape`) COPY's
// four special bytes escaped.
void append_valid(std::string& out, std::string_view v, bool escape) {
  size_t i = 0;
  while (i < v.size()) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c == 0) {
      out.append(kReplacement);
      ++i;
      continue;
    }
    if (c < 0x80) {
      if (escape) {
        switch (c) {
          case '\\':
            out.append("\\\\");
            ++i;
            continue;
          case '\t':
            out.append("\\t");
            ++i;
            continue;
          case '\n':
            out.append("\\n");
            ++i;
            continue;
          case '\r':
            out.append("\\r");
            ++i;
            continue;
          default:
            break;
        }
      }
      out.push_back(static_cast<char>(c));  // other control bytes are valid text
      ++i;
      continue;
    }
    const size_t len = text::utf8_sequence_length(v, i);
    if (len == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(v.substr(i, len));
      i += len;
    }
  }
}

}  // namespace

void append_copy_null(std::string& out) { out.append("\\N"); }

void append_copy_int(std::string& out, int64_t v) {
  fmt::format_to(std::back_inserter(out), "{}", v);
}

void append_copy_double(std::string& out, double v) {
  fmt::format_to(std::back_inserter(out), "{}", v);
}

void append_copy_text(std::string& out, std::string_view v, bool null_if_empty) {
  if (v.empty() && null_if_empty) {
    append_copy_null(out);
  } else if (plain_ascii(v)) {
    out.append(v);
  } else {
    append_valid(out, v, /*escape=*/true);
  }
}

std::string pg_text(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  append_valid(out, v, /*escape=*/false);
  return out;
}

}  // namespace logstreamer::sinks
