#pragma once
// Why a line did not parse. Errors are values on the hot path: a malformed line
// is data to count and sample, never an exception.
#include <array>
#include <cstdint>
#include <string_view>

namespace logstreamer::parse {

enum class ParseError : uint8_t {
  kOk,
  kUnknownLevel,    // the level token is not a known level or alias
  kBadTimestamp,    // no valid timestamp where the format has one
  kMissingService,  // the line ends before the service token
  kUnknownFormat,   // no format recognised the line (auto detection)
  kLineTooLong,     // longer than --max-line-bytes; skipped unread
  kInvalidJson,     // starts like JSON but is not a complete JSON object
  kBadSyslog,       // <PRI> header or syslog fields out of shape
  kBadAccessLog,    // an access log line out of shape
  kBadKeyValue,     // logfmt pairs out of shape (e.g. an unterminated quote)
  kBadFraming,      // a logplex body's octet counting out of shape (serve)
  kCount,
};

inline constexpr std::array<std::string_view, static_cast<size_t>(ParseError::kCount)>
    kParseErrorReasons = {"ok",
                          "unknown level",
                          "bad timestamp",
                          "missing service",
                          "unrecognised format",
                          "line too long",
                          "invalid JSON",
                          "bad syslog header",
                          "bad access log line",
                          "bad key=value pairs",
                          "bad logplex framing"};

constexpr std::string_view reason(ParseError e) {
  return kParseErrorReasons[static_cast<size_t>(e)];
}

}  // namespace logstreamer::parse
