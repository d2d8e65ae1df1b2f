// The x86 shape kernels (simd/message_shapes.h): AVX-512 (VBMI2, GFNI),
// eight short or four long messages at a time, squeezed; AVX2, four short or
// two long at a time, wide (shape_kernels_avx2.h). x86-64 only.
#include <array>
#include <cstdint>
#include <cstring>

#include "simd/message_shapes.h"
#include "simd/read_ahead.h"
#include "simd/shape_kernels_avx2.h"    // LS_AVX2
#include "simd/shape_kernels_avx512.h"  // <immintrin.h>, LS_VBMI2
#include "simd/shape_lookup_generic.h"

namespace logstreamer::simd::shapes {

namespace {

// The indexes of the short (up to 63 bytes) and long (64-127) messages among
// messages[0, n), in order; longer ones are in neither. Both kernels group
// messages by length. Each index is written to both lists and kept in one:
// whether a message is short is data dependent (one in six of analyze's
// sample messages is long), and a branch on it mispredicted. (Plain arrays:
// zeroing arrays of string_views cost a one-message call more than its
// shape did.)
struct Split {
  size_t n_short, n_long;
};
inline Split split_by_length(const std::string_view* messages, size_t n, uint8_t* short_index,
                             uint8_t* long_index) {
  size_t n_short = 0, n_long = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t size = messages[i].size();
    short_index[n_short] = static_cast<uint8_t>(i);
    long_index[n_long] = static_cast<uint8_t>(i);
    n_short += size <= kMaxShortShapeMessage;
    n_long += size > kMaxShortShapeMessage && size <= kMaxShapeMessage;
  }
  return {n_short, n_long};
}

}  // namespace

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

// The long shape's fold: its two blocks' words folded as one block's.
LS_VBMI2 inline uint64_t fold_long(__m512i first, __m512i second) {
  return fold(_mm512_xor_si512(first, _mm512_alignr_epi64(second, second, 3)));
}

// Computes the shapes of messages[0, n) a group at a time and hands each to
// on_short(i, shape) (messages of up to 63 bytes) or on_long(i, first,
// second) (64 to 127 bytes) while it is in registers; messages without a
// shape are skipped.
template <typename OnShort, typename OnLong>
LS_VBMI2 __attribute__((always_inline)) inline void each_shape(const std::string_view* messages,
                                                               size_t n, OnShort&& on_short,
                                                               OnLong&& on_long) {
  uint8_t short_index[kShapeChunk], long_index[kShapeChunk];
  const auto [n_short, n_long] = split_by_length(messages, n, short_index, long_index);
  std::string_view group[8];
  for (size_t k = 0; k < n_short; k += 8) {
    const size_t size = std::min<size_t>(8, n_short - k);
    for (size_t j = 0; j < size; ++j) group[j] = messages[short_index[k + j]];
    __m512i shapes[8];
    const unsigned has_shape = short_shapes(group, size, shapes);
    for (size_t j = 0; j < size; ++j) {
      if (((has_shape >> j) & 1) != 0) on_short(short_index[k + j], shapes[j]);
    }
  }
  for (size_t k = 0; k < n_long; k += 4) {
    const size_t size = std::min<size_t>(4, n_long - k);
    for (size_t j = 0; j < size; ++j) group[j] = messages[long_index[k + j]];
    __m512i first[4], second[4];
    const unsigned has_shape = long_shapes(group, size, first, second);
    for (size_t j = 0; j < size; ++j) {
      if (((has_shape >> j) & 1) != 0) on_long(long_index[k + j], first[j], second[j]);
    }
  }
}

LS_VBMI2 uint64_t kernel(const std::string_view* messages, size_t n, Shape* out) {
  uint64_t has = 0;
  each_shape(
      messages, n,
      [&](size_t i, __m512i shape) LS_VBMI2 {
        _mm512_store_si512(out[i].bytes, shape);
        out[i].fold = fold(shape);
        has |= uint64_t{1} << i;
      },
      [&](size_t i, __m512i first, __m512i second) LS_VBMI2 {
        _mm512_store_si512(out[i].bytes, first);
        _mm512_store_si512(out[i].bytes + 64, second);
        out[i].fold = fold_long(first, second);
        has |= uint64_t{1} << i;
      });
  return has;
}

// The counter of a short shape among the ways of its set, compared in
// registers, or nullptr (see probe_words()).
LS_VBMI2 inline uint64_t* probe_short(const ShapeTable& table, uint64_t fold, __m512i shape) {
  const size_t first = size_t{shape_set(fold)} * kShapeWays;
  for (size_t way = first; way < first + kShapeWays; ++way) {
    uint64_t* const counter = table.short_counters[way];
    const __m512i line = _mm512_load_si512(table.short_lines + 64 * way);
    if (counter != nullptr && _mm512_cmpneq_epi64_mask(line, shape) == 0) {
      if (way != first) swap_to_front<64>(table.short_lines, table.short_counters, first, way);
      return counter;
    }
  }
  return nullptr;
}

// The same for a long shape, in two blocks.
LS_VBMI2 inline uint64_t* probe_long(const ShapeTable& table, uint64_t fold, __m512i shape0,
                                     __m512i shape1) {
  const size_t first = size_t{shape_set(fold)} * kShapeWays;
  for (size_t way = first; way < first + kShapeWays; ++way) {
    uint64_t* const counter = table.long_counters[way];
    const unsigned char* line = table.long_lines + 128 * way;
    const __mmask8 differ = _mm512_cmpneq_epi64_mask(_mm512_load_si512(line), shape0) |
                            _mm512_cmpneq_epi64_mask(_mm512_load_si512(line + 64), shape1);
    if (counter != nullptr && differ == 0) {
      if (way != first) swap_to_front<128>(table.long_lines, table.long_counters, first, way);
      return counter;
    }
  }
  return nullptr;
}

