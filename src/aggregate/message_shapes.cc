#include "aggregate/message_shapes.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include <immintrin.h>

#include "simd/simd_level.h"

// GCC 12 warns that its own AVX-512 intrinsics read the undefined vector
// they start from (_mm512_undefined_*): a known false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace logstreamer::aggregate {
namespace {

#define LS_VBMI2 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vbmi,avx512vbmi2,bmi,bmi2,lzcnt,popcnt")))

constexpr unsigned char kIdMarker = 1;
constexpr unsigned char kNumberMarker = 2;

// Class bits of the 128 ASCII bytes.
enum : uint8_t { kDigit = 1, kAlpha = 2, kDot = 4, kPercent = 8, kSign = 16, kToken = 32, kMarkerLike = 64 };

constexpr std::array<uint8_t, 128> make_class_table() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 3; ++c) t[c] = kMarkerLike;
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit | kToken;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAlpha | kToken;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAlpha | kToken;
  t['.'] = kDot | kToken;
  t['%'] = kPercent | kToken;
  t['-'] = t['+'] = kSign | kToken;
  t['_'] = kToken;
  return t;
}
alignas(64) constexpr std::array<uint8_t, 128> kClassTable = make_class_table();

__extension__ typedef unsigned __int128 u128;  // GCC and Clang; no ISO 128-bit type

// "This token is marked" moved from tokens' end bits to their start bits:
// pext gathers one flag per token end, pdep spreads them over the starts
// (tokens are in the same order in both). 128-bit masks take two of each.
// (pext/pdep are slow on AMD before Zen 3, but those CPUs have no AVX-512
// and never take this path.)
LS_VBMI2 inline uint64_t starts_of(uint64_t marked_ends, uint64_t e, uint64_t s) {
  return _pdep_u64(_pext_u64(marked_ends, e), s);
}
LS_VBMI2 inline u128 starts_of(u128 marked_ends, u128 e, u128 s) {
  const auto lo = [](u128 x) { return static_cast<uint64_t>(x); };
  const auto hi = [](u128 x) { return static_cast<uint64_t>(x >> 64); };
  const u128 flags = u128{_pext_u64(lo(marked_ends), lo(e))} |
                     u128{_pext_u64(hi(marked_ends), hi(e))} << _mm_popcnt_u64(lo(e));
  return u128{_pdep_u64(lo(flags), lo(s))} | u128{_pdep_u64(lo(flags >> _mm_popcnt_u64(lo(s))), hi(s))} << 64;
}

// Bits of the tokens (runs of `t`, starting at bits `s`, ending at bits `e`)
// that contain a bit of `x`, and those tokens' start bits. Carries do the
// work: adding a token's start bit to its bits that are not in `x` runs up to
// its first `x` bit; adding that bit to the token runs to its end.
template <typename M>
struct Marked {
  M bits;
  M starts;
};
template <typename M>
LS_VBMI2 inline Marked<M> tokens_containing(M x, M t, M s, M e) {
  const M first_x = ((t & ~x) + s) & x;
  const M from_first_x = t & ~(t + first_x);
  const M starts = starts_of(from_first_x & e, e, s);
  return {t & ~(t + starts), starts};
}

template <typename M>
struct Classes {
  M lanes, digit, alpha, dot, percent, sign, token;
};

