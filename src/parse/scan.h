#pragma once
// Byte-scanning helpers shared by the hand-written parsers. Each looks at 8
// bytes per step (SWAR) where lines are long enough, and never reads past the
// end of the view.
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace logstreamer::parse {

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }
inline bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

namespace detail {
constexpr uint64_t kOnes = ~0ULL / 255;
constexpr uint64_t kHighs = kOnes * 0x80;
// High bit set in each byte of `v` that is zero. Bits above the lowest hit may
// be false positives (borrows), so only the lowest is meaningful.
constexpr uint64_t zero_bytes(uint64_t v) { return (v - kOnes) & ~v & kHighs; }
}  // namespace detail

// Index of the first space or tab in s[pos, size), or size.
inline size_t find_blank(std::string_view s, size_t pos) {
  static_assert(std::endian::native == std::endian::little, "the first hit is the lowest byte");
  using detail::kOnes;
  while (pos + 8 <= s.size()) {
    uint64_t w;
    std::memcpy(&w, s.data() + pos, 8);
    const uint64_t hits = detail::zero_bytes(w ^ (kOnes * ' ')) | detail::zero_bytes(w ^ (kOnes * '\t'));
    if (hits != 0) return pos + static_cast<size_t>(std::countr_zero(hits)) / 8;
    pos += 8;
  }
  while (pos < s.size() && !is_blank(s[pos])) ++pos;
  return pos;
}

inline size_t skip_blanks(std::string_view s, size_t pos) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  return pos;
}

inline std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace logstreamer::parse
