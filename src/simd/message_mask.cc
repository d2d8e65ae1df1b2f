// The scalar template masking kernel and the choice of kernel by tier.
#include "simd/message_mask.h"

#include <bit>
#include <cstring>

#include "simd/byte_classes.h"
#include "simd/message_mask_common.h"

namespace logstreamer::simd {
namespace mask {

// Provided by message_mask_x86.cc on x86-64.
MaskMessageKernel x86_kernel(Level level);

namespace scalar {
#define LS_KERNEL

// A table lookup per byte, the bits gathered into the masks.
inline ClassMasks classify(const char* block) {
  const ClassBits<Mask> c = class_bits<Mask>(block, 64);
  return {c.token, c.digit, c.alpha, c.dot, c.percent, c.sign};
}

inline void copy64(char* dst, const char* src) { std::memcpy(dst, src, 64); }

#include "simd/mask_kernel_generic.h"
#undef LS_KERNEL
}  // namespace scalar

#if !defined(__x86_64__)
MaskMessageKernel x86_kernel(Level) { return &scalar::mask_message_bits; }
#endif

}  // namespace mask

MaskMessageKernel mask_message_kernel(Level level) {
  if (level == Level::kScalar) return &mask::scalar::mask_message_bits;
  return mask::x86_kernel(level);
}

}  // namespace logstreamer::simd
