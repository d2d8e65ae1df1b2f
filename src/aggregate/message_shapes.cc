#include "aggregate/message_shapes.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include <immintrin.h>

#include "simd/simd_level.h"

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

struct ShapeResult {
  __m512i bytes;
  uint32_t length;
  bool ok;
};

// Bits of the tokens (runs of `t`, starting at bits `s`, ending at bits `e`)
// that contain a bit of `x`, and those tokens' start bits. Carries do the
// work: adding a token's start bit to its bits that are not in `x` runs up to
// its first `x` bit; adding that bit to the token runs to its end; pext/pdep
// move "this token ends marked" from end bits to start bits.
struct Marked {
  uint64_t bits;
  uint64_t starts;
};
LS_VBMI2 inline Marked tokens_containing(uint64_t x, uint64_t t, uint64_t s, uint64_t e) {
  const uint64_t first_x = ((t & ~x) + s) & x;
  const uint64_t from_first_x = t & ~(t + first_x);
  const uint64_t starts = _pdep_u64(_pext_u64(from_first_x & e, e), s);
  return {t & ~(t + starts), starts};
}

// The shape of the n <= 63 bytes at p (see the header). The token rule is
// message_template.h's: tokens are runs of letters, digits, . - + % _ and
// bytes >= 0x80; a token with a digit is a number ([+-] digit (digit | .)*
// with an optional unit of "%" or 1-3 letters) or else an id.
LS_VBMI2 inline ShapeResult compute_shape(const char* p, size_t n) {
  const __mmask64 lanes = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(n));
  const __m512i v = _mm512_maskz_loadu_epi8(lanes, p);
  // Every class at once: one 128-entry table lookup per byte (vpermi2b), then
  // one test per class bit. Bytes >= 0x80 are tokens of no other class.
  const uint64_t high = _mm512_movepi8_mask(v) & lanes;
  const __m512i classes = _mm512_maskz_permutex2var_epi8(lanes & ~high, _mm512_load_si512(kClassTable.data()), v,
                                                          _mm512_load_si512(kClassTable.data() + 64));
  const auto has = [&](uint8_t bit) LS_VBMI2 { return _mm512_test_epi8_mask(classes, _mm512_set1_epi8(static_cast<char>(bit))); };
  // A byte that could pass for a marker (or NUL) in the shape: no shape.
  if (has(kMarkerLike) != 0) return {v, 0, false};

  const uint64_t digit = has(kDigit);
  const uint64_t alpha = has(kAlpha);
  const uint64_t dot = has(kDot);
  const uint64_t percent = has(kPercent);
  const uint64_t sign = has(kSign);
  const uint64_t t = has(kToken) | high;
  const uint64_t s = t & ~(t << 1);  // token starts
  const uint64_t e = t & ~(t >> 1);  // token ends (last byte; n <= 63 keeps bit 63 clear)

  const Marked masked = tokens_containing(digit, t, s, e);  // tokens to mask
  // Number candidates start with a digit, or a sign then a digit.
  const uint64_t candidate = masked.starts & (digit | (sign & (digit >> 1)));
  const uint64_t body_start = (candidate & digit) | ((candidate & ~digit) << 1);
  const uint64_t body = digit | dot;
  const uint64_t after_body = (body + body_start) & ~body & t;  // first unit byte, if any
  const uint64_t unit = t & ~(t + after_body);                    // from there to the token's end
  const uint64_t too_long = unit & (unit >> 1) & (unit >> 2) & (unit >> 3);
  const uint64_t lone_percent = percent & after_body & e;
  const uint64_t bad_unit = (unit & ~alpha & ~lone_percent) | too_long;
  const Marked ids_among_candidates = tokens_containing(bad_unit, t, s, e);
  const uint64_t numbers = candidate & ~ids_among_candidates.starts;

  // Keep what is not masked, each masked token's first byte (the marker) and
  // the unit of each number.
  const uint64_t keep = (lanes & ~masked.bits) | masked.starts | (unit & ~ids_among_candidates.bits);
  __m512i marked = _mm512_mask_mov_epi8(v, masked.starts, _mm512_set1_epi8(static_cast<char>(kIdMarker)));
  marked = _mm512_mask_mov_epi8(marked, numbers, _mm512_set1_epi8(static_cast<char>(kNumberMarker)));
  return {_mm512_maskz_compress_epi8(keep, marked), static_cast<uint32_t>(_mm_popcnt_u64(keep)), true};
}

