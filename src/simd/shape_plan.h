#pragma once
// The rule of message shapes on plain integers: one message's class masks,
// 64 bits for a message of up to 63 bytes, 128 bits (unsigned __int128) for
// 64 to 127. The same arithmetic as the vector kernels' plan()
// (shape_rule_generic.h), one message at a time; used by the scalar kernel.
// Portable C++ (GCC and Clang's 128-bit integers).
#include <cstdint>

#include "simd/byte_classes.h"

namespace logstreamer::simd::shape_plan {

__extension__ typedef unsigned __int128 u128;  // GCC and Clang: not ISO C++

inline uint64_t reverse_bits(uint64_t x) {
  x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
  x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
  x = ((x >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((x & 0x0f0f0f0f0f0f0f0fULL) << 4);
  return __builtin_bswap64(x);
}
inline u128 reverse_bits(u128 x) {
  return (static_cast<u128>(reverse_bits(static_cast<uint64_t>(x))) << 64) |
         reverse_bits(static_cast<uint64_t>(x >> 64));
}

// A message's classes, bit i for byte i (only bytes of the message set).
template <typename W>
using Classes = ClassBits<W>;

// What the shape keeps of the message, and where the markers go.
template <typename W>
struct Plan {
  W keep, id_marks, number_marks;
};

template <typename W>
inline Plan<W> plan(const Classes<W>& c) {
  const W t = c.token;
  const W s = t & ~(t << 1);  // token starts
  const W e = t & ~(t >> 1);  // token ends (last byte)
  const W rt = reverse_bits(t), re = reverse_bits(e);
  struct Marked {
    W bits, starts;
  };
  // The tokens that contain a bit of x (see tokens_containing() in the
  // AVX-512 kernel: carries run from a token's start to its first x bit and
  // on to its end, and over the reversed bits back from its last x bit).
  auto containing = [&](W x) {
    const W first_x = ((t & ~x) + s) & x;
    const W to_end = t & ~(t + first_x);
    const W rx = reverse_bits(x);
    const W last_x = ((rt & ~rx) + re) & rx;
    const W from_start = reverse_bits(rt & ~(rt + last_x));
    const W bits = to_end | from_start;
    return Marked{bits, bits & s};
  };
  const Marked masked = containing(c.digit);
  const W candidate = masked.starts & (c.digit | (c.sign & (c.digit >> 1)));
  const W body_start = (candidate & c.digit) | ((candidate & ~c.digit) << 1);
  const W body = c.digit | c.dot;
  const W after_body = ((body + body_start) & ~body) & t;  // first unit byte
  const W unit = t & ~(t + after_body);                    // from there to the token's end
  const W too_long = unit & (unit >> 1) & (unit >> 2) & (unit >> 3);
  const W lone_percent = c.percent & after_body & e;
  const W bad_unit = (unit & ~c.alpha & ~lone_percent) | too_long;
  const Marked ids = containing(bad_unit);
  const W numbers = candidate & ~ids.starts;
  return {(c.in_message & ~masked.bits) | masked.starts | (unit & ~ids.bits),
          masked.starts & ~numbers, numbers};
}

}  // namespace logstreamer::simd::shape_plan
