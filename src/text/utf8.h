#pragma once
// UTF-8 validity, byte by byte: log lines are not guaranteed to be UTF-8,
// and JSON, the console and PostgreSQL each need them to be.
#include <cstddef>
#include <string_view>

namespace logstreamer::text {

// Length (1-4) of the valid UTF-8 sequence starting at s[i], or 0 if the
// bytes there are not one (overlong forms, surrogates and values past
// U+10FFFF are not). Requires i < s.size().
size_t utf8_sequence_length(std::string_view s, size_t i);

}  // namespace logstreamer::text
