#pragma once
// Which x86-64 vector instruction set the hot paths use, picked once at start.
//
// The binary is built for the x86-64 baseline (SSE2), so it runs anywhere;
// the kernels that matter (message masking, line and field scanning) also
// have AVX-512BW versions, compiled with a target attribute per function
// (simdjson's approach: one generic algorithm, instantiated per instruction
// set) and chosen here at run time. On this project's machine (AMD Zen 4)
// AVX-512 classifies 64 bytes in a handful of instructions where SSE2 needs
// four 16-byte passes.
//
// LOGSTREAMER_SIMD=sse2 forces the baseline, for A/B measurements and to test
// the fallback on a machine that has AVX-512.

namespace logstreamer::simd {

enum class Level { kSse2, kAvx512 };

// The level in use: the best the CPU supports, unless the environment says
// otherwise. Thread-safe; detection runs once.
Level active_level();

// Whether the CPU itself supports `level` (tests run every supported kernel).
bool cpu_supports(Level level);

const char* level_name(Level level);

// Whether the AVX-512 level is active and the CPU also has VBMI and VBMI2
// (byte permutes and byte compress: Ice Lake, Zen 4 and later), which the
// message-shape kernel needs (aggregate/message_shapes.h).
bool vbmi2_active();

}  // namespace logstreamer::simd
