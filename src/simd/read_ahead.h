#pragma once
// Reading a whole vector past the end of an input, safely: only within the
// 4 KiB page of the input's first byte (a read inside a mapped page cannot
// fault), the bytes past the end masked off by the caller, as glibc's own
// string functions do. For kernels without byte-masked loads (AVX2).
// AddressSanitizer reports such reads however safe: under it, never.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/sanitizers.h"

namespace logstreamer::simd {

inline constexpr uintptr_t kPage = 4096;  // the smallest x86-64 page
inline constexpr bool kReadsPastObjectsAllowed = !core::kAddressSanitizer;

// Whether `bytes` bytes from p may be read although fewer belong to the
// input. The input must have at least one byte at p: that byte's page is the
// one known to be mapped.
inline bool may_read_ahead(const void* p, size_t bytes) {
  return kReadsPastObjectsAllowed &&
         (reinterpret_cast<uintptr_t>(p) & (kPage - 1)) <= kPage - bytes;
}

// Eight bytes from p, where fewer may belong to the object p points into:
// the caller checked may_read_ahead(p, 8) and masks off what is not its own.
// The empty asm hides p's object from the compiler, whose bounds analysis
// would otherwise warn about (and may reason from) the read past its end.
inline uint64_t load8_ahead(const char* p) {
  asm("" : "+r"(p));
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace logstreamer::simd