// Slot of a shape: its eight words rotated apart, folded, multiplied.
// (GCC 12 warns about the undefined upper lanes its own extract intrinsics
// start from: a known false positive.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
LS_VBMI2 inline uint32_t slot_of(__m512i shape, int bits) {
  const __m512i rotated = _mm512_rolv_epi64(shape, _mm512_set_epi64(59, 47, 41, 31, 23, 17, 7, 0));
  const __m256i half = _mm256_xor_si256(_mm512_castsi512_si256(rotated), _mm512_extracti64x4_epi64(rotated, 1));
  const __m128i quarter = _mm_xor_si128(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
  const uint64_t folded = static_cast<uint64_t>(_mm_cvtsi128_si64(quarter)) ^
                          static_cast<uint64_t>(_mm_extract_epi64(quarter, 1));
  return static_cast<uint32_t>((folded * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}
#pragma GCC diagnostic pop

LS_VBMI2 bool shape_bytes(std::string_view message, std::string& out) {
  const ShapeResult shape = compute_shape(message.data(), message.size());
  if (!shape.ok) return false;
  alignas(64) char bytes[64];
  _mm512_store_si512(bytes, shape.bytes);
  out.assign(bytes, shape.length);
  return true;
}

bool cpu_has_vbmi2() {
  static const bool yes = simd::active_level() == simd::Level::kAvx512 && __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("avx512vbmi") &&
                          __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("popcnt");
  return yes;
}

}  // namespace

MessageShapes::MessageShapes() = default;

bool MessageShapes::available() { return cpu_has_vbmi2(); }

uint64_t* MessageShapes::find(std::string_view message) {
  last_valid_ = false;
  if (message.size() > 63 || !cpu_has_vbmi2()) return nullptr;
  allocate();
  return find_vbmi2(message);
}

void MessageShapes::allocate() {
  if (lines_) return;  // allocated on first use: most Summaries never see a line
  lines_ = std::make_unique<Line[]>(kWays << kSetBits);
  counters_ = std::make_unique<uint64_t*[]>(kWays << kSetBits);
}

void MessageShapes::find_many(const std::string_view* messages, size_t n, uint64_t** out) {
  last_valid_ = false;
  if (!cpu_has_vbmi2()) {
    std::fill_n(out, n, nullptr);
    return;
  }
  allocate();
  find_many_vbmi2(messages, n, out);
}

LS_VBMI2 void MessageShapes::find_many_vbmi2(const std::string_view* messages, size_t n, uint64_t** out) {
  for (size_t i = 0; i < n; ++i) {
    out[i] = nullptr;
    if (messages[i].size() > 63) continue;
    const ShapeResult shape = compute_shape(messages[i].data(), messages[i].size());
    if (!shape.ok) continue;
    const __m512i line = _mm512_mask_set1_epi8(shape.bytes, uint64_t{1} << 63, static_cast<char>(shape.length));
    const size_t first = size_t{slot_of(line, kSetBits)} * kWays;
    for (size_t way = first; way < first + kWays; ++way) {
      if (_mm512_cmpneq_epi8_mask(_mm512_load_si512(lines_[way].bytes), line) == 0) {
        out[i] = counters_[way];
        break;
      }
    }
  }
}

LS_VBMI2 uint64_t* MessageShapes::find_vbmi2(std::string_view message) {
  const ShapeResult shape = compute_shape(message.data(), message.size());
  if (!shape.ok) return nullptr;
  // Byte 63 of a shape is always free (n <= 63): it holds the length, so one
  // compare covers both.
  const __m512i line = _mm512_mask_set1_epi8(shape.bytes, uint64_t{1} << 63, static_cast<char>(shape.length));
  const uint32_t set = slot_of(line, kSetBits);
  const size_t first = size_t{set} * kWays;
  for (size_t way = first; way < first + kWays; ++way) {
    if (_mm512_cmpneq_epi8_mask(_mm512_load_si512(lines_[way].bytes), line) == 0 && counters_[way] != nullptr) {
      return counters_[way];
    }
  }
  _mm512_store_si512(last_.bytes, line);
  last_set_ = set;
  last_valid_ = true;
  return nullptr;
}

void MessageShapes::remember(uint64_t* counter) {
  if (!last_valid_) return;
  // The newest shape takes the first way; the one there moves to the second.
  const size_t first = size_t{last_set_} * kWays;
  for (size_t way = first + kWays - 1; way > first; --way) {
    lines_[way] = lines_[way - 1];
    counters_[way] = counters_[way - 1];
  }
  lines_[first] = last_;
  counters_[first] = counter;
  last_valid_ = false;
}

void MessageShapes::clear() {
  if (counters_) std::fill_n(counters_.get(), kWays << kSetBits, nullptr);
  last_valid_ = false;
}

bool MessageShapes::shape_of(std::string_view message, std::string& out) {
  if (message.size() > 63 || !cpu_has_vbmi2()) return false;
  return shape_bytes(message, out);
}

}  // namespace logstreamer::aggregate
