#include "simd/simd_level.h"

#include <cstdlib>
#include <cstring>
#include <vector>

namespace logstreamer::simd {
namespace {

#if defined(__x86_64__)
bool has(const char* feature) {
  __builtin_cpu_init();
  // __builtin_cpu_supports needs a literal: the features used, by name.
  if (std::strcmp(feature, "sse2") == 0) return __builtin_cpu_supports("sse2");
  if (std::strcmp(feature, "avx2") == 0) return __builtin_cpu_supports("avx2");
  if (std::strcmp(feature, "bmi") == 0) return __builtin_cpu_supports("bmi");
  if (std::strcmp(feature, "bmi2") == 0) return __builtin_cpu_supports("bmi2");
  if (std::strcmp(feature, "popcnt") == 0) return __builtin_cpu_supports("popcnt");
  if (std::strcmp(feature, "avx512f") == 0) return __builtin_cpu_supports("avx512f");
  if (std::strcmp(feature, "avx512bw") == 0) return __builtin_cpu_supports("avx512bw");
  if (std::strcmp(feature, "avx512dq") == 0) return __builtin_cpu_supports("avx512dq");
  if (std::strcmp(feature, "avx512vbmi") == 0) return __builtin_cpu_supports("avx512vbmi");
  if (std::strcmp(feature, "avx512vbmi2") == 0) return __builtin_cpu_supports("avx512vbmi2");
  if (std::strcmp(feature, "gfni") == 0) return __builtin_cpu_supports("gfni");
  return false;
}
#else
bool has(const char*) { return false; }
#endif

// What each tier needs. LZCNT comes with every AVX2 CPU (Haswell, Zen) but
// __builtin_cpu_supports cannot name it.
std::vector<const char*> needs(Level level) {
  switch (level) {
    case Level::kScalar:
      return {};
    case Level::kSse2:
      return {"sse2"};
    case Level::kAvx2:
      return {"avx2", "bmi", "bmi2", "popcnt"};
    case Level::kAvx512:
      return {"avx2", "bmi", "bmi2", "popcnt", "avx512f", "avx512bw"};
  }
  return {};
}

Level decide() {
  const char* forced = std::getenv("LOGSTREAMER_SIMD");
  if (forced != nullptr && *forced != '\0') {
    if (auto level = parse_level(forced); level && cpu_supports(*level)) return *level;
  }
  return best_level();
}

}  // namespace

bool cpu_supports(Level level) {
#if !defined(__x86_64__)
  if (level != Level::kScalar) return false;
#endif
  for (const char* f : needs(level)) {
    if (!has(f)) return false;
  }
  return true;
}

Level best_level() {
  for (Level l : {Level::kAvx512, Level::kAvx2, Level::kSse2}) {
    if (cpu_supports(l)) return l;
  }
  return Level::kScalar;
}

Level active_level() {
  static const Level level = decide();
  return level;
}

std::string check_forced_level() {
  const char* forced = std::getenv("LOGSTREAMER_SIMD");
  if (forced == nullptr || *forced == '\0') return {};
  const auto level = parse_level(forced);
  if (!level) {
    return std::string("LOGSTREAMER_SIMD=") + forced + ": not a tier (scalar, sse2, avx2, avx512)";
  }
  if (cpu_supports(*level)) return {};
  std::string missing;
  for (const char* f : needs(*level)) {
    if (!has(f)) missing += std::string(missing.empty() ? "" : " ") + f;
  }
#if !defined(__x86_64__)
  missing = "x86-64 (this build is for another architecture)";
#endif
  return std::string("LOGSTREAMER_SIMD=") + forced + ": this CPU lacks " + missing +
         " (it has: " + cpu_features() + ")";
}

const char* level_name(Level level) {
  switch (level) {
    case Level::kScalar:
      return "scalar";
    case Level::kSse2:
      return "sse2";
    case Level::kAvx2:
      return "avx2";
    case Level::kAvx512:
      return "avx512";
  }
  return "?";
}

std::optional<Level> parse_level(std::string_view name) {
  for (Level l : kAllLevels) {
    if (name == level_name(l)) return l;
  }
  return std::nullopt;
}

std::string cpu_features() {
  std::string out;
  for (const char* f : {"sse2", "avx2", "bmi2", "avx512bw", "avx512vbmi", "avx512vbmi2", "gfni"}) {
    if (has(f)) out += std::string(out.empty() ? "" : " ") + f;
  }
  return out.empty() ? "no x86 vector extensions" : out;
}

bool vbmi2_usable(Level level) {
  return level == Level::kAvx512 && cpu_supports(level) && has("avx512vbmi") &&
         has("avx512vbmi2") && has("avx512dq") && has("gfni");
}

bool vbmi2_active() {
  static const bool yes = vbmi2_usable(active_level());
  return yes;
}

}  // namespace logstreamer::simd
