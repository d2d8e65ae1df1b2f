// The x86 shape kernels (simd/message_shapes.h): AVX-512 (VBMI2, GFNI),
// eight short or four long messages at a time, and AVX2, one message at a
// time on the integer rule of shape_plan.h. x86-64 only.
#include <array>
#include <cstdint>
#include <cstring>

#include "simd/avx2_classes.h"
#include "simd/message_shapes.h"
#include "simd/read_ahead.h"
#include "simd/shape_kernels_avx512.h"  // <immintrin.h>, LS_VBMI2
#include "simd/shape_plan.h"

namespace logstreamer::simd::shapes {

namespace avx512 {

// A shape's eight words rotated apart and folded, in registers.
LS_VBMI2 inline uint64_t fold(__m512i shape) {
  const __m512i rotated = _mm512_rolv_epi64(shape, _mm512_set_epi64(59, 47, 41, 31, 23, 17, 7, 0));
  const __m256i half =
      _mm256_xor_si256(_mm512_castsi512_si256(rotated), _mm512_extracti64x4_epi64(rotated, 1));
  const __m128i quarter =
      _mm_xor_si128(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
  return static_cast<uint64_t>(_mm_cvtsi128_si64(quarter)) ^
         static_cast<uint64_t>(_mm_extract_epi64(quarter, 1));
}

LS_VBMI2 uint64_t kernel(const std::string_view* messages, size_t n, Shape* out) {
  // Indexes, written to both lists and kept in one: whether a message is
  // short is data dependent (one in six of analyze's sample messages is
  // long), and a branch on it mispredicted. (Plain arrays: zeroing arrays
  // of string_views cost a one-message call more than its shape did.)
  uint8_t short_index[kShapeChunk], long_index[kShapeChunk];
  size_t n_short = 0, n_long = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t size = messages[i].size();
    short_index[n_short] = static_cast<uint8_t>(i);
    long_index[n_long] = static_cast<uint8_t>(i);
    n_short += size <= kMaxShortShapeMessage;
    n_long += size > kMaxShortShapeMessage && size <= kMaxShapeMessage;
  }
  uint64_t has = 0;
  std::string_view group[8];
  for (size_t k = 0; k < n_short; k += 8) {
    const size_t size = std::min<size_t>(8, n_short - k);
    for (size_t j = 0; j < size; ++j) group[j] = messages[short_index[k + j]];
    __m512i shapes[8];
    const unsigned has_shape = short_shapes(group, size, shapes);
    for (size_t j = 0; j < size; ++j) {
      const size_t i = short_index[k + j];
      _mm512_store_si512(out[i].bytes, shapes[j]);
      out[i].fold = fold(shapes[j]);
      has |= static_cast<uint64_t>((has_shape >> j) & 1) << i;
    }
  }
  for (size_t k = 0; k < n_long; k += 4) {
    const size_t size = std::min<size_t>(4, n_long - k);
    for (size_t j = 0; j < size; ++j) group[j] = messages[long_index[k + j]];
    __m512i first[4], second[4];
    const unsigned has_shape = long_shapes(group, size, first, second);
    for (size_t j = 0; j < size; ++j) {
      const size_t i = long_index[k + j];
      _mm512_store_si512(out[i].bytes, first[j]);
      _mm512_store_si512(out[i].bytes + 64, second[j]);
      out[i].fold = fold(_mm512_xor_si512(first[j], _mm512_alignr_epi64(second[j], second[j], 3)));
      has |= static_cast<uint64_t>((has_shape >> j) & 1) << i;
    }
  }
  return has;
}

}  // namespace avx512

namespace avx2 {

using shape_plan::Classes;
using shape_plan::u128;

// kExpand[b]: 0xff in byte j for each bit j of b.
constexpr std::array<uint64_t, 256> make_expand() {
  std::array<uint64_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    for (int j = 0; j < 8; ++j) {
      if ((b >> j) & 1) t[b] |= uint64_t{0xff} << (8 * j);
    }
  }
  return t;
}
// kCompress[b]: the positions of b's bits, in order, as PSHUFB indexes;
// 0x80 (a zero byte) after them.
constexpr std::array<uint64_t, 256> make_compress() {
  std::array<uint64_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    uint64_t v = 0x8080808080808080ULL;
    int k = 0;
    for (int j = 0; j < 8; ++j) {
      if ((b >> j) & 1) {
        v &= ~(uint64_t{0xff} << (8 * k));
        v |= static_cast<uint64_t>(j) << (8 * k);
        ++k;
      }
    }
    t[b] = v;
  }
  return t;
}
alignas(64) constexpr std::array<uint64_t, 256> kExpand = make_expand();
alignas(64) constexpr std::array<uint64_t, 256> kCompress = make_compress();