// What the shape keeps of the message, and where the markers go. The token
// rule is message_template.h's: tokens are runs of letters, digits,
// . - + % _ and bytes >= 0x80; a token with a digit is a number
// ([+-] digit (digit | .)* with an optional unit of "%" or 1-3 letters) or
// else an id. The top bit of M must be clear (n < bits of M).
template <typename M>
struct Plan {
  M keep, id_marks, number_marks;
};
template <typename M>
LS_VBMI2 inline Plan<M> plan_shape(const Classes<M>& c) {
  const M t = c.token;
  const M s = t & ~(t << 1);  // token starts
  const M e = t & ~(t >> 1);  // token ends (last byte)
  const Marked<M> masked = tokens_containing(c.digit, t, s, e);  // tokens to mask
  // Number candidates start with a digit, or a sign then a digit.
  const M candidate = masked.starts & (c.digit | (c.sign & (c.digit >> 1)));
  const M body_start = (candidate & c.digit) | ((candidate & ~c.digit) << 1);
  const M body = c.digit | c.dot;
  const M after_body = (body + body_start) & ~body & t;  // first unit byte, if any
  const M unit = t & ~(t + after_body);                  // from there to the token's end
  const M too_long = unit & (unit >> 1) & (unit >> 2) & (unit >> 3);
  const M lone_percent = c.percent & after_body & e;
  const M bad_unit = (unit & ~c.alpha & ~lone_percent) | too_long;
  const Marked<M> ids_among_candidates = tokens_containing(bad_unit, t, s, e);
  const M numbers = candidate & ~ids_among_candidates.starts;
  // Keep what is not masked, each masked token's first byte (the marker) and
  // the unit of each number.
  return {(c.lanes & ~masked.bits) | masked.starts | (unit & ~ids_among_candidates.bits), masked.starts & ~numbers,
          numbers};
}

// The class masks of one 64-byte block (`lanes` of it are the message):
// one 128-entry table lookup per byte (vpermi2b), then one test per class
// bit. Bytes >= 0x80 are tokens of no other class. False when a byte could
// pass for a marker (or is NUL).
LS_VBMI2 inline bool classify(__m512i v, uint64_t lanes, Classes<uint64_t>& c) {
  const uint64_t high = _mm512_movepi8_mask(v) & lanes;
  const __m512i classes = _mm512_maskz_permutex2var_epi8(lanes & ~high, _mm512_load_si512(kClassTable.data()), v,
                                                          _mm512_load_si512(kClassTable.data() + 64));
  const auto has = [&](uint8_t bit) LS_VBMI2 {
    return _mm512_test_epi8_mask(classes, _mm512_set1_epi8(static_cast<char>(bit)));
  };
  c = {lanes, has(kDigit), has(kAlpha), has(kDot), has(kPercent), has(kSign), has(kToken) | high};
  return has(kMarkerLike) == 0;
}

// The block with its markers written in and what is not kept squeezed out.
LS_VBMI2 inline __m512i squeeze(__m512i v, uint64_t keep, uint64_t id_marks, uint64_t number_marks) {
  v = _mm512_mask_mov_epi8(v, id_marks, _mm512_set1_epi8(static_cast<char>(kIdMarker)));
  v = _mm512_mask_mov_epi8(v, number_marks, _mm512_set1_epi8(static_cast<char>(kNumberMarker)));
  return _mm512_maskz_compress_epi8(keep, v);
}

// The shape of the n <= 63 bytes at p, its length in byte 63.
LS_VBMI2 inline bool short_shape(const char* p, size_t n, __m512i& out) {
  const uint64_t lanes = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(n));
  const __m512i v = _mm512_maskz_loadu_epi8(lanes, p);
  Classes<uint64_t> c;
  if (!classify(v, lanes, c)) return false;
  const Plan<uint64_t> plan = plan_shape(c);
  out = _mm512_mask_set1_epi8(squeeze(v, plan.keep, plan.id_marks, plan.number_marks), uint64_t{1} << 63,
                              static_cast<char>(_mm_popcnt_u64(plan.keep)));
  return true;
}

