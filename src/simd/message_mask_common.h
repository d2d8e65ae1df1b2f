#pragma once
// What every tier's template masking kernel shares (simd/message_mask.h):
// the class masks of a 64-byte block and writing a mask marker. Portable C++.
#include <cstdint>
#include <cstring>

namespace logstreamer::simd::mask {

using Mask = uint64_t;  // bit i: byte i of a 64-byte block

inline Mask below(int i) { return i >= 64 ? ~Mask{0} : (Mask{1} << i) - 1; }  // bits [0, i)

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

}  // namespace logstreamer::simd::mask
