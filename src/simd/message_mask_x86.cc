// The x86 template masking kernels (simd/message_mask.h): SSE2, AVX2 and
// AVX-512 classification of a 64-byte block, each instantiating the generic
// algorithm (simd/mask_kernel_generic.h). x86-64 only.
#include <immintrin.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "simd/avx2_classes.h"
#include "simd/message_mask.h"
#include "simd/message_mask_common.h"

namespace logstreamer::simd::mask {

static_assert(std::endian::native == std::endian::little, "bit i of a mask is byte i");

namespace sse2 {
#define LS_KERNEL

// Lanes of bytes in [lo, lo + count): unsigned range test via a signed compare.
inline __m128i in_range(__m128i v, char lo, int count) {
  const __m128i shifted = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - lo)));
  return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + count)));
}

inline Mask movemask(__m128i v, int shift) {
  return static_cast<Mask>(static_cast<uint32_t>(_mm_movemask_epi8(v))) << shift;
}

// Classifies the 64 bytes of `block` (the message, zero padded: a zero byte is
// a delimiter, so padding never extends a token).
ClassMasks classify(const char* block) {
  ClassMasks m;
  for (int shift = 0; shift < 64; shift += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + shift));
    const __m128i digit = in_range(v, '0', 10);
    const __m128i alpha = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26);
    const __m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
    const __m128i percent = _mm_cmpeq_epi8(v, _mm_set1_epi8('%'));
    const __m128i sign =
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('+')));
    const __m128i other = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')),
                                       _mm_cmplt_epi8(v, _mm_setzero_si128()));  // >= 0x80
    const __m128i token =
        _mm_or_si128(_mm_or_si128(digit, alpha),
                     _mm_or_si128(_mm_or_si128(dot, percent), _mm_or_si128(sign, other)));
    m.token |= movemask(token, shift);
    m.digit |= movemask(digit, shift);
    m.alpha |= movemask(alpha, shift);
    m.dot |= movemask(dot, shift);
    m.percent |= movemask(percent, shift);
    m.sign |= movemask(sign, shift);
  }
  return m;
}

// Copies 64 bytes: `src` must have 64 readable bytes, `dst` 64 writable ones.
inline void copy64(char* dst, const char* src) {
  for (int i = 0; i < 64; i += 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
  }
}

#include "simd/mask_kernel_generic.h"
#undef LS_KERNEL
}  // namespace sse2

namespace avx2 {
#define LS_KERNEL LS_AVX2

LS_KERNEL inline Mask movemask(__m256i v, int shift) {
  return static_cast<Mask>(static_cast<uint32_t>(_mm256_movemask_epi8(v))) << shift;
}

// Two 32-byte halves; the same classes as the SSE2 kernel.
LS_KERNEL inline ClassMasks classify(const char* block) {
  ClassMasks m;
  for (int shift = 0; shift < 64; shift += 32) {
    const avx2_classes::Classes32 c =
        avx2_classes::classify(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + shift)));
    m.token |= movemask(c.token, shift);
    m.digit |= movemask(c.digit, shift);
    m.alpha |= movemask(c.alpha, shift);
    m.dot |= movemask(c.dot, shift);
    m.percent |= movemask(c.percent, shift);
    m.sign |= movemask(c.sign, shift);
  }
  return m;
}

LS_KERNEL inline void copy64(char* dst, const char* src) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst),
                      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src)));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 32),
                      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 32)));
}

#include "simd/mask_kernel_generic.h"
#undef LS_KERNEL
}  // namespace avx2

namespace avx512 {
#define LS_KERNEL __attribute__((target("avx512f,avx512bw,bmi,bmi2,lzcnt")))

// One 64-byte load; each class is one compare straight into a 64-bit mask.
LS_KERNEL inline ClassMasks classify(const char* block) {
  const __m512i v = _mm512_loadu_si512(block);
  const auto in_range = [](__m512i x, char lo, char count) LS_KERNEL {
    return _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8(lo)),
                                  _mm512_set1_epi8(count));
  };
  ClassMasks m;
  m.digit = in_range(v, '0', 10);
  m.alpha = in_range(_mm512_or_si512(v, _mm512_set1_epi8(0x20)), 'a', 26);
  m.dot = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('.'));
  m.percent = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('%'));
  m.sign = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('-')) |
           _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('+'));
  const Mask other =
      _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('_')) | _mm512_movepi8_mask(v);  // >= 0x80
  m.token = m.digit | m.alpha | m.dot | m.percent | m.sign | other;
  return m;
}

LS_KERNEL inline void copy64(char* dst, const char* src) {
  _mm512_storeu_si512(dst, _mm512_loadu_si512(src));
}

#include "simd/mask_kernel_generic.h"
#undef LS_KERNEL
}  // namespace avx512

MaskMessageKernel x86_kernel(Level level) {
  switch (level) {
    case Level::kAvx512:
      return &avx512::mask_message_bits;
    case Level::kAvx2:
      return &avx2::mask_message_bits;
    default:
      return &sse2::mask_message_bits;
  }
}

}  // namespace logstreamer::simd::mask
