#pragma once
// The level aliases as a perfect hash on their packed spelling: the lookup
// behind parse_level(), in a header so the parsers' hot path inlines it.
// Included by level.h after Level is declared; do not include it directly.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace logstreamer::parse::level_table {

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

inline constexpr Alias kAliases[] = {
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
inline constexpr int kSlotBits = 6;

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

inline constexpr LevelTable kLevelTable = make_level_table();
static_assert(kLevelTable.multiplier != 0, "no perfect hash for the level aliases: raise kSlotBits");

inline constexpr uint64_t kLower = 0x2020202020202020ULL;

inline std::optional<Level> lookup_packed(uint64_t key) {
  const Alias& slot = kLevelTable.slots[slot_of(key, kLevelTable.multiplier)];
  if (slot.key != key) return std::nullopt;
  return slot.level;
}

}  // namespace logstreamer::parse::level_table
