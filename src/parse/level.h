#pragma once
// Severity levels, normalised. Every format maps its own spelling onto these
// seven, so counts from JSON, syslog and plain lines add up.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace logstreamer::parse {

enum class Level : uint8_t { kTrace, kDebug, kInfo, kNotice, kWarn, kError, kFatal };
inline constexpr size_t kLevelCount = 7;

inline constexpr std::array<std::string_view, kLevelCount> kLevelNames = {
    "TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "FATAL"};

constexpr std::string_view level_name(Level level) {
  return kLevelNames[static_cast<size_t>(level)];
}

// Case-insensitive. Aliases: WARNING->WARN, ERR->ERROR, INFORMATION/INF->INFO,
// DBG->DEBUG, TRC->TRACE, CRIT/CRITICAL/PANIC/EMERG/EMERGENCY/ALERT/FTL->FATAL.
// Returns nullopt for anything else. No allocation; a handful of compares.
std::optional<Level> parse_level(std::string_view token);

// parse_level() for a token inside a longer text, where `readable` bytes from
// the token's start may be read (>= token.size()): with 8 of them the token is
// packed by one load and a mask instead of a length-dependent copy.
inline std::optional<Level> parse_level_in(std::string_view token, size_t readable);

}  // namespace logstreamer::parse

#include "parse/level_table.h"

namespace logstreamer::parse {

inline std::optional<Level> parse_level_in(std::string_view token, size_t readable) {
  if (token.empty() || token.size() > 8 || readable < 8) return parse_level(token);
  uint64_t key;
  std::memcpy(&key, token.data(), 8);
  const unsigned bits = static_cast<unsigned>(8 * token.size());
  key &= ~uint64_t{0} >> (64 - bits);  // only the token's bytes
  return level_table::lookup_packed(key | level_table::kLower >> (64 - bits));
}

}  // namespace logstreamer::parse
