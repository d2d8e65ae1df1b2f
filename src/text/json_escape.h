#pragma once
// JSON string escaping that never emits invalid JSON: quotes, backslashes and
// control bytes are escaped, and bytes that are not valid UTF-8 (log lines are
// not guaranteed to be) become U+FFFD instead of corrupting the document.
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace logstreamer::text {

// Appends `s` as a quoted JSON string.
void append_json_string(fmt::memory_buffer& out, std::string_view s);

// For the console: replaces control bytes and invalid UTF-8 with '?', so a
// hostile log line cannot move the cursor or recolour the terminal.
std::string printable(std::string_view s, size_t max_bytes);

}  // namespace logstreamer::text
