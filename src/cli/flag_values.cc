#include "cli/flag_values.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace logstreamer::cli {

std::optional<std::chrono::microseconds> parse_duration_us(std::string_view text, BareUnit bare) {
  double n = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || !(n >= 0) || std::isinf(n)) return std::nullopt;
  const std::string_view unit(p, static_cast<size_t>(text.data() + text.size() - p));
  double us_per = 0;
  if (unit.empty())
    us_per = bare == BareUnit::kSeconds ? 1e6 : 1e3;
  else if (unit == "us")
    us_per = 1;
  else if (unit == "ms")
    us_per = 1e3;
  else if (unit == "s")
    us_per = 1e6;
  else if (unit == "m")
    us_per = 60e6;
  else if (unit == "h")
    us_per = 3600e6;
  else if (unit == "d")
    us_per = 86400e6;
  else
    return std::nullopt;
  const double us = n * us_per;
  if (us > 9e18) return std::nullopt;  // would overflow int64
  return std::chrono::microseconds(static_cast<int64_t>(std::llround(us)));
}

bool parse_duration(std::string_view text, std::chrono::milliseconds& out) {
  const auto us = parse_duration_us(text, BareUnit::kSeconds);
  if (!us) return false;
  out = std::chrono::duration_cast<std::chrono::milliseconds>(*us);
  return true;
}

std::string format_duration(std::chrono::microseconds d) {
  const int64_t n = d.count();
  struct Unit {
    int64_t us;
    const char* name;
  };
  for (const Unit u : {Unit{86400'000'000, "d"}, Unit{3600'000'000, "h"}, Unit{60'000'000, "m"},
                       Unit{1'000'000, "s"}, Unit{1'000, "ms"}}) {
    if (n > 0 && n % u.us == 0) return fmt::format("{}{}", n / u.us, u.name);
  }
  if (n == 0) return "0";
  if (n >= 1'000'000) return fmt::format("{}s", static_cast<double>(n) / 1e6);
  if (n >= 1'000) return fmt::format("{}ms", static_cast<double>(n) / 1e3);
  return fmt::format("{}us", n);
}

CLI::Option* add_duration_option(CLI::App* cmd, const std::string& name,
                                 std::chrono::microseconds& out, const std::string& help,
                                 BareUnit bare, std::chrono::microseconds max) {
  const std::string bare_text =
      bare == BareUnit::kSeconds ? "a bare number is seconds" : "a bare number is ms";
  CLI::Validator check(
      [bare, max](std::string& v) -> std::string {
        const auto d = parse_duration_us(v, bare);
        if (!d) return fmt::format("expected a duration like 500ms, 30s or 5m, got '{}'", v);
        if (*d > max) return fmt::format("at most {}, got '{}'", format_duration(max), v);
        return {};
      },
      "DURATION");
  return cmd
      ->add_option_function<std::string>(
          name, [&out, bare](const std::string& v) { out = *parse_duration_us(v, bare); },
          fmt::format("{} ({})", help, bare_text))
      ->check(check)
      ->type_name("DURATION")
      ->default_str(format_duration(out));
}

CLI::Validator number_in(double lo, double hi, bool whole) {
  return CLI::Validator(
      [lo, hi, whole](std::string& v) -> std::string {
        double n = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        const bool number =
            ec == std::errc() && p == v.data() + v.size() && (!whole || n == std::floor(n));
        if (number && n >= lo && n <= hi) return {};
        return fmt::format("expected {} from {} to {}, got '{}'",
                           whole ? "a whole number" : "a number", lo, hi, v);
      },
      fmt::format("{} in [{} - {}]", whole ? "INT" : "NUMBER", lo, hi));
}

}  // namespace logstreamer::cli
