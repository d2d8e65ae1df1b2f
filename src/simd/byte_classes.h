#pragma once
// The byte classes of the template rule (aggregate/message_template.h), one
// table for every kernel: tokens are runs of letters, digits, . - + % _ and
// bytes >= 0x80; a token with a digit is masked, as a number ([+-] digit
// (digit | .)* and a unit of "%" or 1-3 letters) or an id. Bytes 0x00-0x02
// could pass for the shape markers. Bit k of a byte's class is class k (the
// AVX-512 shape kernel puts class k in lane k); every byte has kInMessage.
#include <array>
#include <cstddef>
#include <cstdint>

namespace logstreamer::simd {

enum ByteClass : uint8_t {
  kDigit = 1,
  kAlpha = 2,
  kDot = 4,
  kPercent = 8,
  kSign = 16,
  kToken = 32,
  kMarkerLike = 64,
  kInMessage = 128,
};

constexpr std::array<uint8_t, 256> make_byte_classes() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 3; ++c) t[c] = kMarkerLike;
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit | kToken;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kAlpha | kToken;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kAlpha | kToken;
  t['.'] = kDot | kToken;
  t['%'] = kPercent | kToken;
  t['-'] = t['+'] = kSign | kToken;
  t['_'] = kToken;
  for (int c = 0x80; c <= 0xff; ++c) t[c] = kToken;
  for (auto& c : t) c |= kInMessage;
  return t;
}
alignas(64) inline constexpr std::array<uint8_t, 256> kByteClasses = make_byte_classes();

// The classes of n bytes as bit masks (bit i: byte i; n at most W's bits),
// by table lookup: the scalar kernels' classification.
template <typename W>
struct ClassBits {
  W digit = 0, alpha = 0, dot = 0, percent = 0, sign = 0, token = 0, marker_like = 0,
    in_message = 0;
};
template <typename W>
inline ClassBits<W> class_bits(const char* p, size_t n) {
  ClassBits<W> c;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t k = kByteClasses[static_cast<unsigned char>(p[i])];
    const W bit = W{1} << i;
    c.digit |= (k & kDigit) ? bit : 0;
    c.alpha |= (k & kAlpha) ? bit : 0;
    c.dot |= (k & kDot) ? bit : 0;
    c.percent |= (k & kPercent) ? bit : 0;
    c.sign |= (k & kSign) ? bit : 0;
    c.token |= (k & kToken) ? bit : 0;
    c.marker_like |= (k & kMarkerLike) ? bit : 0;
    c.in_message |= bit;
  }
  return c;
}

}  // namespace logstreamer::simd
