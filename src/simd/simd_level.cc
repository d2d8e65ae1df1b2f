#include "simd/simd_level.h"

#include <cstdlib>
#include <cstring>

namespace logstreamer::simd {
namespace {

Level detect() {
  const char* forced = std::getenv("LOGSTREAMER_SIMD");
  if (forced != nullptr && std::strcmp(forced, "sse2") == 0) return Level::kSse2;
  return cpu_supports(Level::kAvx512) ? Level::kAvx512 : Level::kSse2;
}

}  // namespace

bool cpu_supports(Level level) {
  switch (level) {
    case Level::kSse2:
      return true;  // part of x86-64
    case Level::kAvx512:
      // BW for byte compares into 64-bit masks; BMI1/2 and LZCNT for the bit
      // scans the kernels do on those masks. Every CPU with AVX-512BW has
      // LZCNT, which clang's __builtin_cpu_supports cannot name.
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  }
  return false;
}

Level active_level() {
  static const Level level = detect();
  return level;
}

bool vbmi2_active() {
  static const bool yes = active_level() == Level::kAvx512 && __builtin_cpu_supports("avx512vbmi") &&
                          __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("avx512dq") &&
                          __builtin_cpu_supports("gfni") &&
                          __builtin_cpu_supports("popcnt");
  return yes;
}

const char* level_name(Level level) { return level == Level::kAvx512 ? "avx512" : "sse2"; }

}  // namespace logstreamer::simd
