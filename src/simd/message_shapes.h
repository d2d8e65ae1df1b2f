#pragma once
// Message shapes (aggregate/message_shapes.h) computed per tier: a message of
// up to 127 bytes becomes its *shape*, the template's rule applied as bit
// arithmetic on class masks, each masked token cut to one marker byte
// (kIdMarker for "<id>", kNumberMarker for "<n>", the number's unit kept)
// and the rest squeezed out. Equal shapes have equal templates.
//
// Three kernels, giving the same shapes:
//   avx512  eight short (or four long) messages at once in 512-bit registers,
//           squeezed with VBMI2's compress (shape_kernels_avx512.h);
//   avx2    four short (or two long) messages at once in 256-bit registers,
//           *wide*: not squeezed, every byte the shape drops set to zero in
//           its place (shape_kernels_avx2.h). Dropping a wide shape's zero
//           bytes gives the squeezed shape (kept bytes are never zero), so
//           equal wide shapes have equal templates; numbers of different
//           lengths give different wide shapes of one template;
//   scalar  the same rule in plain C++, squeezed: every architecture, and
//           the reference the others are tested against.
// Stateless and thread-safe.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "simd/simd_level.h"

namespace logstreamer::simd {

inline constexpr size_t kMaxShortShapeMessage =
    63;                                          // one 64-byte block, the length in its last byte
inline constexpr size_t kMaxShapeMessage = 127;  // two blocks
inline constexpr unsigned char kIdMarker = 1;
inline constexpr unsigned char kNumberMarker = 2;
inline constexpr size_t kShapeChunk = 64;  // messages per kernel call, at most

// A shape in bytes [0, 64) for a message of up to 63 bytes, [0, 128) for
// 64 to 127 bytes. Squeezed: zero padded, its length in the last of those
// bytes. Wide: zero where bytes were dropped and past the message (the last
// byte too: it is past the message). The rest is slack for whole-word stores.
struct alignas(64) Shape {
  unsigned char bytes[192];
  // The shape's words folded into one (equal shapes, equal folds), for the
  // cache's slot; each kernel folds its own way (in registers where it can).
  uint64_t fold;
};

// The fold of the scalar kernel: the words rotated apart, xored.
uint64_t fold_shape_words(const unsigned char* shape, size_t words);

// Computes the shapes of messages[0, n), n <= kShapeChunk. Bit i of the
// result is set when messages[i] has a shape, then written to out[i]: not
// for a message over 127 bytes or holding a byte 0x00-0x02 (which could pass
// for a marker).
using ShapeKernel = uint64_t (*)(const std::string_view* messages, size_t n, Shape* out);

// The shape cache's table, as the lookups below see it (aggregate::
// MessageShapes owns the memory and inserts): kShapeWays-way sets, each way a
// shape as its kernel wrote it (64-byte lines for messages of up to 63
// bytes, 128-byte lines for 64 to 127) and its counter (nullptr: an empty
// way). The ways of a set are kept most recently hit first.
inline constexpr int kShapeSetBits = 10;
inline constexpr size_t kShapeWays = 2;
struct ShapeTable {
  unsigned char* short_lines;  // 64 bytes each, kShapeWays << kShapeSetBits of them
  uint64_t** short_counters;
  unsigned char* long_lines;  // 128 bytes each
  uint64_t** long_counters;
};

// The set of a shape, from its fold: multiplied, the top bits.
inline uint32_t shape_set(uint64_t fold) {
  return static_cast<uint32_t>((fold * 0x9e3779b97f4a7c15ULL) >> (64 - kShapeSetBits));
}

// Looks messages[0, n), n <= kShapeChunk, up in `table`: found[i] is the
// counter of messages[i]'s shape, or nullptr. A hit in a later way moves it
// to the front of its set. Bit i of the result: messages[i] has a shape but
// missed; its shape is in shapes[i] (for inserting; other shapes[] are
// unspecified). A lookup compares shapes where its kernel computed them
// (the AVX-512 one in registers: storing every shape and comparing it word
// by word cost 4% of analyze).
using ShapeLookup = uint64_t (*)(const std::string_view* messages, size_t n,
                                 const ShapeTable& table, uint64_t** found, Shape* shapes);

// The kernel for `level` (which the CPU must support): avx512 with VBMI2
// and GFNI, else avx2 from the avx2 tier up, else scalar.
ShapeKernel shape_kernel(Level level);
// Which kernel that is: "avx512-vbmi2", "avx2" or "scalar".
const char* shape_kernel_name(Level level);
// Whether that kernel's shapes are wide (see above).
bool wide_shapes(Level level);

// The kernel counting should use at `level`, or nullptr where shapes cost
// more than building templates (measured, docs/PERFORMANCE.md): the AVX-512
// and AVX2 kernels pay, the scalar one does not (so the sse2 and scalar
// tiers build templates). LOGSTREAMER_SHAPES=on|off overrides, for
// measurements.
ShapeKernel counting_shape_kernel(Level level);

// The lookup with shape_kernel(level)'s shapes, and the one counting uses
// (nullptr where counting_shape_kernel() is).
ShapeLookup shape_lookup(Level level);
ShapeLookup counting_shape_lookup(Level level);

}  // namespace logstreamer::simd
