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

}  // namespace logstreamer::simd
