// The x86 byte kernels (simd/bytes.h), one function per tier, each compiled
// for its tier with a target attribute. x86-64 only (CMake adds this file there).
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "simd/bytes.h"
#include "simd/read_ahead.h"

namespace logstreamer::simd::detail {

#define LS_AVX2 __attribute__((target("avx2,bmi,bmi2,lzcnt,popcnt")))
#define LS_AVX512 __attribute__((target("avx512f,avx512bw,bmi,bmi2,lzcnt")))

namespace {

// Lanes [0, n) for n <= 64.
LS_AVX512 inline __mmask64 first_lanes(size_t n) {
  return _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(n));
}

}  // namespace

// ---- sse2 ----

uint64_t blank_mask_sse2(const char* p, size_t n) {
  alignas(16) char padded[64];
  if (n < 64) {  // a short line: work on a zero-padded copy (zero is not blank)
    std::memset(padded, 0, sizeof padded);
    std::memcpy(padded, p, n);
    p = padded;
  }
  uint64_t mask = 0;
  for (int i = 0; i < 64; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i blank =
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
    mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(blank))) << i;
  }
  return mask;
}

// ---- avx2 ----
//
// AVX2 has no byte-masked loads. A whole 32-byte vector is read past the end
// of the input only when it stays inside the input's 4 KiB page (a read
// inside a mapped page cannot fault; the bytes past the end are masked off),
// as glibc's own string functions do; otherwise the tail goes to the C
// library. Under AddressSanitizer, which reports such reads however safe,
// tails always go to the C library.

LS_AVX2 static inline uint32_t blanks32(const char* p) {
  const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i blank = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(' ')),
                                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\t')));
  return static_cast<uint32_t>(_mm256_movemask_epi8(blank));
}

LS_AVX2 uint64_t blank_mask_avx2(const char* p, size_t n) {
  if (n >= 64) return blanks32(p) | (uint64_t{blanks32(p + 32)} << 32);
  if (n == 0) return 0;
  if (may_read_ahead(p, 64)) {
    return _bzhi_u64(blanks32(p) | (uint64_t{blanks32(p + 32)} << 32), static_cast<unsigned>(n));
  }
  alignas(32) char padded[64];
  _mm256_store_si256(reinterpret_cast<__m256i*>(padded), _mm256_setzero_si256());
  _mm256_store_si256(reinterpret_cast<__m256i*>(padded + 32), _mm256_setzero_si256());
  std::memcpy(padded, p, n);
  return blanks32(padded) | (uint64_t{blanks32(padded + 32)} << 32);
}

LS_AVX2 const char* find_avx2(const char* p, const char* end, char c) {
  const __m256i needle = _mm256_set1_epi8(c);
  auto hits_at = [&](const char* q) LS_AVX2 {
    return static_cast<uint32_t>(_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)), needle)));
  };
  // 64 bytes a round: a line (~60-130 bytes) then takes one or two rounds,
  // and the loop's exit, which depends on the line's length, mispredicts
  // less often than with four or five 32-byte rounds.
  while (end - p >= 64) {
    const uint64_t hits = hits_at(p) | uint64_t{hits_at(p + 32)} << 32;
    if (hits != 0) return p + _tzcnt_u64(hits);
    p += 64;
  }
  if (end - p >= 32) {
    const uint32_t hits = hits_at(p);
    if (hits != 0) return p + _tzcnt_u32(hits);
    p += 32;
  }
  if (p == end) return nullptr;
  if (may_read_ahead(p, 32)) {
    const uint32_t hits = _bzhi_u32(hits_at(p), static_cast<unsigned>(end - p));
    return hits != 0 ? p + _tzcnt_u32(hits) : nullptr;
  }
  return static_cast<const char*>(std::memchr(p, c, static_cast<size_t>(end - p)));
}

