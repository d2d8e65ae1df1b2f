#pragma once
// The AVX2 shape kernel (simd/message_shapes.h): how a message of up to 127
// bytes becomes its *wide* shape in 256-bit registers. Internal to
// message_shapes_x86.cc; every function needs AVX2 (LS_AVX2), which
// shape_kernel() checks before any of them runs.
//
// The same rule as the AVX-512 kernel (shape_kernels_avx512.h), in the same
// two lane layouts, four 64-bit lanes to a register: four short messages (up
// to 63 bytes) a group, or two long ones (64-127 bytes) in lane pairs that
// hold 128-bit masks. Class masks come from two nibble lookups per 32 bytes
// and a movemask per class (no transpose needed: one 64-bit word per message
// and class); bit reversal is two nibble lookups and a byte shuffle.
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

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "simd/avx2_classes.h"  // LS_AVX2
#include "simd/byte_classes.h"
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

// Where kBytes whole-vector bytes of message m may be read: in place when
// they stay within the message's page (the bytes past it are masked off by
// the caller), else from `padded`, a zero-padded copy. The copy costs a
// store-forwarding stall, so it is the exception.
template <int kBytes>
LS_AVX2 inline const char* readable(std::string_view m, char* padded) {
  if (!m.empty() && may_read_ahead(m.data(), kBytes)) return m.data();
  for (int i = 0; i < kBytes; i += 32) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(padded + i), _mm256_setzero_si256());
  }
  if (!m.empty()) std::memcpy(padded, m.data(), m.size());
  return padded;
}

// The byte classes by two nibble lookups (simdjson's way): a byte's class
// bits are kLow[its low nibble] & kHigh[its high nibble]. Letters take two
// bits (A-O/a-o and P-Z/p-z have different low nibbles); bytes >= 0x80
// look up zero and are told apart by their top bit. Three constants in all:
// range compares per class needed thirteen, more than the registers, and
// the compiler rebuilt them for every message (a third of the kernel).
namespace nibble {
enum : uint8_t {
  kLetterA = 0x01,  // A-O, a-o (high nibble 4 or 6, low 1-F)
  kLetterP = 0x02,  // P-Z, p-z (high nibble 5 or 7, low 0-A)
  kDot = 0x04,
  kPercent = 0x08,
  kSign = 0x10,
  kUnderscore = 0x20,
  kMarker = 0x40,  // 0x00-0x02
  kDigit = 0x80,   // the top bit: movemask reads it directly
};
// The tables, 16 entries repeated for each 128-bit lane (PSHUFB looks up
// within a lane).
constexpr std::array<uint8_t, 32> low_nibble_table() {
  std::array<uint8_t, 32> t{};
  for (int i = 0; i < 32; ++i) {
    const int low = i % 16;
    t[i] =
        static_cast<uint8_t>((low <= 9 ? kDigit : 0) | (low >= 1 ? kLetterA : 0) |
                             (low <= 0xa ? kLetterP : 0) | (low == 0xe ? kDot : 0) |
                             (low == 0x5 ? kPercent : 0) | (low == 0xb || low == 0xd ? kSign : 0) |
                             (low == 0xf ? kUnderscore : 0) | (low <= 2 ? kMarker : 0));
  }
  return t;
}
constexpr std::array<uint8_t, 32> high_nibble_table() {
  std::array<uint8_t, 32> t{};
  for (int i = 0; i < 32; ++i) {
    const int high = i % 16;
    t[i] =
        static_cast<uint8_t>(high == 0                ? kMarker
                             : high == 2              ? kDot | kPercent | kSign
                             : high == 3              ? kDigit
                             : high == 4 || high == 6 ? kLetterA
                             : high == 5              ? kLetterP | kUnderscore
                             : high == 7              ? kLetterP
                                         : 0);  // 8-F: bytes >= 0x80, told apart by their top bit
  }
  return t;
}
alignas(32) inline constexpr std::array<uint8_t, 32> kLowNibbles = low_nibble_table();
alignas(32) inline constexpr std::array<uint8_t, 32> kHighNibbles = high_nibble_table();

// The lookups give every byte below 0x80 the classes of simd/byte_classes.h,
// the one table the other kernels use: checked here, at compile time.
constexpr bool agrees_with_byte_classes() {
  for (int c = 0; c < 0x80; ++c) {
    const int got = kLowNibbles[c & 15] & kHighNibbles[c >> 4];
    const int want = kByteClasses[c];
    const bool letter = (got & (kLetterA | kLetterP)) != 0;
    const bool token = (got & ~kMarker) != 0;
    if (((got & kDigit) != 0) != ((want & simd::kDigit) != 0) ||
        letter != ((want & simd::kAlpha) != 0) ||
        ((got & kDot) != 0) != ((want & simd::kDot) != 0) ||
        ((got & kPercent) != 0) != ((want & simd::kPercent) != 0) ||
        ((got & kSign) != 0) != ((want & simd::kSign) != 0) ||
        token != ((want & simd::kToken) != 0) ||
        ((got & kMarker) != 0) != ((want & simd::kMarkerLike) != 0)) {
      return false;
    }
  }
  return true;
}
static_assert(agrees_with_byte_classes(), "the nibble tables must give byte_classes.h's classes");

LS_AVX2 inline __m256i classes(__m256i v) {
  const __m256i low_table = _mm256_load_si256(reinterpret_cast<const __m256i*>(kLowNibbles.data()));
  const __m256i high_table =
      _mm256_load_si256(reinterpret_cast<const __m256i*>(kHighNibbles.data()));
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  return _mm256_and_si256(
      _mm256_shuffle_epi8(low_table, _mm256_and_si256(v, nibble)),
      _mm256_shuffle_epi8(high_table, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)));
}
// The bits of the bytes that have class bit `bit` (a power of two).
template <int kBit>
LS_AVX2 inline uint32_t bits(__m256i classes) {
  constexpr int kShift = 7 - std::countr_zero(static_cast<unsigned>(kBit));
  return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_slli_epi16(classes, kShift)));
}
// The bits of the bytes that have any of the class bits in `mask`.
LS_AVX2 inline uint32_t any_bits(__m256i classes, char mask) {
  return ~static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(
      _mm256_and_si256(classes, _mm256_set1_epi8(mask)), _mm256_setzero_si256())));
}
}  // namespace nibble

