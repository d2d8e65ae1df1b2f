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

enum class Format : uint8_t { kPlain, kJson, kLogfmt, kSyslog5424, kSyslog3164, kClf, kHeroku };
inline constexpr size_t kFormatCount = 7;
inline constexpr std::array<std::string_view, kFormatCount> kFormatNames = {
    "plain", "json", "logfmt", "syslog5424", "syslog3164", "clf", "heroku"};

constexpr std::string_view format_name(Format f) { return kFormatNames[static_cast<size_t>(f)]; }

std::optional<Format> format_from_name(std::string_view name);

}  // namespace logstreamer::parse
