// logstreamer: one binary, several subcommands. main() parses flags, sets up
// logging and hands over to the subcommand; it never lets an exception escape.
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/analyze_command.h"
#include "cli/bench_command.h"
#include "cli/generate_command.h"
#include "cli/logging.h"
#include "cli/merge_command.h"
#include "cli/serve_subcommand.h"
#include "simd/simd_level.h"

namespace {

constexpr int kUsageError = 2;

int usage_error(const CLI::App& app, const std::string& message) {
  std::string sub;
  for (const CLI::App* s : app.get_subcommands()) sub = " " + s->get_name();
  fmt::print(stderr, "logstreamer: {}\nUsage: logstreamer{} [OPTIONS]{}  (see 'logstreamer{} --help')\n",
             message, sub.empty() ? " <analyze|generate|merge|bench|serve>" : sub, sub == " analyze" ? " [FILE...]" : "",
             sub);
  return kUsageError;
}

// Without a known subcommand CLI11 says only "A subcommand is required":
// name the word that was not one. (--log-level is the one global option
// that takes a separate value.)
std::string no_subcommand_message(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--log-level") {
      ++i;
      continue;
    }
    if (!arg.empty() && arg[0] != '-') {
      return fmt::format(
          "unknown subcommand '{}' (expected analyze, generate, merge, bench or serve)", arg);
    }
  }
  return "a subcommand is required: analyze, generate, merge, bench or serve";
}

}  // namespace

int main(int argc, char** argv) {
  // A closed stdout pipe (`... | head`) should end the write with EPIPE, not kill us.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"logstreamer: a fast, concurrent log pipeline", "logstreamer"};
  namespace simd = logstreamer::simd;
  app.set_version_flag("--version",
                       fmt::format("logstreamer 0.1.0 (SIMD tier {}; CPU: {})",
                                   simd::level_name(simd::active_level()), simd::cpu_features()));
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level,
                 "The tool's own logs on stderr: trace, debug, info, warn, error, off")
      ->capture_default_str();

  logstreamer::cli::AnalyzeOptions analyze;
  logstreamer::cli::GenerateOptions generate;
  logstreamer::cli::MergeOptions merge;
  logstreamer::cli::BenchOptions bench;
  logstreamer::cli::ServeFlags serve;
  CLI::App* analyze_cmd = logstreamer::cli::add_analyze_command(app, analyze);
  CLI::App* generate_cmd = logstreamer::cli::add_generate_command(app, generate);
  CLI::App* merge_cmd = logstreamer::cli::add_merge_command(app, merge);
  CLI::App* bench_cmd = logstreamer::cli::add_bench_command(app, bench);
  CLI::App* serve_cmd = logstreamer::cli::add_serve_command(app, serve);
  // Global flags may also follow the subcommand.
  for (CLI::App* cmd : {analyze_cmd, generate_cmd, merge_cmd, bench_cmd, serve_cmd}) cmd->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (app.get_subcommands().empty()) return usage_error(app, no_subcommand_message(argc, argv));
    return usage_error(app, e.what());
  }
  if (!logstreamer::cli::setup_logging(log_level)) {
    return usage_error(app, "--log-level: unknown level '" + log_level + "'");
  }
  // A forced tier the CPU lacks would crash on its first instruction: refuse it.
  if (const std::string bad = simd::check_forced_level(); !bad.empty()) {
    fmt::print(stderr, "logstreamer: {}\n", bad);
    return kUsageError;
  }

  try {
    if (*analyze_cmd) return logstreamer::cli::run_analyze(analyze);
    if (*generate_cmd) return logstreamer::cli::run_generate(generate);
    if (*merge_cmd) return logstreamer::cli::run_merge(merge);
    if (*bench_cmd) return logstreamer::cli::run_bench(bench);
    if (*serve_cmd) return logstreamer::cli::launch_serve(serve, argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "logstreamer: {}\n", e.what());
    return 1;
  }
  return usage_error(app, "no subcommand");
}