// The class words of `kBlocks` 64-byte blocks of message m into lanes
// first_lane.. of `words`; false if it holds a byte that could pass for a
// marker. Bytes past the message are masked off with the message's lanes.
// One 32-byte half at a time, each class to its bits at once: fewer
// registers live.
template <int kBlocks>
LS_AVX2 inline bool class_words(std::string_view m, uint64_t (*words)[4], int first_lane) {
  alignas(32) char padded[64 * kBlocks];
  const char* const src = readable<64 * kBlocks>(m, padded);
  bool marker_like = false;
  for (int b = 0; b < kBlocks; ++b) {
    uint64_t digit = 0, alpha = 0, dot = 0, percent = 0, sign = 0, token = 0, marker = 0;
    for (int half = 0; half < 2; ++half) {
      const __m256i v =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 64 * b + 32 * half));
      const __m256i c = nibble::classes(v);
      const int shift = 32 * half;
      digit |= uint64_t{nibble::bits<nibble::kDigit>(c)} << shift;
      alpha |= uint64_t{nibble::any_bits(c, nibble::kLetterA | nibble::kLetterP)} << shift;
      dot |= uint64_t{nibble::bits<nibble::kDot>(c)} << shift;
      percent |= uint64_t{nibble::bits<nibble::kPercent>(c)} << shift;
      sign |= uint64_t{nibble::bits<nibble::kSign>(c)} << shift;
      marker |= uint64_t{nibble::bits<nibble::kMarker>(c)} << shift;
      const uint32_t high = static_cast<uint32_t>(_mm256_movemask_epi8(v));  // bytes >= 0x80
      token |= uint64_t{nibble::any_bits(c, static_cast<char>(~nibble::kMarker)) | high} << shift;
    }
    const size_t in_block = m.size() - std::min<size_t>(m.size(), 64 * b);
    const uint64_t in = in_block >= 64 ? ~uint64_t{0} : (uint64_t{1} << in_block) - 1;
    const int lane = first_lane + b;
    words[kDigitWords][lane] = digit & in;
    words[kAlphaWords][lane] = alpha & in;
    words[kDotWords][lane] = dot & in;
    words[kPercentWords][lane] = percent & in;
    words[kSignWords][lane] = sign & in;
    words[kTokenWords][lane] = token & in;
    words[kInMessageWords][lane] = in;
    marker_like |= (marker & in) != 0;
  }
  return !marker_like;
}

