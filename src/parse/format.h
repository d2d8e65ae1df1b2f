#pragma once
// The log formats logstreamer recognises. Adding one: a value here, its name in
// kFormatNames, a parser file in this folder and one row in formats.cc's table
// (a static_assert there fails the build if the row is forgotten).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace logstreamer::parse {

enum class Format : uint8_t { kPlain };
inline constexpr size_t kFormatCount = 1;
inline constexpr std::array<std::string_view, kFormatCount> kFormatNames = {"plain"};

constexpr std::string_view format_name(Format f) { return kFormatNames[static_cast<size_t>(f)]; }

std::optional<Format> format_from_name(std::string_view name);

}  // namespace logstreamer::parse
