#include "parse/level.h"

#include <array>
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

// A perfect hash over the packed aliases: slot = (key * multiplier) >> 58.
// Levels arrive in random order, so a loop over the aliases mispredicted its
// exit on most lines; one multiply, one load and one compare do not. The
// multiplier is searched at compile time, so adding an alias needs no
// hand-tuning (the build fails if none is found).
constexpr int kSlotBits = 6;

struct LevelTable {
  uint64_t multiplier = 0;
  std::array<Alias, size_t{1} << kSlotBits> slots{};  // key 0: empty (no alias packs to 0)
};

constexpr size_t slot_of(uint64_t key, uint64_t multiplier) { return (key * multiplier) >> (64 - kSlotBits); }

constexpr LevelTable make_level_table() {
  uint64_t state = 0;
  for (int attempt = 0; attempt < 10000; ++attempt) {
    // splitmix64: a well-mixed odd multiplier per attempt.
    state += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    const uint64_t multiplier = (z ^ (z >> 31)) | 1;
    LevelTable t{multiplier, {}};
    bool ok = true;
    for (const Alias& a : kAliases) {
      Alias& slot = t.slots[slot_of(a.key, multiplier)];
      if (slot.key != 0) {
        ok = false;
        break;
      }
      slot = a;
    }
    if (ok) return t;
  }
  return {};
}

constexpr LevelTable kLevelTable = make_level_table();
static_assert(kLevelTable.multiplier != 0, "no perfect hash for the level aliases: raise kSlotBits");

constexpr uint64_t kLower = 0x2020202020202020ULL;

std::optional<Level> lookup(uint64_t key) {
  const Alias& slot = kLevelTable.slots[slot_of(key, kLevelTable.multiplier)];
  if (slot.key != key) return std::nullopt;
  return slot.level;
}

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
  return lookup(key | kLower >> (8 * (8 - token.size())));
}

std::optional<Level> parse_level_in(std::string_view token, size_t readable) {
  if (token.empty() || token.size() > 8 || readable < 8) return parse_level(token);
  uint64_t key;
  std::memcpy(&key, token.data(), 8);
  const unsigned bits = static_cast<unsigned>(8 * token.size());
  key &= ~uint64_t{0} >> (64 - bits);  // only the token's bytes
  return lookup(key | kLower >> (64 - bits));
}

}  // namespace logstreamer::parse