// ---- Wide shapes ----

// 0xff in byte j of (low, high) for each bit j of `bits`: one broadcast, then
// per half a byte shuffle (byte j/8 of the word to byte j) and a bit test.
struct Expanded {
  __m256i low, high;
};
LS_AVX2 inline Expanded expand_bits(uint64_t bits) {
  const __m256i word = _mm256_set1_epi64x(static_cast<long long>(bits));
  const __m256i bit = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ULL));
  const __m256i low =
      _mm256_shuffle_epi8(word, _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2,
                                                 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
  const __m256i high =
      _mm256_shuffle_epi8(word, _mm256_setr_epi8(4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6,
                                                 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7));
  return {_mm256_cmpeq_epi8(_mm256_and_si256(low, bit), bit),
          _mm256_cmpeq_epi8(_mm256_and_si256(high, bit), bit)};
}

// 32 bytes of a wide shape: markers written in, what is not kept zeroed.
LS_AVX2 inline __m256i widen(__m256i v, __m256i keep, __m256i id_marks, __m256i number_marks) {
  v = _mm256_blendv_epi8(v, _mm256_set1_epi8(static_cast<char>(kIdMarker)), id_marks);
  v = _mm256_blendv_epi8(v, _mm256_set1_epi8(static_cast<char>(kNumberMarker)), number_marks);
  return _mm256_and_si256(v, keep);
}

// The fold of a wide shape's halves: each half's bytes rotated within their
// 128-bit lanes by an amount of its own (one shuffle), xored, the four words
// xored. Equal shapes, equal folds; only the cache's spread depends on it.
template <int kHalf>
LS_AVX2 inline __m256i rotate_half(__m256i x) {
  constexpr char r = static_cast<char>(5 * kHalf);
  const auto at = [](char i) { return static_cast<char>((i + r) & 15); };
  const __m128i rotation =
      _mm_setr_epi8(at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7), at(8), at(9), at(10),
                    at(11), at(12), at(13), at(14), at(15));
  return kHalf == 0 ? x : _mm256_shuffle_epi8(x, _mm256_broadcastsi128_si256(rotation));
}
LS_AVX2 inline uint64_t fold_words(__m256i x) {
  const __m128i half = _mm_xor_si128(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
  return static_cast<uint64_t>(_mm_cvtsi128_si64(half)) ^
         static_cast<uint64_t>(_mm_extract_epi64(half, 1)) * 0x9e3779b97f4a7c15ULL;
}

// The wide shape of message m (kBlocks 64-byte blocks; bytes past the
// message are zero because nothing past it is kept) into out, from its
// plan's words.
template <int kBlocks>
LS_AVX2 inline void write_wide(std::string_view m, const uint64_t* keep, const uint64_t* id_marks,
                               const uint64_t* number_marks, Shape& out) {
  alignas(32) char padded[64 * kBlocks];
  const char* const src = readable<64 * kBlocks>(m, padded);
  __m256i folded = _mm256_setzero_si256();
  const auto block = [&](auto b) LS_AVX2 {
    constexpr int kBlock = decltype(b)::value;
    const Expanded k = expand_bits(keep[kBlock]);
    const Expanded ids = expand_bits(id_marks[kBlock]);
    const Expanded numbers = expand_bits(number_marks[kBlock]);
    const char* p = src + 64 * kBlock;
    const __m256i low =
        widen(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), k.low, ids.low, numbers.low);
    const __m256i high = widen(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), k.high,
                               ids.high, numbers.high);
    _mm256_store_si256(reinterpret_cast<__m256i*>(out.bytes + 64 * kBlock), low);
    _mm256_store_si256(reinterpret_cast<__m256i*>(out.bytes + 64 * kBlock + 32), high);
    folded = _mm256_xor_si256(
        folded, _mm256_xor_si256(rotate_half<2 * kBlock>(low), rotate_half<2 * kBlock + 1>(high)));
  };
  block(std::integral_constant<int, 0>{});
  if constexpr (kBlocks == 2) block(std::integral_constant<int, 1>{});
  out.fold = fold_words(folded);
}

}  // namespace logstreamer::simd::shapes::avx2