LS_AVX2 bool equal_avx2(const char* a, const char* b, size_t n) {
  // Whole 32-byte blocks, then the last 1 to 32 bytes in one compare (or by
  // memcmp when that read would cross a page). Message templates are 30-80
  // bytes: leaving every key over 32 bytes to memcmp cost 2% of analyze.
  while (n > 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a));
    const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
    if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, y)) != -1) return false;
    a += 32;
    b += 32;
    n -= 32;
  }
  if (n == 0) return true;
  if (may_read_ahead(a, 32) && may_read_ahead(b, 32)) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a));
    const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
    const auto differ = static_cast<uint32_t>(~_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, y)));
    return _bzhi_u32(differ, static_cast<unsigned>(n)) == 0;
  }
  return std::memcmp(a, b, n) == 0;
}

// ---- avx512 ----

LS_AVX512 uint64_t blank_mask_avx512(const char* p, size_t n) {
  const __mmask64 lanes = first_lanes(n < 64 ? n : 64);
  const __m512i v = _mm512_maskz_loadu_epi8(lanes, p);
  return _mm512_mask_cmpeq_epi8_mask(lanes, v, _mm512_set1_epi8(' ')) |
         _mm512_mask_cmpeq_epi8_mask(lanes, v, _mm512_set1_epi8('\t'));
}

LS_AVX512 bool equal_avx512(const char* a, const char* b, size_t n) {
  while (n > 64) {
    if (_mm512_cmpneq_epi8_mask(_mm512_loadu_si512(a), _mm512_loadu_si512(b)) != 0) return false;
    a += 64;
    b += 64;
    n -= 64;
  }
  const __mmask64 lanes = first_lanes(n);
  return _mm512_mask_cmpneq_epi8_mask(lanes, _mm512_maskz_loadu_epi8(lanes, a),
                                      _mm512_maskz_loadu_epi8(lanes, b)) == 0;
}

namespace {

LS_AVX512 inline const char* find_in(const char* p, const char* end, char c) {
  const __m512i needle = _mm512_set1_epi8(c);
  // Whole blocks while they fit, then one masked block for the tail: no
  // byte outside [p, end) is read.
  // 128 bytes a round (most lines take one), the hit's offset picked without
  // a branch (tzcnt of an empty mask is 64).
  while (end - p >= 128) {
    const uint64_t low = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p), needle);
    const uint64_t high = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p + 64), needle);
    if ((low | high) != 0) return p + _tzcnt_u64(low) + (low == 0 ? _tzcnt_u64(high) : 0);
    p += 128;
  }
  if (end - p >= 64) {
    const uint64_t hits = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p), needle);
    if (hits != 0) return p + _tzcnt_u64(hits);
    p += 64;
  }
  const __mmask64 lanes = first_lanes(static_cast<size_t>(end - p));
  const uint64_t hits =
      _mm512_mask_cmpeq_epi8_mask(lanes, _mm512_maskz_loadu_epi8(lanes, p), needle);
  return hits != 0 ? p + _tzcnt_u64(hits) : nullptr;
}

}  // namespace

LS_AVX512 const char* find_avx512(const char* p, const char* end, char c) {
  return find_in(p, end, c);
}

LS_AVX512 const char* find_line_end_avx512(const char* p, const char* end, uint64_t& head_blanks) {
  const size_t size = static_cast<size_t>(end - p);
  const __mmask64 lanes = first_lanes(size < 64 ? size : 64);
  const __m512i v = _mm512_maskz_loadu_epi8(lanes, p);
  head_blanks = _mm512_mask_cmpeq_epi8_mask(lanes, v, _mm512_set1_epi8(' ')) |
                _mm512_mask_cmpeq_epi8_mask(lanes, v, _mm512_set1_epi8('\t'));
  const uint64_t hits = _mm512_mask_cmpeq_epi8_mask(lanes, v, _mm512_set1_epi8('\n'));
  if (hits != 0) return p + _tzcnt_u64(hits);
  return size > 64 ? find_in(p + 64, end, '\n') : nullptr;
}

}  // namespace logstreamer::simd::detail
