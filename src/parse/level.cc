#include "parse/level.h"

#include <array>
#include <cstring>

namespace logstreamer::parse {
namespace {

bool iequals(std::string_view token, std::string_view lower) {
  if (token.size() != lower.size()) return false;
  for (size_t i = 0; i < token.size(); ++i) {
    if ((token[i] | 0x20) != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<Level> parse_level(std::string_view token) {
  if (token.empty()) return std::nullopt;
  if (token.size() > 8) {  // the two aliases too long to pack
    if (iequals(token, "emergency")) return Level::kFatal;
    if (iequals(token, "information")) return Level::kInfo;
    return std::nullopt;
  }
  // One load, lower-cased by OR 0x20. No separate letter check is needed: a
  // byte whose OR 0x20 is in 'a'..'z' was a letter, and aliases are letters.
  uint64_t key = 0;
  std::memcpy(&key, token.data(), token.size());
  return level_table::lookup_packed(key | level_table::kLower >> (8 * (8 - token.size())));
}

}  // namespace logstreamer::parse
