#pragma once
// The AVX2 shape kernel (simd/message_shapes.h): how a message of up to 127
// bytes becomes its *wide* shape in 256-bit registers. Internal to
// message_shapes_x86.cc; every function needs AVX2 (LS_AVX2), which
// shape_kernel() checks before any of them runs.
//
// The same rule as the AVX-512 kernel (shape_kernels_avx512.h), in the same
// two lane layouts, four 64-bit lanes to a register: four short messages (up
// to 63 bytes) a group, or two long ones (64-127 bytes) in lane pairs that
// hold 128-bit masks. Class masks come from AVX2 compares and movemask (no
// transpose needed: one 64-bit word per message and class), bit reversal is
// two nibble lookups and a byte shuffle.
//
// What differs is the output. AVX2 has no byte compress, and squeezing the
// dropped bytes out eight at a time with table-driven shuffles cost more
// than building the template (docs/PERFORMANCE.md). So a wide shape keeps
// every byte in its place: markers written in, every byte the squeezed
// shape drops set to zero. Squeezing it (dropping its zero bytes) gives the
// squeezed shape exactly, because every kept byte is non-zero (a message
// holding a byte 0x00-0x02 has no shape); so equal wide shapes have equal
// templates too. They are less general (numbers of different lengths give
// different wide shapes of the same template), which costs a few more
// entries in the cache, not exactness. Tests check that the squeezed wide
// shape equals the scalar kernel's shape.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "simd/avx2_classes.h"  // LS_AVX2
#include "simd/message_shapes.h"
#include "simd/read_ahead.h"

namespace logstreamer::simd::shapes::avx2 {

// The bits of each 64-bit lane in reverse order: each byte's nibbles
// reversed by lookup and swapped, then the lane's bytes reversed.
LS_AVX2 inline __m256i reverse_lane_bits(__m256i x) {
  const __m256i reversed_nibble = _mm256_setr_epi8(
      0x0, 0x8, 0x4, 0xc, 0x2, 0xa, 0x6, 0xe, 0x1, 0x9, 0x5, 0xd, 0x3, 0xb, 0x7, 0xf, 0x0, 0x8, 0x4,
      0xc, 0x2, 0xa, 0x6, 0xe, 0x1, 0x9, 0x5, 0xd, 0x3, 0xb, 0x7, 0xf);
  const __m256i reversed_nibble_high = _mm256_slli_epi16(reversed_nibble, 4);
  const __m256i low_nibbles = _mm256_set1_epi8(0x0f);
  const __m256i low = _mm256_and_si256(x, low_nibbles);
  const __m256i high = _mm256_and_si256(_mm256_srli_epi16(x, 4), low_nibbles);
  const __m256i bytes = _mm256_or_si256(_mm256_shuffle_epi8(reversed_nibble_high, low),
                                        _mm256_shuffle_epi8(reversed_nibble, high));
  const __m256i reverse_bytes =
      _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
                       15, 14, 13, 12, 11, 10, 9, 8);
  return _mm256_shuffle_epi8(bytes, reverse_bytes);
}

// ---- The two lane layouts: the integer operations the rule needs ----

// Four 64-bit masks, one short message each.
struct SingleLanes {
  template <int K>
  LS_AVX2 static __m256i shl(__m256i x) {
    return _mm256_slli_epi64(x, K);
  }
  template <int K>
  LS_AVX2 static __m256i shr(__m256i x) {
    return _mm256_srli_epi64(x, K);
  }
  LS_AVX2 static __m256i add(__m256i a, __m256i b) { return _mm256_add_epi64(a, b); }
  LS_AVX2 static __m256i reverse(__m256i x) { return reverse_lane_bits(x); }
};

// Two 128-bit masks, one long message each, a 128-bit lane apiece: the low
// half in the lane's first word. Shifts carry bits between the halves; the
// low half's carry is added to the high half.
struct PairedLanes {
  template <int K>
  LS_AVX2 static __m256i shl(__m256i x) {  // the high half gets the low's top bits
    return _mm256_or_si256(_mm256_slli_epi64(x, K),
                           _mm256_srli_epi64(_mm256_slli_si256(x, 8), 64 - K));
  }
  template <int K>
  LS_AVX2 static __m256i shr(__m256i x) {  // the low half gets the high's bottom bits
    return _mm256_or_si256(_mm256_srli_epi64(x, K),
                           _mm256_slli_epi64(_mm256_srli_si256(x, 8), 64 - K));
  }
  LS_AVX2 static __m256i add(__m256i a, __m256i b) {
    const __m256i sum = _mm256_add_epi64(a, b);
    // Unsigned a > sum: the word overflowed (signed compare, sign bits flipped).
    const __m256i flip = _mm256_set1_epi64x(static_cast<long long>(0x8000000000000000ULL));
    const __m256i carry =
        _mm256_cmpgt_epi64(_mm256_xor_si256(a, flip), _mm256_xor_si256(sum, flip));
    return _mm256_sub_epi64(sum, _mm256_slli_si256(carry, 8));  // -(-1) into the high word
  }
  LS_AVX2 static __m256i reverse(__m256i x) {
    return _mm256_shuffle_epi32(reverse_lane_bits(x), 0x4e);  // and swap the halves
  }
};

// The rule (shape_rule_generic.h) on 256-bit registers.
using Vec = __m256i;
LS_AVX2 inline Vec vand(Vec a, Vec b) { return _mm256_and_si256(a, b); }
LS_AVX2 inline Vec vor(Vec a, Vec b) { return _mm256_or_si256(a, b); }
LS_AVX2 inline Vec and_not(Vec a, Vec b) { return _mm256_andnot_si256(b, a); }  // a & ~b
#define LS_KERNEL LS_AVX2
#include "simd/shape_rule_generic.h"
#undef LS_KERNEL

