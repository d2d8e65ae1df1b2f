// The format registry: one row per format, in auto-detection order.
#include "parse/line_parser.h"
#include "parse/plain.h"

namespace logstreamer::parse {
namespace {

struct FormatEntry {
  Format format;
  bool (*looks_like)(std::string_view line);  // cheap pre-check for detection
  ParseError (*parse)(std::string_view line, LogRecord& out);
};

// Detection order matters where formats overlap; see docs/ARCHITECTURE.md.
constexpr FormatEntry kFormats[] = {
    {Format::kPlain, &looks_plain, &parse_plain},
};
static_assert(std::size(kFormats) == kFormatCount, "every Format needs a row in kFormats");

constexpr const FormatEntry& entry_for(Format f) {
  for (const auto& e : kFormats) {
    if (e.format == f) return e;
  }
  return kFormats[0];
}

}  // namespace

std::optional<Format> format_from_name(std::string_view name) {
  for (size_t i = 0; i < kFormatCount; ++i) {
    if (kFormatNames[i] == name) return static_cast<Format>(i);
  }
  return std::nullopt;
}

ParseError LineParser::parse(std::string_view line, LogRecord& out) const {
  if (forced_) return entry_for(*forced_).parse(line, out);
  ParseError first_error = ParseError::kUnknownFormat;
  for (const auto& e : kFormats) {
    if (!e.looks_like(line)) continue;
    const ParseError err = e.parse(line, out);
    if (err == ParseError::kOk) return err;
    // With one candidate format its reason is more useful than "unrecognised".
    if (first_error == ParseError::kUnknownFormat) first_error = err;
  }
  return first_error;
}

}  // namespace logstreamer::parse