// The kernel's shapes looked up while still in registers: a miss alone is
// written out (ShapeLookup).
LS_VBMI2 uint64_t lookup(const std::string_view* messages, size_t n, const ShapeTable& table,
                         uint64_t** found, Shape* out) {
  std::fill_n(found, n, nullptr);  // for messages without a shape
  uint64_t missed = 0;
  each_shape(
      messages, n,
      [&](size_t i, __m512i shape) LS_VBMI2 {
        const uint64_t folded = fold(shape);
        found[i] = probe_short(table, folded, shape);
        if (found[i] != nullptr) return;
        _mm512_store_si512(out[i].bytes, shape);
        out[i].fold = folded;
        missed |= uint64_t{1} << i;
      },
      [&](size_t i, __m512i first, __m512i second) LS_VBMI2 {
        const uint64_t folded = fold_long(first, second);
        found[i] = probe_long(table, folded, first, second);
        if (found[i] != nullptr) return;
        _mm512_store_si512(out[i].bytes, first);
        _mm512_store_si512(out[i].bytes + 64, second);
        out[i].fold = folded;
        missed |= uint64_t{1} << i;
      });
  return missed;
}

}  // namespace avx512

namespace avx2 {

// The groups of `count` messages (messages[index[k]]): class words, plan,
// wide shapes. kBlocks: 64-byte blocks (lanes) per message. A group is
// classified while the one before it is planned: a plan loads as vectors
// the class words just stored as words, and loading them at once stalled
// on store forwarding (a quarter of the kernel's time).
template <typename Lanes, int kBlocks>
LS_AVX2 uint64_t shape_groups(const std::string_view* messages, const uint8_t* index, size_t count,
                              Shape* out) {
  constexpr size_t kPerGroup = 4 / kBlocks;
  alignas(32) uint64_t words[2][kClassWords][4];
  unsigned ok[2] = {0, 0};
  const auto classify_group = [&](size_t k, int buf) LS_AVX2 {
    const size_t size = std::min(kPerGroup, count - k);
    if (size < kPerGroup) std::memset(words[buf], 0, sizeof(words[buf]));
    ok[buf] = 0;
    for (size_t j = 0; j < size; ++j) {
      ok[buf] |= static_cast<unsigned>(class_words<kBlocks>(messages[index[k + j]], words[buf],
                                                            static_cast<int>(kBlocks * j)))
                 << j;
    }
  };
  uint64_t has = 0;
  if (count == 0) return has;
  classify_group(0, 0);
  for (size_t k = 0, g = 0; k < count; k += kPerGroup, ++g) {
    const int buf = static_cast<int>(g & 1);
    if (k + kPerGroup < count) classify_group(k + kPerGroup, buf ^ 1);
    __m256i c[kClassWords];
    for (int w = 0; w < kClassWords; ++w) {
      c[w] = _mm256_load_si256(reinterpret_cast<const __m256i*>(words[buf][w]));
    }
    const Plan p =
        plan<Lanes>(ClassLanes{c[kDigitWords], c[kAlphaWords], c[kDotWords], c[kPercentWords],
                               c[kSignWords], c[kTokenWords], c[kInMessageWords]});
    alignas(32) uint64_t keep[4], id_marks[4], number_marks[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(keep), p.keep);
    _mm256_store_si256(reinterpret_cast<__m256i*>(id_marks), p.id_marks);
    _mm256_store_si256(reinterpret_cast<__m256i*>(number_marks), p.number_marks);
    const size_t size = std::min(kPerGroup, count - k);
    for (size_t j = 0; j < size; ++j) {
      if (((ok[buf] >> j) & 1) == 0) continue;
      const size_t i = index[k + j];
      const size_t lane = kBlocks * j;
      write_wide<kBlocks>(messages[i], &keep[lane], &id_marks[lane], &number_marks[lane], out[i]);
      has |= uint64_t{1} << i;
    }
  }
  return has;
}

// Four short messages, or two long ones, a group (shape_kernels_avx2.h).
LS_AVX2 uint64_t kernel(const std::string_view* messages, size_t n, Shape* out) {
  uint8_t short_index[kShapeChunk], long_index[kShapeChunk];
  const auto [n_short, n_long] = split_by_length(messages, n, short_index, long_index);
  return shape_groups<SingleLanes, 1>(messages, short_index, n_short, out) |
         shape_groups<PairedLanes, 2>(messages, long_index, n_long, out);
}

}  // namespace avx2

ShapeKernel x86_kernel(Level level) {
  if (vbmi2_usable(level)) return &avx512::kernel;
  if (level == Level::kAvx2 || level == Level::kAvx512) return &avx2::kernel;
  return nullptr;
}

ShapeLookup x86_lookup(Level level) {
  if (vbmi2_usable(level)) return &avx512::lookup;
  if (level == Level::kAvx2 || level == Level::kAvx512) return &lookup_with_kernel<&avx2::kernel>;
  return nullptr;
}

const char* x86_kernel_name(Level level) {
  if (vbmi2_usable(level)) return "avx512-vbmi2";
  if (level == Level::kAvx2 || level == Level::kAvx512) return "avx2";
  return nullptr;
}

}  // namespace logstreamer::simd::shapes
