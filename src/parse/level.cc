#include "parse/level.h"

#include <cstring>

namespace logstreamer::parse {
namespace {

// Packs up to 8 ASCII letters, lower-cased, into one integer so that a level
// token is recognised with integer compares instead of string compares.
constexpr uint64_t pack(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < s.size(); ++i) v |= static_cast<uint64_t>(s[i] | 0x20) << (8 * i);
  return v;
}

struct Alias {
  uint64_t key;
  Level level;
};

// Most frequent spellings first.
constexpr Alias kAliases[] = {
    {pack("info"), Level::kInfo},      {pack("error"), Level::kError},
    {pack("warn"), Level::kWarn},      {pack("debug"), Level::kDebug},
    {pack("warning"), Level::kWarn},   {pack("err"), Level::kError},
    {pack("trace"), Level::kTrace},    {pack("fatal"), Level::kFatal},
    {pack("notice"), Level::kNotice},  {pack("crit"), Level::kFatal},
    {pack("critical"), Level::kFatal}, {pack("panic"), Level::kFatal},
    {pack("emerg"), Level::kFatal},    {pack("alert"), Level::kFatal},
    {pack("inf"), Level::kInfo},       {pack("dbg"), Level::kDebug},
    {pack("trc"), Level::kTrace},      {pack("ftl"), Level::kFatal},
};

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
  key |= 0x2020202020202020ULL >> (8 * (8 - token.size()));
  for (const Alias& a : kAliases) {
    if (a.key == key) return a.level;
  }
  return std::nullopt;
}

}  // namespace logstreamer::parse
