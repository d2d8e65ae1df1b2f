// The portable (scalar) byte kernels and the tier choice; the x86 ones are in
// bytes_x86.cc, and stand-ins for other architectures at the end here.
#include "simd/bytes.h"

#include <bit>

namespace logstreamer::simd::detail {

const Level kLevel = active_level();

// Eight bytes at a time (SWAR): a byte equal to the blank becomes zero after
// the xor, and the carry-free zero test sets its top bit.
uint64_t blank_mask_scalar(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  auto zero_bytes = [](uint64_t y) { return ~(((y & kLow7) + kLow7) | y | kLow7); };
  const size_t len = n < 64 ? n : 64;
  uint64_t mask = 0;
  for (size_t i = 0; i < len; i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, p + i, len - i < 8 ? len - i : 8);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    uint64_t hits = zero_bytes(word ^ (kOnes * ' ')) | zero_bytes(word ^ (kOnes * '\t'));
    if (len - i < 8) hits &= (uint64_t{1} << (8 * (len - i))) - 1;  // not the zero padding
    // The top bit of byte k to bit k: a multiply gathers the eight bits.
    const uint64_t bits = ((hits >> 7) * 0x0102040810204080ULL) >> 56;
    mask |= bits << i;
  }
  return mask;
}

uint64_t blank_mask_for(Level level, const char* p, size_t n) {
  switch (level) {
    case Level::kAvx512:
      return blank_mask_avx512(p, n);
    case Level::kAvx2:
      return blank_mask_avx2(p, n);
    case Level::kSse2:
      return blank_mask_sse2(p, n);
    case Level::kScalar:
      break;
  }
  return blank_mask_scalar(p, n);
}

const char* find_for(Level level, const char* p, const char* end, char c) {
  if (level == Level::kAvx512) return find_avx512(p, end, c);
  if (level == Level::kAvx2) return find_avx2(p, end, c);
  return static_cast<const char*>(std::memchr(p, c, static_cast<size_t>(end - p)));
}

const char* find_line_end_for(Level level, const char* p, const char* end, uint64_t& head_blanks) {
  if (level == Level::kAvx512) return find_line_end_avx512(p, end, head_blanks);
  head_blanks = blank_mask_for(level, p, static_cast<size_t>(end - p));
  return find_for(level, p, end, '\n');
}

bool equal_for(Level level, const char* a, const char* b, size_t n) {
  if (level == Level::kAvx512) return equal_avx512(a, b, n);
  if (level == Level::kAvx2) return equal_avx2(a, b, n);
  return std::memcmp(a, b, n) == 0;
}

#if !defined(__x86_64__)
// No x86 tiers on this architecture: cpu_supports() is false for them, so
// these are never called; they exist so that the dispatch links.
uint64_t blank_mask_sse2(const char* p, size_t n) { return blank_mask_scalar(p, n); }
uint64_t blank_mask_avx2(const char* p, size_t n) { return blank_mask_scalar(p, n); }
uint64_t blank_mask_avx512(const char* p, size_t n) { return blank_mask_scalar(p, n); }
const char* find_avx2(const char* p, const char* end, char c) {
  return static_cast<const char*>(std::memchr(p, c, static_cast<size_t>(end - p)));
}
const char* find_avx512(const char* p, const char* end, char c) { return find_avx2(p, end, c); }
const char* find_line_end_avx512(const char* p, const char* end, uint64_t& head_blanks) {
  head_blanks = blank_mask_scalar(p, static_cast<size_t>(end - p));
  return find_avx2(p, end, '\n');
}
bool equal_avx2(const char* a, const char* b, size_t n) { return std::memcmp(a, b, n) == 0; }
bool equal_avx512(const char* a, const char* b, size_t n) { return std::memcmp(a, b, n) == 0; }
#endif

}  // namespace logstreamer::simd::detail
