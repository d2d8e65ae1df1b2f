#pragma once
// The AVX-512 shape kernel (simd/message_shapes.h): how a message of up to
// 127 bytes becomes its shape in vector registers. Internal to
// message_shapes_x86.cc; every function needs the CPU features of LS_VBMI2,
// which shape_kernel() checks (simd::vbmi2_usable) before any of them runs.
//
// Messages go through in groups: each message's class masks (which bytes
// are digits, letters, ...) are transposed so that one 512-bit register
// holds one class of the whole group, and the template's rule runs once for
// the group as bit arithmetic on those registers. A short message (up to 63
// bytes, most of them) takes one 64-bit lane, eight to a group; a long one
// (64-127 bytes) two adjacent lanes holding a 128-bit mask, four to a group.
// The rule is written once (plan()) over the two lane layouts; shape_plan.h
// is the same rule on plain integers, for the other kernels. Tested against
// the scalar kernel and the byte-at-a-time template on random messages.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <immintrin.h>

// GCC 12 warns that its own AVX-512 intrinsics read the undefined vector
// they start from (_mm512_undefined_*): a known false positive. (For the
// rest of message_shapes_x86.cc too: this header is included there alone.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#define LS_VBMI2  \
  __attribute__(( \
      target("avx512f,avx512bw,avx512dq,avx512vbmi,avx512vbmi2,gfni,bmi,bmi2,lzcnt,popcnt")))

#include "simd/byte_classes.h"
#include "simd/message_shapes.h"

namespace logstreamer::simd::shapes::avx512 {

// The class table's first 128 entries (simd/byte_classes.h), looked up by
// vpermi2b; bytes >= 0x80 are set apart by their top bit.
inline const uint8_t* const kClassTable = kByteClasses.data();

// ---- The class masks of a group ----

// The class masks of one 64-byte block (n <= 64 bytes at p are the message),
// in one register: 64-bit lane c holds the bits of the bytes that have class
// bit c. A table lookup per byte (vpermi2b) gives class bytes; GF2P8AFFINEQB,
// given the class bytes of 8 positions as its bit matrix and unit vectors as
// its input, transposes each 8x8 block of bits (its rows come out in reverse,
// hence the byte reversal first); one byte permute gathers each class's
// blocks. Bytes >= 0x80 are tokens of no other class.
LS_VBMI2 inline __m512i class_lanes(const char* p, size_t n) {
  const uint64_t lanes = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(n));
  const __m512i v = _mm512_maskz_loadu_epi8(lanes, p);
  const uint64_t high = _mm512_movepi8_mask(v) & lanes;
  __m512i classes = _mm512_maskz_permutex2var_epi8(lanes & ~high, _mm512_load_si512(kClassTable), v,
                                                   _mm512_load_si512(kClassTable + 64));
  classes =
      _mm512_mask_mov_epi8(classes, high, _mm512_set1_epi8(static_cast<char>(kToken | kInMessage)));
  const __m512i reverse_bytes = _mm512_set_epi64(
      0x08090a0b0c0d0e0f, 0x0001020304050607, 0x08090a0b0c0d0e0f, 0x0001020304050607,
      0x08090a0b0c0d0e0f, 0x0001020304050607, 0x08090a0b0c0d0e0f, 0x0001020304050607);
  const __m512i unit_vectors = _mm512_set1_epi64(static_cast<long long>(0x8040201008040201ULL));
  const __m512i blocks =
      _mm512_gf2p8affine_epi64_epi8(unit_vectors, _mm512_shuffle_epi8(classes, reverse_bytes), 0);
  // Byte 8c + q of the result is byte 8q + c of `blocks`.
  const __m512i gather = _mm512_set_epi64(
      0x3f372f271f170f07, 0x3e362e261e160e06, 0x3d352d251d150d05, 0x3c342c241c140c04,
      0x3b332b231b130b03, 0x3a322a221a120a02, 0x3931292119110901, 0x3830282018100800);
  return _mm512_permutexvar_epi8(gather, blocks);
}

// 8x8 transpose of 64-bit elements: r[i] lane j <- r[j] lane i. Rows of
// blocks in, one register per class out.
LS_VBMI2 inline void transpose_lanes(__m512i r[8]) {
  __m512i t[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm512_unpacklo_epi64(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_epi64(r[i], r[i + 1]);
  }
  __m512i u[8];
  for (int i = 0; i < 2; ++i) {
    u[i] = _mm512_shuffle_i64x2(t[i], t[i + 2], 0x88);
    u[i + 2] = _mm512_shuffle_i64x2(t[i], t[i + 2], 0xDD);
    u[i + 4] = _mm512_shuffle_i64x2(t[i + 4], t[i + 6], 0x88);
    u[i + 6] = _mm512_shuffle_i64x2(t[i + 4], t[i + 6], 0xDD);
  }
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm512_shuffle_i64x2(u[i], u[i + 4], 0x88);
    r[i + 4] = _mm512_shuffle_i64x2(u[i], u[i + 4], 0xDD);
  }
}

