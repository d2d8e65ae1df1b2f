#pragma once
// The byte classes (simd/byte_classes.h) of 32 bytes at once with AVX2
// compares, for the AVX2 template and shape kernels. x86-64 only; every
// function has the AVX2 target attribute (LS_AVX2).
#include <immintrin.h>

#define LS_AVX2 __attribute__((target("avx2,bmi,bmi2,lzcnt,popcnt")))

namespace logstreamer::simd::avx2_classes {

// Bytes in [lo, lo + count): an unsigned range test via a signed compare.
LS_AVX2 inline __m256i in_range(__m256i v, int lo, int count) {
  const __m256i shifted = _mm256_add_epi8(v, _mm256_set1_epi8(static_cast<char>(0x80 - lo)));
  return _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(-128 + count)), shifted);
}

// 0xff in each byte of a class, 0 elsewhere.
struct Classes32 {
  __m256i digit, alpha, dot, percent, sign, token;
};

LS_AVX2 inline Classes32 classify(__m256i v) {
  Classes32 c;
  c.digit = in_range(v, '0', 10);
  c.alpha = in_range(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), 'a', 26);
  c.dot = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('.'));
  c.percent = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('%'));
  c.sign = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('-')),
                           _mm256_cmpeq_epi8(v, _mm256_set1_epi8('+')));
  const __m256i other = _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('_')),
                                        _mm256_cmpgt_epi8(_mm256_setzero_si256(), v));  // >= 0x80
  c.token = _mm256_or_si256(
      _mm256_or_si256(_mm256_or_si256(c.digit, c.alpha), _mm256_or_si256(c.dot, c.percent)),
      _mm256_or_si256(c.sign, other));
  return c;
}

}  // namespace logstreamer::simd::avx2_classes
