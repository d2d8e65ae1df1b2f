#pragma once
// The message-template masking kernel (the rule of aggregate/message_template.h)
// for each tier: the message is classified 64 bytes at a time into bit masks
// (one AVX-512 compare per class, two AVX2 or four SSE2 ones, or a table
// lookup per byte on the scalar tier), and the tokens to mask are found with
// bit operations rather than byte loops.
//
// A kernel takes `s`: the message (n bytes) followed by at least 64
// readable bytes, and `scratch` of aggregate::kMaxTemplateBytes. It returns
// the template (the message itself when nothing is masked), or nullopt for a
// token longer than 64 bytes, which the caller leaves to the byte-at-a-time
// reference. Stateless and thread-safe.
#include <optional>
#include <string_view>

#include "simd/simd_level.h"

namespace logstreamer::simd {

using MaskMessageKernel = std::optional<std::string_view> (*)(const char* s, int n,
                                                              std::string_view message,
                                                              char* scratch);
// The kernel for `level` (which the CPU must support).
MaskMessageKernel mask_message_kernel(Level level);

}  // namespace logstreamer::simd