// The bits of each 64-bit lane in reverse order.
LS_VBMI2 inline __m512i reverse_lane_bits(__m512i x) {
  const __m512i reverse_bytes = _mm512_set_epi64(
      0x08090a0b0c0d0e0f, 0x0001020304050607, 0x08090a0b0c0d0e0f, 0x0001020304050607,
      0x08090a0b0c0d0e0f, 0x0001020304050607, 0x08090a0b0c0d0e0f, 0x0001020304050607);
  const __m512i reverse_in_byte = _mm512_set1_epi64(static_cast<long long>(0x8040201008040201ULL));
  return _mm512_shuffle_epi8(_mm512_gf2p8affine_epi64_epi8(x, reverse_in_byte, 0), reverse_bytes);
}

// ---- The two lane layouts: the integer operations the rule needs ----

// Eight 64-bit masks, one short message each.
struct SingleLanes {
  template <int K>
  LS_VBMI2 static __m512i shl(__m512i x) {
    return _mm512_slli_epi64(x, K);
  }
  template <int K>
  LS_VBMI2 static __m512i shr(__m512i x) {
    return _mm512_srli_epi64(x, K);
  }
  LS_VBMI2 static __m512i add(__m512i a, __m512i b) { return _mm512_add_epi64(a, b); }
  LS_VBMI2 static __m512i reverse(__m512i x) { return reverse_lane_bits(x); }
};

// Four 128-bit masks, one long message each: lanes 2j (low half) and 2j+1
// (high half). Shifts move bits across the halves with VBMI2's double
// shifts; the low half's carry is added to the high half.
struct PairedLanes {
  template <int K>
  LS_VBMI2 static __m512i shl(__m512i x) {
    return _mm512_shldi_epi64(x, _mm512_unpacklo_epi64(_mm512_setzero_si512(), x),
                              K);  // high gets low's top
  }
  template <int K>
  LS_VBMI2 static __m512i shr(__m512i x) {
    return _mm512_shrdi_epi64(x, _mm512_unpackhi_epi64(x, _mm512_setzero_si512()),
                              K);  // low gets high's bottom
  }
  LS_VBMI2 static __m512i add(__m512i a, __m512i b) {
    const __m512i sum = _mm512_add_epi64(a, b);
    const __mmask8 carry = _mm512_cmplt_epu64_mask(sum, a);
    return _mm512_mask_add_epi64(sum, static_cast<__mmask8>((carry << 1) & 0xAA), sum,
                                 _mm512_set1_epi64(1));
  }
  LS_VBMI2 static __m512i reverse(__m512i x) {
    return _mm512_shuffle_epi32(reverse_lane_bits(x), _MM_PERM_BADC);
  }
};

// The rule (shape_rule_generic.h) on 512-bit registers.
using Vec = __m512i;
LS_VBMI2 inline Vec vand(Vec a, Vec b) { return _mm512_and_si512(a, b); }
LS_VBMI2 inline Vec vor(Vec a, Vec b) { return _mm512_or_si512(a, b); }
LS_VBMI2 inline Vec and_not(Vec a, Vec b) { return _mm512_andnot_si512(b, a); }  // a & ~b
#define LS_KERNEL LS_VBMI2
#include "simd/shape_rule_generic.h"
#undef LS_KERNEL

// ---- Shapes ----

// The block with its markers written in and what is not kept squeezed out.
LS_VBMI2 inline __m512i squeeze(__m512i v, uint64_t keep, uint64_t id_marks,
                                uint64_t number_marks) {
  v = _mm512_mask_mov_epi8(v, id_marks, _mm512_set1_epi8(static_cast<char>(kIdMarker)));
  v = _mm512_mask_mov_epi8(v, number_marks, _mm512_set1_epi8(static_cast<char>(kNumberMarker)));
  return _mm512_maskz_compress_epi8(keep, v);
}

