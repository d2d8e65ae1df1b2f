#include "cli/generate_command.h"
#include "cli/flag_values.h"

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "engine/synthetic_lines.h"
#include "parse/format.h"

namespace logstreamer::cli {

CLI::App* add_generate_command(CLI::App& app, GenerateOptions& o) {
  CLI::App* cmd = app.add_subcommand("generate", "Write synthetic log lines (reproducible by seed)");
  cmd->add_option("-n,--count", o.count, "Number of lines (0 with --rate: until interrupted)")->capture_default_str();
  cmd->add_option("--rate", o.rate, "Lines per second, written in small bursts (0: as fast as possible)")
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed: the same seed writes the same lines")
      ->capture_default_str();
  std::vector<std::string> formats(parse::kFormatNames.begin(), parse::kFormatNames.end());
  formats.push_back("mixed");
  cmd->add_option("--format", o.format,
                  "Line format: plain, json, logfmt, syslog5424, syslog3164, clf, heroku, or mixed (all, shuffled)")
      ->capture_default_str()
      ->check(CLI::IsMember(formats));
  cmd->add_option("-o,--output", o.output, "Output file ('-': stdout)")->capture_default_str();
  cmd->add_option("--malformed-ratio", o.malformed_ratio, "Fraction of deliberately bad lines")
      ->capture_default_str()
      ->check(in_range(0.0, 1.0));
  cmd->add_flag("--level-aliases", o.level_aliases,
                "Also spell levels as aliases (warning, err, crit, lower case)");
  cmd->add_option("--layout", o.layout,
                  "Plain line layout: level-first, time-first, date-time, or mixed (line by line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"mixed", "level-first", "time-first", "date-time"}));
  return cmd;
}

int run_generate(const GenerateOptions& o) {
  std::FILE* out = o.output == "-" ? stdout : std::fopen(o.output.c_str(), "w");
  if (out == nullptr) {
    fmt::print(stderr, "logstreamer: cannot write {}: {}\n", o.output, std::strerror(errno));
    return 2;
  }
  const engine::PlainLayout layout = o.layout == "level-first"  ? engine::PlainLayout::kLevelFirst
                                     : o.layout == "time-first" ? engine::PlainLayout::kTimeFirst
                                     : o.layout == "date-time"  ? engine::PlainLayout::kDateTime
                                                                : engine::PlainLayout::kMixed;
  engine::SyntheticLines lines(engine::SyntheticOptions{.seed = o.seed,
                                                        .malformed_ratio = o.malformed_ratio,
                                                        .level_aliases = o.level_aliases,
                                                        .layout = layout});
  const std::optional<parse::Format> format = parse::format_from_name(o.format);  // nullopt: mixed
  if (o.count == 0 && o.rate == 0) {
    fmt::print(stderr, "logstreamer: --count 0 (endless) needs a --rate\n");
    return 2;
  }
  fmt::memory_buffer buf;
  bool ok = true;
  const auto started = std::chrono::steady_clock::now();
  // With a rate, write in bursts of about 10 ms worth, each at its due time.
  const uint64_t burst = o.rate > 0 ? std::max<uint64_t>(1, o.rate / 100) : 0;
  for (uint64_t i = 0; (o.count == 0 || i < o.count) && ok; ++i) {
    if (burst > 0 && i % burst == 0 && i > 0) {
      ok = std::fwrite(buf.data(), 1, buf.size(), out) == buf.size() && std::fflush(out) == 0;
      buf.clear();
      std::this_thread::sleep_until(started + std::chrono::nanoseconds(i * 1'000'000'000ULL / o.rate));
    }
    if (format) {
      lines.append(*format, buf);
    } else {
      lines.append_mixed(buf);
    }
    if (buf.size() >= (1 << 20) || i + 1 == o.count) {
      ok = std::fwrite(buf.data(), 1, buf.size(), out) == buf.size();
      buf.clear();
    }
  }
  const bool closed = (out == stdout ? std::fflush(out) : std::fclose(out)) == 0;
  if (!ok || !closed) {
    // A closed pipe (`generate | head`) is not worth a message.
    if (errno != EPIPE) {
      fmt::print(stderr, "logstreamer: cannot write {}: {}\n", o.output, std::strerror(errno));
    }
    return 2;
  }
  return 0;
}

}  // namespace logstreamer::cli