// The shape of the 64 <= n <= 127 bytes at p in two blocks, its length in
// byte 127 (of the second).
LS_VBMI2 inline bool long_shape(const char* p, size_t n, __m512i& out0, __m512i& out1) {
  const uint64_t lanes1 = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(n - 64));
  const __m512i v0 = _mm512_loadu_si512(p);
  const __m512i v1 = _mm512_maskz_loadu_epi8(lanes1, p + 64);
  Classes<uint64_t> c0, c1;
  if (!classify(v0, ~uint64_t{0}, c0) || !classify(v1, lanes1, c1)) return false;
  const auto join = [](uint64_t lo, uint64_t hi) { return u128{lo} | u128{hi} << 64; };
  const Classes<u128> c = {join(c0.lanes, c1.lanes), join(c0.digit, c1.digit), join(c0.alpha, c1.alpha),
                           join(c0.dot, c1.dot),     join(c0.percent, c1.percent), join(c0.sign, c1.sign),
                           join(c0.token, c1.token)};
  const Plan<u128> plan = plan_shape(c);
  const auto lo = [](u128 x) { return static_cast<uint64_t>(x); };
  const auto hi = [](u128 x) { return static_cast<uint64_t>(x >> 64); };
  const __m512i s0 = squeeze(v0, lo(plan.keep), lo(plan.id_marks), lo(plan.number_marks));
  const __m512i s1 = squeeze(v1, hi(plan.keep), hi(plan.id_marks), hi(plan.number_marks));
  const int len0 = static_cast<int>(_mm_popcnt_u64(lo(plan.keep)));
  const int len = len0 + static_cast<int>(_mm_popcnt_u64(hi(plan.keep)));
  // Concatenate s0[0, len0) and s1: byte i of the result is s0[i] below len0,
  // else s1[i - len0]; indexes 64..127 of vpermt2b pick its second table.
  const __m512i iota = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44,
                                       43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24,
                                       23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i shift = _mm512_set1_epi8(static_cast<char>(64 - len0));
  const uint64_t below_len0 = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(len0));
  // First block: s0 below len0, then s1 from its start (index 64 + i - len0).
  out0 = _mm512_mask_mov_epi8(_mm512_permutex2var_epi8(s0, _mm512_add_epi8(iota, shift), s1), below_len0, s0);
  // Second block: s1 from 64 - len0 on (index 64 - len0 + i < 128: beyond
  // s1's 64 bytes it reads the zero table).
  out1 = _mm512_permutex2var_epi8(s1, _mm512_add_epi8(iota, shift), _mm512_setzero_si512());
  out1 = _mm512_mask_set1_epi8(out1, uint64_t{1} << 63, static_cast<char>(len));
  return true;
}