// The plan of a group, one mask per lane, as scalars.
struct PlanWords {
  alignas(64) uint64_t keep[8], id_marks[8], number_marks[8];
  unsigned marker_like;  // bit per lane: a byte 0x00-0x02 that could pass for a marker
};
template <typename Lanes>
LS_VBMI2 inline void plan_group(__m512i rows[8], PlanWords& out) {
  transpose_lanes(rows);
  const Plan p = plan<Lanes>(ClassLanes{rows[0], rows[1], rows[2], rows[3], rows[4], rows[5],
                                        rows[7]});  // class k in row k (byte_classes.h)
  _mm512_store_si512(out.keep, p.keep);
  _mm512_store_si512(out.id_marks, p.id_marks);
  _mm512_store_si512(out.number_marks, p.number_marks);
  out.marker_like = _mm512_test_epi64_mask(rows[6], rows[6]);
}

// The shapes of up to eight messages of at most 63 bytes each: the shape,
// zero padded, its length in byte 63. Bit m of the result: out[m] is a shape
// (not for a message holding a byte that could pass for a marker).
LS_VBMI2 __attribute__((always_inline)) inline unsigned short_shapes(
    const std::string_view* messages, size_t count, __m512i out[8]) {
  __m512i rows[8];
  for (size_t m = 0; m < 8; ++m) {
    rows[m] =
        m < count ? class_lanes(messages[m].data(), messages[m].size()) : _mm512_setzero_si512();
  }
  PlanWords w;
  plan_group<SingleLanes>(rows, w);
  for (size_t m = 0; m < count; ++m) {
    const uint64_t lanes = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(messages[m].size()));
    const __m512i v = _mm512_maskz_loadu_epi8(lanes, messages[m].data());
    out[m] = _mm512_mask_set1_epi8(squeeze(v, w.keep[m], w.id_marks[m], w.number_marks[m]),
                                   uint64_t{1} << 63, static_cast<char>(_mm_popcnt_u64(w.keep[m])));
  }
  return ~w.marker_like & ((1u << count) - 1);
}

// The shapes of up to four messages of 64 to 127 bytes each, in two blocks
// (out0[m], out1[m]): zero padded, the length in byte 127. Bit m of the
// result as for short_shapes().
LS_VBMI2 __attribute__((always_inline)) inline unsigned long_shapes(
    const std::string_view* messages, size_t count, __m512i out0[4], __m512i out1[4]) {
  __m512i rows[8];
  for (size_t m = 0; m < 4; ++m) {
    const bool used = m < count;
    rows[2 * m] = used ? class_lanes(messages[m].data(), 64) : _mm512_setzero_si512();
    rows[2 * m + 1] = used ? class_lanes(messages[m].data() + 64, messages[m].size() - 64)
                           : _mm512_setzero_si512();
  }
  PlanWords w;
  plan_group<PairedLanes>(rows, w);
  const __m512i iota = _mm512_set_epi64(0x3f3e3d3c3b3a3938, 0x3736353433323130, 0x2f2e2d2c2b2a2928,
                                        0x2726252423222120, 0x1f1e1d1c1b1a1918, 0x1716151413121110,
                                        0x0f0e0d0c0b0a0908, 0x0706050403020100);
  unsigned has_shape = 0;
  for (size_t m = 0; m < count; ++m) {
    const size_t lo = 2 * m, hi = 2 * m + 1;
    has_shape |= ((w.marker_like >> lo) & 3) == 0 ? 1u << m : 0;
    const char* p = messages[m].data();
    const __m512i v0 = _mm512_loadu_si512(p);
    const __m512i v1 = _mm512_maskz_loadu_epi8(
        _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(messages[m].size() - 64)), p + 64);
    const __m512i s0 = squeeze(v0, w.keep[lo], w.id_marks[lo], w.number_marks[lo]);
    const __m512i s1 = squeeze(v1, w.keep[hi], w.id_marks[hi], w.number_marks[hi]);
    const int len0 = static_cast<int>(_mm_popcnt_u64(w.keep[lo]));
    const int len = len0 + static_cast<int>(_mm_popcnt_u64(w.keep[hi]));
    // Concatenate s0[0, len0) and s1: byte i of the result is s0[i] below
    // len0, else s1[i - len0]; indexes 64..127 of vpermt2b pick its second
    // table.
    const __m512i from_s1 = _mm512_add_epi8(iota, _mm512_set1_epi8(static_cast<char>(64 - len0)));
    out0[m] = _mm512_mask_mov_epi8(_mm512_permutex2var_epi8(s0, from_s1, s1),
                                   _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(len0)), s0);
    // Second block: s1 from 64 - len0 on (indexes past s1's 64 bytes read
    // the zero table).
    out1[m] = _mm512_mask_set1_epi8(_mm512_permutex2var_epi8(s1, from_s1, _mm512_setzero_si512()),
                                    uint64_t{1} << 63, static_cast<char>(len));
  }
  return has_shape;
}

}  // namespace logstreamer::simd::shapes::avx512
