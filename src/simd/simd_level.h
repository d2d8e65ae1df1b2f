#pragma once
// Which vector instruction set (tier) the kernels use, picked once at start.
//
// Tiers, each a superset of the one before on x86-64:
//   scalar  plain C++ (and the C library's memchr/memcmp): builds and runs
//           anywhere, aarch64 included; the reference the others are tested
//           against
//   sse2    the x86-64 baseline the binary is built for
//   avx2    Haswell / Zen 1 and later (with BMI1/2): most x86 servers in use
//   avx512  AVX-512BW (Ice Lake, Zen 4); message shapes also want VBMI2 and
//           GFNI (else they use the AVX2 kernel)
// Every kernel (simd/bytes.h, simd/message_mask.h, simd/message_shapes.h)
// has a version per tier, compiled with a target attribute per function
// (simdjson's approach) and chosen here at run time; no intrinsic or target
// attribute lives outside src/simd/.
//
// LOGSTREAMER_SIMD=scalar|sse2|avx2|avx512 forces a tier, for measurements
// and to test each tier on a machine that has a better one. A tier the CPU
// lacks is refused: check_forced_level() says so (main() exits 2), and the
// best supported tier is used meanwhile.
#include <optional>
#include <string>
#include <string_view>

namespace logstreamer::simd {

enum class Level { kScalar, kSse2, kAvx2, kAvx512 };
inline constexpr Level kAllLevels[] = {Level::kScalar, Level::kSse2, Level::kAvx2, Level::kAvx512};

// The tier in use: LOGSTREAMER_SIMD's if the CPU has it, else the best the
// CPU supports. Thread-safe; decided once.
Level active_level();

// Empty when LOGSTREAMER_SIMD is unset or names a tier this CPU has, else
// one line saying what is wrong ("LOGSTREAMER_SIMD=avx512: this CPU lacks
// avx512bw (it has: sse2 avx2)").
std::string check_forced_level();

// Whether this CPU (and this build: x86 tiers exist only on x86-64) can run `level`.
bool cpu_supports(Level level);
// The best tier this CPU supports.
Level best_level();

const char* level_name(Level level);
std::optional<Level> parse_level(std::string_view name);

// The CPU's features that matter to the tiers, for reports:
// "avx2 bmi2 avx512bw avx512vbmi2 gfni" (those present).
std::string cpu_features();

// Whether the AVX-512 shape kernel can run: the avx512 tier is active and
// the CPU also has VBMI, VBMI2, DQ, GFNI and POPCNT.
bool vbmi2_active();
// The same for a given tier (tests).
bool vbmi2_usable(Level level);

}  // namespace logstreamer::simd