// Slot of a shape: its eight words rotated apart, folded, multiplied.
LS_VBMI2 inline uint32_t slot_of(__m512i shape, int bits) {
  const __m512i rotated = _mm512_rolv_epi64(shape, _mm512_set_epi64(59, 47, 41, 31, 23, 17, 7, 0));
  const __m256i half = _mm256_xor_si256(_mm512_castsi512_si256(rotated), _mm512_extracti64x4_epi64(rotated, 1));
  const __m128i quarter = _mm_xor_si128(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
  const uint64_t folded = static_cast<uint64_t>(_mm_cvtsi128_si64(quarter)) ^
                          static_cast<uint64_t>(_mm_extract_epi64(quarter, 1));
  return static_cast<uint32_t>((folded * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

LS_VBMI2 bool shape_bytes(std::string_view message, std::string& out) {
  alignas(64) char bytes[128];
  size_t length;
  if (message.size() <= 63) {
    __m512i line;
    if (!short_shape(message.data(), message.size(), line)) return false;
    _mm512_store_si512(bytes, line);
    length = static_cast<unsigned char>(bytes[63]);
  } else {
    __m512i l0, l1;
    if (!long_shape(message.data(), message.size(), l0, l1)) return false;
    _mm512_store_si512(bytes, l0);
    _mm512_store_si512(bytes + 64, l1);
    length = static_cast<unsigned char>(bytes[127]);
  }
  out.assign(bytes, length);
  return true;
}

}  // namespace

MessageShapes::MessageShapes() = default;

bool MessageShapes::available() { return simd::vbmi2_active(); }

void MessageShapes::allocate() {
  if (short_.lines) return;  // allocated on first use: most Summaries never see a line
  short_.lines = std::make_unique<ShortLine[]>(kWays << kSetBits);
  short_.counters = std::make_unique<uint64_t*[]>(kWays << kSetBits);
  long_.lines = std::make_unique<LongLine[]>(kWays << kSetBits);
  long_.counters = std::make_unique<uint64_t*[]>(kWays << kSetBits);
}

uint64_t* MessageShapes::find(std::string_view message) {
  last_valid_ = false;
  if (message.size() > kMaxMessage || !simd::vbmi2_active()) return nullptr;
  allocate();
  uint64_t* counter = nullptr;
  find_vbmi2(&message, 1, &counter, true);
  return counter;
}

void MessageShapes::find_many(const std::string_view* messages, size_t n, uint64_t** out) {
  last_valid_ = false;
  if (!simd::vbmi2_active()) {
    std::fill_n(out, n, nullptr);
    return;
  }
  allocate();
  find_vbmi2(messages, n, out, false);
}

// The ways of a set, newest first. A slot is its shape (with the length in
// the last byte) and a counter; an empty way has no counter.
template <typename Line>
LS_VBMI2 inline uint64_t* probe(const std::unique_ptr<Line[]>& lines, const std::unique_ptr<uint64_t*[]>& counters,
                                size_t first, size_t ways, __m512i l0, __m512i l1) {
  for (size_t way = first; way < first + ways; ++way) {
    uint64_t differ = _mm512_cmpneq_epi8_mask(_mm512_load_si512(lines[way].bytes), l0);
    if constexpr (sizeof(Line) == 128) differ |= _mm512_cmpneq_epi8_mask(_mm512_load_si512(lines[way].bytes + 64), l1);
    if (differ == 0 && counters[way] != nullptr) return counters[way];
  }
  return nullptr;
}

LS_VBMI2 void MessageShapes::find_vbmi2(const std::string_view* messages, size_t n, uint64_t** out, bool keep_miss) {
  for (size_t i = 0; i < n; ++i) {
    out[i] = nullptr;
    const std::string_view m = messages[i];
    __m512i l0, l1 = _mm512_setzero_si512();
    uint32_t set;
    if (m.size() <= 63) {
      if (!short_shape(m.data(), m.size(), l0)) continue;
      set = slot_of(l0, kSetBits);
      out[i] = probe(short_.lines, short_.counters, size_t{set} * kWays, kWays, l0, l1);
    } else if (m.size() <= kMaxMessage) {
      if (!long_shape(m.data(), m.size(), l0, l1)) continue;
      set = slot_of(_mm512_xor_si512(l0, _mm512_alignr_epi64(l1, l1, 3)), kSetBits);
      out[i] = probe(long_.lines, long_.counters, size_t{set} * kWays, kWays, l0, l1);
    } else {
      continue;
    }
    if (keep_miss && out[i] == nullptr) {  // find(): remember() may follow
      _mm512_store_si512(last_.bytes, l0);
      _mm512_store_si512(last_.bytes + 64, l1);
      last_long_ = m.size() > 63;
      last_set_ = set;
      last_valid_ = true;
    }
  }
}

template <typename Line>
void MessageShapes::Table<Line>::insert(size_t set, const unsigned char* bytes, uint64_t* counter) {
  // The newest shape takes the first way; the others move down one.
  const size_t first = set * kWays;
  for (size_t way = first + kWays - 1; way > first; --way) {
    lines[way] = lines[way - 1];
    counters[way] = counters[way - 1];
  }
  std::memcpy(lines[first].bytes, bytes, sizeof(Line));
  counters[first] = counter;
}

void MessageShapes::remember(uint64_t* counter) {
  if (!last_valid_) return;
  if (last_long_) {
    long_.insert(last_set_, last_.bytes, counter);
  } else {
    short_.insert(last_set_, last_.bytes, counter);
  }
  last_valid_ = false;
}

void MessageShapes::clear() {
  if (short_.counters) std::fill_n(short_.counters.get(), kWays << kSetBits, nullptr);
  if (long_.counters) std::fill_n(long_.counters.get(), kWays << kSetBits, nullptr);
  last_valid_ = false;
}

bool MessageShapes::shape_of(std::string_view message, std::string& out) {
  if (message.size() > kMaxMessage || !simd::vbmi2_active()) return false;
  return shape_bytes(message, out);
}

}  // namespace logstreamer::aggregate