using avx2_classes::in_range;

template <typename W>
LS_AVX2 inline W bits_of(__m256i v, int shift) {
  return static_cast<W>(static_cast<uint32_t>(_mm256_movemask_epi8(v))) << shift;
}

// One message of up to 64 * kBlocks - 1 bytes; W holds 64 * kBlocks bits.
template <typename W, int kBlocks>
LS_AVX2 inline bool shape_one(std::string_view m, Shape& out) {
  constexpr int kBytes = 64 * kBlocks;
  // Whole-vector reads: in place when they stay within the message's 4 KiB
  // page (the bytes past the message are masked out below, and a read inside
  // a mapped page cannot fault), else from a zero-padded copy. The copy cost
  // a store-forwarding stall on every message (11% of the kernel's time).
  alignas(32) char padded[kBytes];
  const char* src = m.data();
  if (m.empty() || !may_read_ahead(src, kBytes)) {
    for (int i = 0; i < kBytes; i += 32) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(padded + i), _mm256_setzero_si256());
    }
    std::memcpy(padded, m.data(), m.size());
    src = padded;
  }
  Classes<W> c;
  W marker_like = 0;
  for (int shift = 0; shift < kBytes; shift += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + shift));
    const avx2_classes::Classes32 k = avx2_classes::classify(v);
    c.digit |= bits_of<W>(k.digit, shift);
    c.alpha |= bits_of<W>(k.alpha, shift);
    c.dot |= bits_of<W>(k.dot, shift);
    c.percent |= bits_of<W>(k.percent, shift);
    c.sign |= bits_of<W>(k.sign, shift);
    c.token |= bits_of<W>(k.token, shift);
    marker_like |= bits_of<W>(in_range(v, 0, 3), shift);
  }
  c.in_message = (W{1} << m.size()) - 1;
  if ((marker_like & c.in_message) != 0) return false;
  c.digit &= c.in_message;
  c.alpha &= c.in_message;
  c.dot &= c.in_message;
  c.percent &= c.in_message;
  c.sign &= c.in_message;
  c.token &= c.in_message;
  const auto p = shape_plan::plan(c);
  // Markers written in and the rest squeezed out, 8 bytes at a time: each
  // store writes the kept bytes and zeros after them, which the next one
  // overwrites from its first kept byte on.
  for (int i = 0; i < kBytes; i += 32) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(out.bytes + i), _mm256_setzero_si256());
  }
  size_t len = 0;
  for (int k = 0; k < 8 * kBlocks; ++k) {
    uint64_t chunk;
    std::memcpy(&chunk, src + 8 * k, 8);
    const uint64_t ids = kExpand[static_cast<uint8_t>(p.id_marks >> (8 * k))];
    const uint64_t numbers = kExpand[static_cast<uint8_t>(p.number_marks >> (8 * k))];
    chunk = (chunk & ~(ids | numbers)) | (ids & (0x0101010101010101ULL * kIdMarker)) |
            (numbers & (0x0101010101010101ULL * kNumberMarker));
    const auto keep = static_cast<uint8_t>(p.keep >> (8 * k));
    const __m128i packed =
        _mm_shuffle_epi8(_mm_cvtsi64_si128(static_cast<long long>(chunk)),
                         _mm_cvtsi64_si128(static_cast<long long>(kCompress[keep])));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out.bytes + len), packed);
    len += static_cast<size_t>(_mm_popcnt_u32(keep));
  }
  out.bytes[kBytes - 1] = static_cast<unsigned char>(len);
  out.fold = fold_shape_words(out.bytes, kBytes / 8);
  return true;
}

LS_AVX2 uint64_t kernel(const std::string_view* messages, size_t n, Shape* out) {
  uint64_t has = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t size = messages[i].size();
    bool ok = false;
    if (size <= kMaxShortShapeMessage) {
      ok = shape_one<uint64_t, 1>(messages[i], out[i]);
    } else if (size <= kMaxShapeMessage) {
      ok = shape_one<u128, 2>(messages[i], out[i]);
    }
    has |= static_cast<uint64_t>(ok) << i;
  }
  return has;
}

}  // namespace avx2

ShapeKernel x86_kernel(Level level) {
  if (vbmi2_usable(level)) return &avx512::kernel;
  if (level == Level::kAvx2 || level == Level::kAvx512) return &avx2::kernel;
  return nullptr;
}

const char* x86_kernel_name(Level level) {
  if (vbmi2_usable(level)) return "avx512-vbmi2";
  if (level == Level::kAvx2 || level == Level::kAvx512) return "avx2";
  return nullptr;
}

}  // namespace logstreamer::simd::shapes
