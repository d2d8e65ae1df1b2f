#pragma once
// Byte-string primitives for the per-line hot path, one version per tier
// (simd_level.h), chosen by one predictable branch on the tier in use.
//
// They replace memchr and memcmp on short inputs (a line of ~100 bytes, a key
// of ~10-60 bytes), where the library versions spend their time on length
// dispatch and mispredict on every other call: with AVX-512 masked loads a
// key of up to 64 bytes is compared in one step, whatever its length, and
// never reads a byte outside [p, p + n) (masked-out lanes do not fault).
// AVX2 has no byte-masked loads: its versions read a whole 32-byte block past
// the input's end only within the input's memory page (which cannot fault),
// and otherwise leave tails to the C library (bytes_x86.cc).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "simd/simd_level.h"

namespace logstreamer::simd {

namespace detail {
uint64_t blank_mask_scalar(const char* p, size_t n);
uint64_t blank_mask_sse2(const char* p, size_t n);
uint64_t blank_mask_avx2(const char* p, size_t n);
uint64_t blank_mask_avx512(const char* p, size_t n);
const char* find_avx2(const char* p, const char* end, char c);
bool equal_avx2(const char* a, const char* b, size_t n);
const char* find_avx512(const char* p, const char* end, char c);
const char* find_line_end_avx512(const char* p, const char* end, uint64_t& head_blanks);
bool equal_avx512(const char* a, const char* b, size_t n);
// Read once at start-up; a global so the hot path pays one predictable branch.
extern const Level kLevel;
// The kernels of a given tier (which the CPU must support), for tests.
uint64_t blank_mask_for(Level level, const char* p, size_t n);
const char* find_for(Level level, const char* p, const char* end, char c);
const char* find_line_end_for(Level level, const char* p, const char* end, uint64_t& head_blanks);
bool equal_for(Level level, const char* a, const char* b, size_t n);
}  // namespace detail

// Whether the n bytes at a and b are equal.
inline bool equal(const char* a, const char* b, size_t n) {
  if (detail::kLevel == Level::kAvx512) return detail::equal_avx512(a, b, n);
  if (detail::kLevel == Level::kAvx2) return detail::equal_avx2(a, b, n);
  return std::memcmp(a, b, n) == 0;  // glibc's is vectorised for the CPU already
}

// The first c in [p, end), or nullptr.
inline const char* find(const char* p, const char* end, char c) {
  if (detail::kLevel == Level::kAvx512) return detail::find_avx512(p, end, c);
  if (detail::kLevel == Level::kAvx2) return detail::find_avx2(p, end, c);
  return static_cast<const char*>(std::memchr(p, c, static_cast<size_t>(end - p)));
}

// Bit i set when p[i] is a space or a tab, for i < min(n, 64); higher bits
// are clear. Field splitting from this mask is a tzcnt per field instead of a
// byte (or word) loop whose exit mispredicts with every field length.
uint64_t blank_mask(const char* p, size_t n);

// The end of the line that starts at p: the first '\n' in [p, end), or
// nullptr; and in `head_blanks`, blank_mask(p, end - p) (the blanks of the
// first 64 bytes), which the plain parser wants of the same line. AVX-512
// takes both from one load of the first block (one call a line, not two);
// the other tiers call find() and blank_mask().
inline const char* find_line_end(const char* p, const char* end, uint64_t& head_blanks) {
  if (detail::kLevel == Level::kAvx512) return detail::find_line_end_avx512(p, end, head_blanks);
  head_blanks = blank_mask(p, static_cast<size_t>(end - p));
  return find(p, end, '\n');
}

inline uint64_t blank_mask(const char* p, size_t n) {
  switch (detail::kLevel) {
    case Level::kAvx512:
      return detail::blank_mask_avx512(p, n);
    case Level::kAvx2:
      return detail::blank_mask_avx2(p, n);
    case Level::kSse2:
      return detail::blank_mask_sse2(p, n);
    case Level::kScalar:
      break;
  }
  return detail::blank_mask_scalar(p, n);
}

}  // namespace logstreamer::simd
