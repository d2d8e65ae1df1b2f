#include "cli/analyze_command.h"
#include "cli/exit_without_teardown.h"
#include "cli/flag_values.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gperftools/profiler.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "aggregate/batch_aggregator.h"
#include "cli/progress_line.h"
#include "core/buffer_pool.h"
#include "core/signal_watcher.h"
#include "engine/analyze_pipeline.h"
#include "parse/format.h"
#include "sinks/console_report.h"
#include "sinks/summary_json.h"
#include "sources/file_source.h"

namespace logstreamer::cli {
namespace {

constexpr size_t kMaxLineLimit = 64 << 20;

std::vector<std::string> input_names(const AnalyzeOptions& o) {
  std::vector<std::string> names = o.files;
  names.insert(names.end(), o.files_flag.begin(), o.files_flag.end());
  if (names.empty()) names.push_back("-");
  return names;
}

void error_line(const std::string& what) { fmt::print(stderr, "logstreamer: {}\n", what); }

}  // namespace

CLI::App* add_analyze_command(CLI::App& app, AnalyzeOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Summarise log files (or stdin) in any common format: levels, services, formats, activity "
      "per minute, top messages, HTTP status and latency percentiles");
  cmd->add_option("files", o.files, "Log files; '-' or none reads stdin. .gz and .zst are "
                                    "decompressed on the fly");
  cmd->add_option("--files", o.files_flag, "Comma-separated log files (same as positional)")
      ->delimiter(',');
  cmd->add_option("-w,--workers", o.workers, "Parser threads (default: number of cores)")
      ->check(in_range(1, 1024));
  cmd->add_option("--readers", o.readers, "Reader threads (default: min(files, workers))")
      ->check(in_range(1, 1024));
  cmd->add_option("--buffer", o.buffer, "Queue capacity between readers and workers, in chunks")
      ->capture_default_str()
      ->check(in_range(1, 4096));
  cmd->add_option("--chunk-size", o.chunk_bytes, "Bytes read per chunk")
      ->capture_default_str()
      ->check(in_range(size_t{64} << 10, size_t{256} << 20));
  cmd->add_option("--max-line-bytes", o.max_line_bytes,
                  "Longer lines are counted malformed and skipped unbuffered")
      ->capture_default_str()
      ->check(in_range(size_t{16}, kMaxLineLimit));
  std::vector<std::string> formats{"auto"};
  formats.insert(formats.end(), parse::kFormatNames.begin(), parse::kFormatNames.end());
  cmd->add_option("--format", o.format,
                  "Line format: auto (detect per line), plain, json, logfmt, syslog5424, syslog3164, "
                  "clf, heroku")
      ->capture_default_str()
      ->check(CLI::IsMember(formats));
  cmd->add_option("-o,--output", o.output, "Also write the summary as JSON to this file ('-': stdout)");
  cmd->add_option("--top", o.top, "Rows in the top messages and services tables")
      ->capture_default_str()
      ->check(in_range(1, 10000));
  cmd->add_flag("-q,--quiet", o.quiet, "No progress line and no console summary");
  cmd->add_flag("--progress", o.progress, "Progress on stderr even when it is not a terminal");
  cmd->add_option("--cpuprofile", o.cpuprofile,
                  "Write a CPU profile (google-pprof) to this file; it samples at 100 Hz, "
                  "set CPUPROFILE_FREQUENCY=1000 for runs shorter than a few seconds");
  return cmd;
}

