// The scalar shape kernel, the reference for the others, and the choice of
// kernel by tier.
#include "simd/message_shapes.h"

#include <bit>
#include <cstdlib>
#include <cstring>

#include "simd/byte_classes.h"
#include "simd/shape_lookup_generic.h"
#include "simd/shape_plan.h"

namespace logstreamer::simd {
namespace shapes {

// Provided by message_shapes_x86.cc on x86-64 (nullptr: none for `level`).
ShapeKernel x86_kernel(Level level);
ShapeLookup x86_lookup(Level level);
const char* x86_kernel_name(Level level);

namespace {

using shape_plan::Classes;
using shape_plan::u128;

template <typename W>
bool scalar_shape(std::string_view m, Shape& out, size_t length_at) {
  const Classes<W> c = class_bits<W>(m.data(), m.size());
  if (c.marker_like != 0) return false;
  const auto p = shape_plan::plan(c);
  std::memset(out.bytes, 0, length_at + 1);
  size_t len = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    const W bit = W{1} << i;
    if ((p.keep & bit) == 0) continue;
    out.bytes[len++] = (p.id_marks & bit)       ? kIdMarker
                       : (p.number_marks & bit) ? kNumberMarker
                                                : static_cast<unsigned char>(m[i]);
  }
  out.bytes[length_at] = static_cast<unsigned char>(len);
  out.fold = fold_shape_words(out.bytes, (length_at + 1) / 8);
  return true;
}

uint64_t scalar_kernel(const std::string_view* messages, size_t n, Shape* out) {
  uint64_t has = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view m = messages[i];
    bool ok = false;
    if (m.size() <= kMaxShortShapeMessage) {
      ok = scalar_shape<uint64_t>(m, out[i], 63);
    } else if (m.size() <= kMaxShapeMessage) {
      ok = scalar_shape<u128>(m, out[i], 127);
    }
    has |= static_cast<uint64_t>(ok) << i;
  }
  return has;
}

}  // namespace

#if !defined(__x86_64__)
ShapeKernel x86_kernel(Level) { return nullptr; }
ShapeLookup x86_lookup(Level) { return nullptr; }
const char* x86_kernel_name(Level) { return nullptr; }
#endif

}  // namespace shapes

uint64_t fold_shape_words(const unsigned char* shape, size_t words) {
  static constexpr int kRotate[8] = {0, 7, 17, 23, 31, 41, 47, 59};
  uint64_t folded = 0;
  for (size_t w = 0; w < words; ++w) {
    uint64_t x;
    std::memcpy(&x, shape + 8 * w, 8);
    folded ^= std::rotl(x, kRotate[w % 8] + static_cast<int>(w / 8));
  }
  return folded;
}

ShapeKernel shape_kernel(Level level) {
  if (ShapeKernel k = shapes::x86_kernel(level)) return k;
  return &shapes::scalar_kernel;
}

ShapeKernel counting_shape_kernel(Level level) {
  const char* forced = std::getenv("LOGSTREAMER_SHAPES");
  if (forced != nullptr && std::strcmp(forced, "on") == 0) return shape_kernel(level);
  if (forced != nullptr && std::strcmp(forced, "off") == 0) return nullptr;
  return level == Level::kAvx2 || level == Level::kAvx512 ? shape_kernel(level) : nullptr;
}

ShapeLookup shape_lookup(Level level) {
  if (ShapeLookup lookup = shapes::x86_lookup(level)) return lookup;
  return &shapes::lookup_with_kernel<&shapes::scalar_kernel>;
}

ShapeLookup counting_shape_lookup(Level level) {
  return counting_shape_kernel(level) != nullptr ? shape_lookup(level) : nullptr;
}

const char* shape_kernel_name(Level level) {
  if (const char* name = shapes::x86_kernel_name(level)) return name;
  return "scalar";
}

bool wide_shapes(Level level) { return std::strcmp(shape_kernel_name(level), "avx2") == 0; }

}  // namespace logstreamer::simd