// Class k of a group, lane j: words[k][j].
enum ClassIndex {
  kDigitWords,
  kAlphaWords,
  kDotWords,
  kPercentWords,
  kSignWords,
  kTokenWords,
  kInMessageWords,
  kClassWords
};

// ---- Class words of one message ----

// The class words of `blocks` 64-byte blocks of message m into lanes
// first_lane.. of `words`; false if it holds a byte that could pass for a
// marker. Whole-vector reads in place when they stay within the message's
// page (bytes past the message are masked off), else from a zero-padded copy.
template <int kBlocks>
LS_AVX2 inline bool class_words(std::string_view m, uint64_t (*words)[4], int first_lane) {
  constexpr int kBytes = 64 * kBlocks;
  alignas(32) char padded[kBytes];
  const char* src = m.data();
  if (m.empty() || !may_read_ahead(src, kBytes)) {
    for (int i = 0; i < kBytes; i += 32) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(padded + i), _mm256_setzero_si256());
    }
    std::memcpy(padded, m.data(), m.size());
    src = padded;
  }
  bool marker_like = false;
  for (int b = 0; b < kBlocks; ++b) {
    const char* block = src + 64 * b;
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32));
    const avx2_classes::Classes32 k0 = avx2_classes::classify(v0);
    const avx2_classes::Classes32 k1 = avx2_classes::classify(v1);
    const auto word = [](__m256i lo, __m256i hi) LS_AVX2 {
      return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(lo))) |
             static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(hi))) << 32;
    };
    const size_t in_block = m.size() - std::min<size_t>(m.size(), 64 * b);
    const uint64_t in = in_block >= 64 ? ~uint64_t{0} : (uint64_t{1} << in_block) - 1;
    const int lane = first_lane + b;
    words[kDigitWords][lane] = word(k0.digit, k1.digit) & in;
    words[kAlphaWords][lane] = word(k0.alpha, k1.alpha) & in;
    words[kDotWords][lane] = word(k0.dot, k1.dot) & in;
    words[kPercentWords][lane] = word(k0.percent, k1.percent) & in;
    words[kSignWords][lane] = word(k0.sign, k1.sign) & in;
    words[kTokenWords][lane] = word(k0.token, k1.token) & in;
    words[kInMessageWords][lane] = in;
    marker_like |=
        (word(avx2_classes::in_range(v0, 0, 3), avx2_classes::in_range(v1, 0, 3)) & in) != 0;
  }
  return !marker_like;
}

// ---- Wide shapes ----

// 0xff in byte j for each bit j of `bits`.
LS_AVX2 inline __m256i expand_bits(uint32_t bits) {
  const __m256i spread =
      _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(bits)),
                          _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2,
                                           2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
  const __m256i bit = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ULL));
  return _mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit);
}

// 32 bytes of a wide shape: markers written in, what is not kept zeroed.
LS_AVX2 inline __m256i widen(__m256i v, uint32_t keep, uint32_t id_marks, uint32_t number_marks) {
  v = _mm256_blendv_epi8(v, _mm256_set1_epi8(static_cast<char>(kIdMarker)), expand_bits(id_marks));
  v = _mm256_blendv_epi8(v, _mm256_set1_epi8(static_cast<char>(kNumberMarker)),
                         expand_bits(number_marks));
  return _mm256_and_si256(v, expand_bits(keep));
}

// Each word rotated by its own amount (r: four rotations), for the fold.
LS_AVX2 inline __m256i rotate_words(__m256i x, __m256i r) {
  return _mm256_or_si256(_mm256_sllv_epi64(x, r),
                         _mm256_srlv_epi64(x, _mm256_sub_epi64(_mm256_set1_epi64x(64), r)));
}
LS_AVX2 inline uint64_t fold_words(__m256i x) {
  const __m128i half = _mm_xor_si128(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
  return static_cast<uint64_t>(_mm_cvtsi128_si64(half)) ^
         static_cast<uint64_t>(_mm_extract_epi64(half, 1));
}

// The wide shape of the message at p (blocks 64-byte blocks, bytes past the
// message zero because nothing past it is kept) into out, from its plan's
// words.
template <int kBlocks>
LS_AVX2 inline void write_wide(std::string_view m, const uint64_t* keep, const uint64_t* id_marks,
                               const uint64_t* number_marks, Shape& out) {
  constexpr int kBytes = 64 * kBlocks;
  alignas(32) char padded[kBytes];
  const char* src = m.data();
  if (!may_read_ahead(src, kBytes)) {
    std::memset(padded, 0, kBytes);
    std::memcpy(padded, m.data(), m.size());
    src = padded;
  }
  __m256i folded = _mm256_setzero_si256();
  for (int h = 0; h < 2 * kBlocks; ++h) {
    const int word = h / 2, shift = 32 * (h % 2);
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 32 * h));
    const __m256i wide = widen(v, static_cast<uint32_t>(keep[word] >> shift),
                               static_cast<uint32_t>(id_marks[word] >> shift),
                               static_cast<uint32_t>(number_marks[word] >> shift));
    _mm256_store_si256(reinterpret_cast<__m256i*>(out.bytes + 32 * h), wide);
    const __m256i rotations = _mm256_setr_epi64x(4 * h + 1, 4 * h + 19, 4 * h + 37, 4 * h + 53);
    folded = _mm256_xor_si256(folded, rotate_words(wide, rotations));
  }
  out.fold = fold_words(folded);
}

}  // namespace logstreamer::simd::shapes::avx2