int run_analyze(const AnalyzeOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t workers = o.workers > 0 ? o.workers : cores;
  const std::vector<std::string> names = input_names(o);
  int status = 0;

  // Open the output first: a typo in its path should not cost a long run.
  std::FILE* json_out = nullptr;
  if (!o.output.empty()) {
    json_out = o.output == "-" ? stdout : std::fopen(o.output.c_str(), "w");
    if (json_out == nullptr) {
      error_line(fmt::format("cannot write {}: {}", o.output, std::strerror(errno)));
      return 2;
    }
  }

  // Buffers: enough for a full queue, one per worker and two per reader (the
  // one being filled and the next), so readers never wait for each other.
  // Bigger --max-line-bytes means bigger chunks: a line up to the limit must fit.
  const size_t chunk = std::max(o.chunk_bytes, o.max_line_bytes + 1);
  const size_t readers_wanted = o.readers > 0 ? o.readers : std::min(names.size(), workers);
  core::BufferPool pool(o.buffer + workers + 2 * readers_wanted, chunk);

  std::vector<sinks::InputError> failed;  // the summary's "errors"
  std::vector<std::unique_ptr<core::Source>> sources;
  std::vector<std::string> opened_names;
  for (const auto& name : names) {
    auto file = sources::open_file(name);
    if (!file.ok()) {
      error_line(fmt::format("cannot open {}: {}", name, std::string(file.status().message())));
      // The line above is for people; repeat it structured only when asked to.
      if (spdlog::should_log(spdlog::level::info)) {
        spdlog::error("open_failed file={} reason=\"{}\"", name, std::string(file.status().message()));
      }
      failed.push_back({name, std::string(file.status().message())});
      status = 2;
      continue;
    }
    const auto id = static_cast<uint32_t>(opened_names.size());
    opened_names.push_back(name == "-" ? "<stdin>" : name);
    sources.push_back(std::make_unique<sources::FileSource>(opened_names.back(), id,
                                                            std::move(*file), pool));
  }
  if (sources.empty()) return 2;

  const std::optional<parse::Format> forced =
      o.format == "auto" ? std::nullopt : parse::format_from_name(o.format);
  engine::AnalyzePipeline pipeline(
      engine::PipelineOptions{readers_wanted, workers, o.buffer}, std::move(sources), [&](size_t) {
        return std::make_unique<aggregate::BatchAggregator>(parse::LineParser(forced),
                                                            o.max_line_bytes, aggregate::SummaryLimits{});
      });
  // Before any thread starts: every thread inherits the blocked signal mask.
  core::SignalWatcher signals([&pipeline](int signo) {
    spdlog::warn("shutdown signal={} action=\"stop reading, finish queued work\"", signo);
    pipeline.request_stop();
  });

  if (!o.cpuprofile.empty() && ProfilerStart(o.cpuprofile.c_str()) == 0) {
    error_line(fmt::format("cannot write CPU profile {}", o.cpuprofile));
    return 2;
  }
  spdlog::info("analyze_start inputs={} workers={} readers={} chunk_bytes={} queue={}",
               opened_names.size(), workers, readers_wanted, chunk, o.buffer);
  pipeline.start();

  const bool tty = isatty(STDERR_FILENO) != 0;
  std::optional<ProgressLine> progress;
  if (!o.quiet && (tty || o.progress)) progress.emplace(pipeline, tty && !o.progress);
  while (!pipeline.wait_for(std::chrono::milliseconds(100))) {
    if (progress) progress->tick();
  }
  pipeline.wait();
  if (progress) progress->finish();
  if (!o.cpuprofile.empty()) ProfilerStop();

  // The first worker's summary is taken, not copied: with thousands of
  // templates a copy was half the time between the last batch and exit.
  const auto& processors = pipeline.processors();
  aggregate::Summary summary =
      std::move(static_cast<aggregate::BatchAggregator&>(*processors.front()).summary());
  for (size_t i = 1; i < processors.size(); ++i) {
    summary.merge(static_cast<aggregate::BatchAggregator&>(*processors[i]).summary());
  }
  summary.resolve_samples(opened_names);
  for (const auto& err : pipeline.errors()) {
    error_line(fmt::format("cannot read {}: {}", err.source, std::string(err.status.message())));
    if (spdlog::should_log(spdlog::level::info)) {
      spdlog::error("read_failed file={} reason=\"{}\"", err.source, std::string(err.status.message()));
    }
    failed.push_back({err.source, std::string(err.status.message())});
    status = 2;
  }

  sinks::RunReport report;
  report.summary = &summary;
  report.inputs = opened_names;
  report.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report.bytes_read = pipeline.probe().bytes_processed.load();
  report.interrupted = signals.received() != 0;
  report.errors = std::move(failed);
  report.top_n = o.top;

  if (!o.quiet && o.output != "-") std::fputs(sinks::console_report(report).c_str(), stdout);
  if (json_out != nullptr) {
    const std::string json = sinks::summary_to_json(report);
    const bool ok = std::fwrite(json.data(), 1, json.size(), json_out) == json.size();
    if ((json_out != stdout ? std::fclose(json_out) : std::fflush(json_out)) != 0 || !ok) {
      error_line(fmt::format("cannot write {}: {}", o.output, std::strerror(errno)));
      status = 2;
    }
  }
  spdlog::info("analyze_end lines={} parsed={} malformed={} elapsed_s={:.3f} interrupted={}",
               summary.total_lines(), summary.parsed, summary.malformed, report.elapsed_seconds,
               report.interrupted);
  const int exit_status = signals.received() != 0 ? signals.exit_status() : status;
  exit_without_teardown(exit_status);  // everything is written: no destructors
  return exit_status;
}

}  // namespace logstreamer::cli
