// The format registry and auto-detection (see line_parser.h for the order).
#include "parse/clf.h"
#include "parse/heroku.h"
#include "parse/line_parser.h"
#include "parse/logfmt.h"
#include "parse/plain.h"
#include "parse/scan.h"
#include "parse/syslog.h"

namespace logstreamer::parse {
namespace {

// One row per format: its shape test and its parser (JSON, which needs the
// LineParser's state, is dispatched separately).
struct FormatEntry {
  Format format;
  bool (*looks_like)(std::string_view line);
  ParseError (*parse)(std::string_view line, LogRecord& out);
};

constexpr FormatEntry kFormats[] = {
    {Format::kPlain, &looks_plain, &parse_plain},
    {Format::kJson, &looks_json, nullptr},
    {Format::kLogfmt, &looks_logfmt, &parse_logfmt},
    {Format::kSyslog5424, &looks_syslog5424, &parse_syslog5424},
    {Format::kSyslog3164, &looks_syslog3164, &parse_syslog3164},
    {Format::kClf, &looks_clf, &parse_clf},
    {Format::kHeroku, &looks_heroku, &parse_heroku},
};
static_assert(std::size(kFormats) == kFormatCount, "every Format needs a row in kFormats");

constexpr bool rows_in_enum_order() {
  for (size_t i = 0; i < std::size(kFormats); ++i) {
    if (static_cast<size_t>(kFormats[i].format) != i) return false;
  }
  return true;
}
static_assert(rows_in_enum_order(), "kFormats rows must follow the Format enum");

const FormatEntry& entry(Format f) { return kFormats[static_cast<size_t>(f)]; }

}  // namespace

std::optional<Format> format_from_name(std::string_view name) {
  for (size_t i = 0; i < kFormatCount; ++i) {
    if (kFormatNames[i] == name) return static_cast<Format>(i);
  }
  return std::nullopt;
}

ParseError LineParser::parse_as(Format f, std::string_view line, LogRecord& out,
                                const char* readable_end, const uint64_t* head_blanks) {
  out.http.present = false;
  if (f == Format::kJson) return json_.parse(line, readable_end, out);
  if (f == Format::kPlain && head_blanks != nullptr) return parse_plain(line, *head_blanks, out);
  return entry(f).parse(line, out);
}

ParseError LineParser::detect(std::string_view line, LogRecord& out, const char* readable_end,
                              const uint64_t* head_blanks) {
  char c = line[0];
  if (is_blank(c)) {  // rare: look past indentation (indented JSON)
    const size_t first = skip_blanks(line, 0);
    if (first < line.size()) c = line[first];
  }
  if (c == '{') return parse_as(Format::kJson, line, out, readable_end, head_blanks);
  if (c == '<') {
    return parse_as(looks_syslog5424(line) ? Format::kSyslog5424 : Format::kSyslog3164, line, out,
                    readable_end, head_blanks);
  }
  // Plain first: the common case pays for nothing else.
  ParseError first = ParseError::kUnknownFormat;
  if (looks_plain(line)) {
    first = parse_as(Format::kPlain, line, out, readable_end, head_blanks);
    if (first == ParseError::kOk) return first;
  }
  return detect_after_plain(line, out, readable_end, first);
}

ParseError LineParser::detect_after_plain(std::string_view line, LogRecord& out,
                                          const char* readable_end, ParseError plain_error) {
  static constexpr Format kFallbacks[] = {Format::kHeroku, Format::kLogfmt, Format::kSyslog3164, Format::kClf};
  for (Format f : kFallbacks) {
    if (!entry(f).looks_like(line)) continue;
    return parse_as(f, line, out, readable_end, nullptr);  // its shape matched: its verdict stands
  }
  return plain_error;
}

}  // namespace logstreamer::parse
