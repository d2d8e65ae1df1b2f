#pragma once
// Values of command-line flags and config keys that every subcommand shares:
// durations ("500ms", "30s", "5m", "2h", "7d"), and CLI11 validators whose
// messages say what was expected and what was given.
//
// One duration grammar for every flag: `bench --duration 5s` and
// `serve --idle-timeout 5s` read alike. A bare number keeps the unit the flag
// always had (seconds for most; milliseconds for the few whose name or help
// says ms), so existing scripts keep working.
//
// Stateless free functions; thread-safe.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace logstreamer::cli {

enum class BareUnit : uint8_t { kSeconds, kMilliseconds };

// "500ms", "250us", "1.5s", "5m", "2h", "7d", or a bare non-negative number in
// `bare`. nullopt for anything else (negative, unknown unit, trailing text).
std::optional<std::chrono::microseconds> parse_duration_us(std::string_view text,
                                                           BareUnit bare = BareUnit::kSeconds);

// The same, to whole milliseconds (serve's settings).
bool parse_duration(std::string_view text, std::chrono::milliseconds& out);

// "1500ms", "200ms", "2m", "0": the largest unit that is exact, for --help defaults.
std::string format_duration(std::chrono::microseconds d);

// Adds `--name DURATION` storing into `out`; the default shown is `out`'s
// value at the time of the call. A bad value is a usage error naming the flag:
// "--duration: expected a duration like 500ms, 30s or 5m, got '5 weeks'".
CLI::Option* add_duration_option(CLI::App* cmd, const std::string& name,
                                 std::chrono::microseconds& out, const std::string& help,
                                 BareUnit bare = BareUnit::kSeconds,
                                 std::chrono::microseconds max = std::chrono::hours(24 * 365));

// A number in [lo, hi]; `whole` refuses fractions. Replaces CLI::Range, whose
// message for "abc" was "Value abc not in range 1 to 1024".
CLI::Validator number_in(double lo, double hi, bool whole);

template <typename T>
CLI::Validator in_range(T lo, T hi) {
  return number_in(static_cast<double>(lo), static_cast<double>(hi), std::is_integral_v<T>);
}

}  // namespace logstreamer::cli
