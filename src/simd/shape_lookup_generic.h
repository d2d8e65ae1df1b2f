#pragma once
// The shape cache's lookup (simd/message_shapes.h) over any shape kernel:
// the kernel writes the shapes to memory, then each is compared word by word
// with the ways of its set. The scalar and AVX2 lookups are this; the
// AVX-512 one compares in registers (message_shapes_x86.cc) and shares
// swap_to_front(). Portable C++; stateless.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "simd/message_shapes.h"

namespace logstreamer::simd::shapes {

// Whether two shapes are equal: whole words, no early exit (a library
// memcmp call cost 8% of analyze).
template <size_t kBytes>
inline bool same_shape(const unsigned char* a, const unsigned char* b) {
  uint64_t diff = 0;
  for (size_t i = 0; i < kBytes; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    diff |= x ^ y;
  }
  return diff == 0;
}

// Moves way `way` of the set starting at `first` to the front. A new shape
// is inserted last (aggregate::MessageShapes), so shapes seen once (there
// are thousands in real logs) pass through the last way without pushing the
// frequent ones back; with new shapes put first, most hits were in the
// second way, after a failed compare of the first and a mispredicted branch.
template <size_t kLineBytes>
inline void swap_to_front(unsigned char* lines, uint64_t** counters, size_t first, size_t way) {
  unsigned char line[kLineBytes];
  std::memcpy(line, lines + way * kLineBytes, kLineBytes);
  std::memcpy(lines + way * kLineBytes, lines + first * kLineBytes, kLineBytes);
  std::memcpy(lines + first * kLineBytes, line, kLineBytes);
  std::swap(counters[way], counters[first]);
}

// The counter of `shape` in the set starting at `first`, or nullptr.
template <size_t kLineBytes>
inline uint64_t* probe_words(unsigned char* lines, uint64_t** counters, size_t first,
                             const unsigned char* shape) {
  for (size_t way = first; way < first + kShapeWays; ++way) {
    if (counters[way] != nullptr && same_shape<kLineBytes>(lines + way * kLineBytes, shape)) {
      uint64_t* const counter = counters[way];
      if (way != first) swap_to_front<kLineBytes>(lines, counters, first, way);
      return counter;
    }
  }
  return nullptr;
}

// A ShapeLookup over kKernel (see ShapeLookup for the contract).
template <ShapeKernel kKernel>
uint64_t lookup_with_kernel(const std::string_view* messages, size_t n, const ShapeTable& table,
                            uint64_t** found, Shape* shapes) {
  std::fill_n(found, n, nullptr);
  uint64_t missed = 0;
  for (uint64_t has = kKernel(messages, n, shapes); has != 0; has &= has - 1) {
    const size_t i = static_cast<size_t>(std::countr_zero(has));
    const size_t first = size_t{shape_set(shapes[i].fold)} * kShapeWays;
    found[i] =
        messages[i].size() > kMaxShortShapeMessage
            ? probe_words<128>(table.long_lines, table.long_counters, first, shapes[i].bytes)
            : probe_words<64>(table.short_lines, table.short_counters, first, shapes[i].bytes);
    missed |= static_cast<uint64_t>(found[i] == nullptr) << i;
  }
  return missed;
}

}  // namespace logstreamer::simd::shapes
