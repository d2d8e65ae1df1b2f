#pragma once
// What every tier's template masking kernel shares (simd/message_mask.h):
// the class masks of a 64-byte block and writing a mask marker. Portable C++.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace logstreamer::simd::mask {

using Mask = uint64_t;  // bit i: byte i of a 64-byte block

inline Mask below(int i) { return i >= 64 ? ~Mask{0} : (Mask{1} << i) - 1; }  // bits [0, i)

static_assert(std::endian::native == std::endian::little, "bit i of a mask is byte i");

struct ClassMasks {
  Mask token = 0;  // token bytes (everything else within n is a delimiter)
  Mask digit = 0;
  Mask alpha = 0;
  Mask dot = 0;
  Mask percent = 0;
  Mask sign = 0;
};

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

// write_mask() without a branch on which mask it is (an id or a number is
// data, and that branch mispredicted: 7% of the AVX2 kernel's time): one
// 8-byte store of either "<id>" or "<n>" and the unit, the length chosen by a
// conditional move. Needs 8 writable bytes at `out` and 4 readable at
// `unit_src` (the kernels' slack past the message and in the scratch).
inline size_t write_mask_branchless(char* out, const char* unit_src, int unit) {
  uint32_t unit_bytes;
  std::memcpy(&unit_bytes, unit_src, 4);
  constexpr uint64_t kId = 0x3e64693c;    // "<id>", little-endian
  constexpr uint64_t kNumber = 0x3e6e3c;  // "<n>"
  const uint64_t number = kNumber | (static_cast<uint64_t>(unit_bytes) << 24);
  const bool is_id = unit < 0;
  const uint64_t word = is_id ? kId : number;
  std::memcpy(out, &word, 8);
  return is_id ? 4 : 3 + static_cast<size_t>(unit);
}

}  // namespace logstreamer::simd::mask
