#pragma once
// Debian builds Abseil with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW
// is 0), so heterogeneous lookups in string-keyed flat_hash_maps need the key
// as absl::string_view. This adapter costs nothing: same pointer and length.
#include <string_view>

#include "absl/strings/string_view.h"

namespace logstreamer::aggregate {

inline absl::string_view absl_key(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace logstreamer::aggregate
