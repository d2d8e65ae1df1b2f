#include "aggregate/message_template.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include <immintrin.h>  // SSE2 everywhere; AVX-512 only inside functions with its target attribute

#include "simd/simd_level.h"

namespace logstreamer::aggregate {
namespace {

static_assert(std::endian::native == std::endian::little, "bit i of a mask is byte i");

// ---- shared by both implementations ----------------------------------------

// memcpy for the short runs of a message, without a library call: two
// overlapping word copies cover 8..16 bytes, and so on down.
inline void copy_short(char* dst, const char* src, size_t n) {
  if (n >= 8) {
    if (n > 16) {
      std::memcpy(dst, src, n);
      return;
    }
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

// Writes "<n>" + unit (unit >= 0) or "<id>"; returns the bytes written.
inline size_t write_mask(char* out, const char* unit_src, int unit) {
  if (unit < 0) {
    std::memcpy(out, "<id>", 4);
    return 4;
  }
  std::memcpy(out, "<n>", 3);
  for (int i = 0; i < unit; ++i) out[3 + i] = unit_src[i];
  return 3 + static_cast<size_t>(unit);
}

// ---- the scalar reference ---------------------------------------------------

enum : uint8_t { kDelimiter = 1, kDigit = 2, kAlpha = 4, kOther = 8 };

constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> t{};
  t.fill(kDelimiter);
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAlpha;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAlpha;
  for (char c : std::string_view(".-+%_")) t[static_cast<unsigned char>(c)] = kOther;
  for (int c = 0x80; c <= 0xff; ++c) t[c] = kOther;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = make_classes();
inline uint8_t cls(char c) { return kClass[static_cast<unsigned char>(c)]; }

// Length of the unit suffix if `token` is a number with a unit, else -1.
// number = [+-] DIGIT *(DIGIT / ".") ; unit = "%" / 1*3ALPHA
int number_unit_length(std::string_view token) {
  size_t i = 0;
  if (token[0] == '+' || token[0] == '-') ++i;
  if (i >= token.size() || cls(token[i]) != kDigit) return -1;
  while (i < token.size() && (cls(token[i]) == kDigit || token[i] == '.')) ++i;
  const size_t unit = token.size() - i;
  if (unit == 0) return 0;
  if (unit == 1 && token[i] == '%') return 1;
  if (unit > 3) return -1;
  for (; i < token.size(); ++i) {
    if (cls(token[i]) != kAlpha) return -1;
  }
  return static_cast<int>(unit);
}

// ---- the bit-mask implementation (messages up to 64 bytes) ------------------

using Mask = uint64_t;

inline Mask below(int i) { return i >= 64 ? ~Mask{0} : (Mask{1} << i) - 1; }  // bits [0, i)

struct ClassMasks {
  Mask token = 0;  // token bytes (everything else within n is a delimiter)
  Mask digit = 0;
  Mask alpha = 0;
  Mask dot = 0;
  Mask percent = 0;
  Mask sign = 0;
};

// ---- the kernels, one per instruction set ----------------------------------

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
    const __m128i sign = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('+')));
    const __m128i other = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')),
                                       _mm_cmplt_epi8(v, _mm_setzero_si128()));  // >= 0x80
    const __m128i token = _mm_or_si128(
        _mm_or_si128(digit, alpha), _mm_or_si128(_mm_or_si128(dot, percent), _mm_or_si128(sign, other)));
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

#include "aggregate/mask_kernel_generic.h"
#undef LS_KERNEL
}  // namespace sse2

namespace avx512 {
#define LS_KERNEL __attribute__((target("avx512f,avx512bw,bmi,bmi2,lzcnt")))

// One 64-byte load; each class is one compare straight into a 64-bit mask.
LS_KERNEL inline ClassMasks classify(const char* block) {
  const __m512i v = _mm512_loadu_si512(block);
  const auto in_range = [](__m512i x, char lo, char count) LS_KERNEL {
    return _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8(lo)), _mm512_set1_epi8(count));
  };
  ClassMasks m;
  m.digit = in_range(v, '0', 10);
  m.alpha = in_range(_mm512_or_si512(v, _mm512_set1_epi8(0x20)), 'a', 26);
  m.dot = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('.'));
  m.percent = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('%'));
  m.sign = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('-')) | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('+'));
  const Mask other = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('_')) | _mm512_movepi8_mask(v);  // >= 0x80
  m.token = m.digit | m.alpha | m.dot | m.percent | m.sign | other;
  return m;
}

LS_KERNEL inline void copy64(char* dst, const char* src) {
  _mm512_storeu_si512(dst, _mm512_loadu_si512(src));
}

#include "aggregate/mask_kernel_generic.h"
#undef LS_KERNEL
}  // namespace avx512

using Kernel = std::optional<std::string_view> (*)(const char*, int, std::string_view, char*);

Kernel kernel_for(simd::Level level) {
  return level == simd::Level::kAvx512 ? &avx512::mask_message_bits : &sse2::mask_message_bits;
}

}  // namespace

namespace detail {

std::string_view mask_message_scalar(std::string_view message, char* scratch) {
  if (message.size() > kMaxTemplateInput) message = message.substr(0, kMaxTemplateInput);
  const char* const s = message.data();
  const size_t n = message.size();
  size_t i = 0;
  while (i < n && cls(s[i]) != kDigit) ++i;
  if (i == n) return message;

  char* out = scratch;
  size_t verbatim_from = 0;
  while (i < n) {
    size_t start = i;
    while (start > verbatim_from && cls(s[start - 1]) != kDelimiter) --start;
    size_t end = i;
    while (end < n && cls(s[end]) != kDelimiter) ++end;
    copy_short(out, s + verbatim_from, start - verbatim_from);
    out += start - verbatim_from;
    const int unit = number_unit_length({s + start, end - start});
    out += write_mask(out, s + end - (unit > 0 ? unit : 0), unit);
    verbatim_from = end;
    i = end;
    while (i < n && cls(s[i]) != kDigit) ++i;
  }
  copy_short(out, s + verbatim_from, n - verbatim_from);
  out += n - verbatim_from;
  return {scratch, static_cast<size_t>(out - scratch)};
}

}  // namespace detail

namespace {

std::string_view mask_with(Kernel kernel, std::string_view message, char* scratch, const char* readable_end) {
  if (message.size() > kMaxTemplateInput) message = message.substr(0, kMaxTemplateInput);
  const int n = static_cast<int>(message.size());
  const char* s = message.data();
  // Whole-block reads go up to 64 bytes past the message. Near the end of its
  // buffer (or with no promise), work on a zero-padded private copy.
  alignas(64) char padded[kMaxTemplateInput + 64];
  if (readable_end == nullptr || readable_end - s < n + 64) {
    std::memcpy(padded, s, message.size());
    std::memset(padded + n, 0, 64);
    s = padded;
  }
  if (auto masked = kernel(s, n, message, scratch)) return *masked;
  return detail::mask_message_scalar(message, scratch);
}

}  // namespace

std::string_view mask_message(std::string_view message, char* scratch, const char* readable_end) {
  static const Kernel kernel = kernel_for(simd::active_level());
  return mask_with(kernel, message, scratch, readable_end);
}

std::string_view detail::mask_message_with(simd::Level level, std::string_view message, char* scratch,
                                           const char* readable_end) {
  return mask_with(kernel_for(level), message, scratch, readable_end);
}

}  // namespace logstreamer::aggregate
