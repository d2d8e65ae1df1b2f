#include "cli/bench_command.h"
#include "cli/flag_values.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/signal_watcher.h"
#include "engine/replay_chunks.h"
#include "parse/format.h"
#include "text/number_format.h"

namespace logstreamer::cli {

CLI::App* add_bench_command(CLI::App& app, BenchOptions& o) {
  CLI::App* cmd = app.add_subcommand("bench", "Load the in-process pipeline with synthetic streams; report "
                                              "throughput, drops and latency percentiles");
  auto& e = o.engine;
  cmd->add_option("--streams", e.streams.streams, "Logical streams")
      ->envname("STREAMS_COUNT")
      ->capture_default_str()
      ->check(in_range(size_t{1}, size_t{1000000}));
  cmd->add_option("--workers", e.workers, "Workers (fixed pool)")
      ->envname("WORKERS_COUNT")
      ->capture_default_str()
      ->check(in_range(size_t{1}, size_t{10000}));
  o.stream_interval_option = add_duration_option(cmd, "--stream-interval-ms", o.stream_interval,
                                                 "Each stream sleeps a random 0..N between chunks",
                                                 BareUnit::kMilliseconds, std::chrono::hours(1))
                                 ->envname("STREAM_INTERVAL");
  cmd->add_option("--chunk-size", e.streams.chunk_size, "Bytes per event (whole lines)")
      ->envname("CHUNK_SIZE")
      ->capture_default_str()
      ->check(in_range(size_t{16}, size_t{1} << 20));
  cmd->add_option("--buffer", e.buffer_events, "Queue capacity, in events")
      ->envname("BUFFER_SIZE")
      ->capture_default_str()
      ->check(in_range(size_t{1}, size_t{100000000}));
  cmd->add_option("--work-ms", o.work_ms, "Simulated processing time per event, MIN-MAX ms (or one value)")
      ->capture_default_str();
  cmd->add_option("--policy", o.policy, "Full-queue policy: block, drop_newest, drop_oldest, reject")
      ->capture_default_str()->check(CLI::IsMember({"block", "drop_newest", "drop_oldest", "reject"}));
  cmd->add_flag("--autoscale", e.autoscale, "Scale workers between --min-workers and --max-workers by queue usage");
  cmd->add_option("--min-workers", e.autoscaler.min_workers)
      ->capture_default_str()
      ->check(in_range(size_t{1}, size_t{10000}));
  cmd->add_option("--max-workers", e.autoscaler.max_workers)
      ->capture_default_str()
      ->check(in_range(size_t{1}, size_t{10000}));
  cmd->add_option("--batch-size", e.streams.batch_size, "Events per queued batch")
      ->capture_default_str()
      ->check(in_range(size_t{1}, size_t{1000000}));
  add_duration_option(cmd, "--batch-timeout", o.batch_timeout,
                      "Time after a batch's first event before it is sent", BareUnit::kMilliseconds,
                      std::chrono::minutes(1));
  add_duration_option(cmd, "--duration", o.duration, "How long to run (0: until Ctrl+C)");
  cmd->add_option("--rate", e.streams.rate, "Events/s over all streams (open loop); 0: as the streams go")
      ->capture_default_str();
  add_duration_option(cmd, "--metrics-interval", o.metrics_interval,
                      "Time between [metrics] lines (0: none)", BareUnit::kSeconds,
                      std::chrono::hours(1));
  add_duration_option(cmd, "--shutdown-timeout", o.shutdown_timeout,
                      "Time to drain at stop before abandoning", BareUnit::kSeconds,
                      std::chrono::hours(1));
  e.generator_threads = std::max(1u, std::thread::hardware_concurrency());
  cmd->add_option("--generator-threads", e.generator_threads,
                  "Threads emitting the streams (default: cores)")
      ->check(in_range(size_t{1}, size_t{64}));
  cmd->add_option("--adaptive-steps", o.adaptive_steps,
                  "Producer pauses by queue usage, USAGE:MICROSECONDS,... highest first ('none': never pause)")
      ->capture_default_str();
  std::vector<std::string> formats(parse::kFormatNames.begin(), parse::kFormatNames.end());
  formats.push_back("mixed");
  cmd->add_option("--format", o.format, "Format of the synthetic lines (as generate writes them), or mixed")
      ->capture_default_str()->check(CLI::IsMember(formats));
  cmd->add_option(
         "--replay", o.replay,
         "Emit this log file's lines (any format; .gz/.zst too) instead of synthetic ones, then "
         "drain and report; as fast as the streams go, or at --rate")
      ->check(CLI::ExistingFile);
  cmd->add_option("--loops", o.loops, "With --replay: emit the file this many times")
      ->capture_default_str()
      ->check(in_range(uint64_t{1}, uint64_t{1000000}));
  cmd->add_flag("--json", o.json, "The final report as JSON on stdout (logs stay on stderr)");
  return cmd;
}

namespace {

// --replay holds the whole file in memory: refuse one past this.
constexpr size_t kMaxReplayBytes = size_t{2} << 30;

bool parse_work(const std::string& text, uint64_t& lo, uint64_t& hi) {
  const size_t dash = text.find('-');
  try {
    lo = std::stoull(text.substr(0, dash));
    hi = dash == std::string::npos ? lo : std::stoull(text.substr(dash + 1));
  } catch (...) {
    return false;
  }
  return lo <= hi && hi <= 60000;
}

std::string stage_json(const aggregate::LatencySketch& s) {
  return fmt::format("{{\"avg\":{:.3f},\"p50\":{:.3f},\"p99\":{:.3f},\"max\":{:.3f}}}", s.mean(), s.quantile(0.5),
                     s.quantile(0.99), s.max());
}

// "0.95:2000,0.90:1000" -> steps; "none" -> no steps.
bool parse_steps(const std::string& text, std::vector<engine::StreamOptions::AdaptiveStep>& steps) {
  steps.clear();
  if (text == "none") return true;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const size_t colon = item.find(':');
    if (colon == std::string::npos) return false;
    try {
      const double usage = std::stod(item.substr(0, colon));
      const long long us = std::stoll(item.substr(colon + 1));
      if (usage <= 0 || usage > 1 || us < 0 || us > 1'000'000) return false;
      steps.push_back({usage, std::chrono::microseconds(us)});
    } catch (...) {
      return false;
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  std::sort(steps.begin(), steps.end(), [](const auto& a, const auto& b) { return a.usage > b.usage; });
  return !steps.empty();
}

std::string report_json(const engine::EngineReport& r, const BenchOptions& o) {
  const auto& l = r.latency_ms;
  return fmt::format(
      "{{\"dropped_by_reason\":{{\"drop_newest\":{},\"drop_oldest\":{},\"rejected\":{}}},\"batches\":{},"
      "\"stage_latency_ms\":{{\"batching\":{},\"queue\":{},\"processing\":{}}},",
      r.dropped_newest, r.dropped_oldest, r.rejected, r.batches, stage_json(r.batching_ms), stage_json(r.queue_ms),
      stage_json(r.processing_ms)) + fmt::format(
      "\"produced\":{},\"processed\":{},\"dropped\":{},\"abandoned\":{},\"invariant_holds\":{},\"forced\":{},"
      "\"elapsed_seconds\":{:.3f},\"throughput_per_second\":{:.1f},\"lines\":{},\"malformed\":{},"
      "\"latency_ms\":{{\"avg\":{:.3f},\"p50\":{:.3f},\"p95\":{:.3f},\"p99\":{:.3f},\"max\":{:.3f}}},"
      "\"peak_workers\":{},\"scale_ups\":{},\"scale_downs\":{},\"policy\":\"{}\",\"streams\":{},\"workers\":{},"
      "\"levels\":{{\"TRACE\":{},\"DEBUG\":{},\"INFO\":{},\"NOTICE\":{},\"WARN\":{},\"ERROR\":{},\"FATAL\":{}}}}}\n",
      r.produced, r.processed, r.dropped, r.abandoned, r.invariant_holds() ? "true" : "false",
      r.forced ? "true" : "false", r.elapsed_seconds,
      r.elapsed_seconds > 0 ? static_cast<double>(r.processed) / r.elapsed_seconds : 0, r.lines, r.malformed, l.mean(),
      l.quantile(0.5), l.quantile(0.95), l.quantile(0.99), l.max(), r.peak_workers, r.scale_ups, r.scale_downs,
      o.policy, o.engine.streams.streams, o.engine.workers, r.levels[0], r.levels[1], r.levels[2], r.levels[3],
      r.levels[4], r.levels[5], r.levels[6]);
}

std::string report_text(const engine::EngineReport& r) {
  const auto& l = r.latency_ms;
  return fmt::format(
      "logstreamer bench{}: {} events in {:.2f} s ({}/s)\n"
      "  produced {}   processed {}   dropped {}   abandoned {}   invariant {}\n"
      "  latency ms   avg {:.3f}   p50 {:.3f}   p95 {:.3f}   p99 {:.3f}   max {:.3f}\n"
      "  by stage ms  batching p99 {:.3f}   queue p99 {:.3f}   processing p99 {:.3f}\n"
      "  dropped by reason: drop_newest {}  drop_oldest {}  rejected {}   batches {}\n"
      "  peak workers {}   scaling events {} up, {} down   lines parsed {} ({} malformed)\n",
      r.forced ? " (FORCED STOP)" : "", text::with_commas(r.processed), r.elapsed_seconds,
      text::human_count(r.elapsed_seconds > 0 ? static_cast<double>(r.processed) / r.elapsed_seconds
                                              : 0),
      text::with_commas(r.produced), text::with_commas(r.processed), text::with_commas(r.dropped),
      text::with_commas(r.abandoned), r.invariant_holds() ? "holds" : "BROKEN", l.mean(),
      l.quantile(0.5), l.quantile(0.95), l.quantile(0.99), l.max(), r.batching_ms.quantile(0.99),
      r.queue_ms.quantile(0.99), r.processing_ms.quantile(0.99),
      text::with_commas(r.dropped_newest), text::with_commas(r.dropped_oldest),
      text::with_commas(r.rejected), text::with_commas(r.batches), r.peak_workers, r.scale_ups,
      r.scale_downs, text::with_commas(r.lines), text::with_commas(r.malformed));
}

}  // namespace

int run_bench(BenchOptions o) {
  auto& e = o.engine;
  if (!parse_work(o.work_ms, e.work_min_ms, e.work_max_ms)) {
    fmt::print(stderr, "logstreamer: --work-ms: expected MIN-MAX milliseconds (e.g. 20-50), got '{}'\n", o.work_ms);
    return 2;
  }
  if (!parse_steps(o.adaptive_steps, e.streams.adaptive_steps)) {
    fmt::print(stderr, "logstreamer: --adaptive-steps: expected USAGE:MICROSECONDS,... (usage in (0,1]) or none, got '{}'\n",
               o.adaptive_steps);
    return 2;
  }
  if (e.autoscale && e.autoscaler.min_workers > e.autoscaler.max_workers) {
    fmt::print(stderr, "logstreamer: --min-workers ({}) is above --max-workers ({})\n", e.autoscaler.min_workers,
               e.autoscaler.max_workers);
    return 2;
  }
  e.policy = *core::policy_from_name(o.policy);
  e.streams.format = parse::format_from_name(o.format);  // nullopt: mixed
  e.streams.batch_timeout = o.batch_timeout;
  e.streams.interval_ms = static_cast<uint64_t>(o.stream_interval.count() / 1000);
  e.shutdown_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(o.shutdown_timeout);
  if (!o.replay.empty()) {
    auto chunks = engine::load_replay_chunks(o.replay, e.streams.chunk_size, kMaxReplayBytes);
    if (!chunks.ok()) {
      fmt::print(stderr, "logstreamer: --replay {}: {}\n", o.replay,
                 std::string(chunks.status().message()));
      return 2;
    }
    e.streams.replay = std::make_shared<const std::vector<std::string>>(std::move(*chunks));
    e.streams.replay_loops = o.loops;
    // Real load goes as fast as the engine takes it unless paced by --rate
    // or an explicit --stream-interval-ms.
    if (o.stream_interval_option == nullptr || o.stream_interval_option->count() == 0)
      e.streams.interval_ms = 0;
  }

  engine::StreamingEngine engine(e);
  engine.set_on_scale([](core::ScaleDecision d, size_t n, double usage) {
    spdlog::info("autoscaler: {}, workers={}, queue={:.2f}", d == core::ScaleDecision::kUp ? "up" : "down", n, usage);
  });
  std::mutex m;
  std::condition_variable cv;
  bool stop = false, force = false, done = false;
  core::SignalWatcher signals(
      [&](int) {
        std::lock_guard lock(m);
        stop = true;
        cv.notify_all();
      },
      [&](int) {  // a second signal: stop at once, but still report
        std::lock_guard lock(m);
        force = true;
        cv.notify_all();
      });
  engine.start();
  spdlog::info("bench_start streams={} workers={} policy={} buffer={}", e.streams.streams, e.workers, o.policy,
               e.buffer_events);

  const auto started = std::chrono::steady_clock::now();
  const auto end =
      o.duration.count() > 0 ? started + o.duration : std::chrono::steady_clock::time_point::max();
  const auto interval =
      std::max<std::chrono::microseconds>(o.metrics_interval, std::chrono::milliseconds(50));
  auto last = started;
  engine::EngineSnapshot prev{};
  {
    std::unique_lock lock(m);
    while (!stop && !force && std::chrono::steady_clock::now() < end &&
           !engine.source_exhausted()) {
      cv.wait_until(lock, std::min(end, std::chrono::steady_clock::now() + interval));
      const auto now = std::chrono::steady_clock::now();
      if (o.metrics_interval.count() > 0 && now - last >= interval) {
        const double secs = std::chrono::duration<double>(now - last).count();
        const engine::EngineSnapshot s = engine.snapshot();
        fmt::print(stderr, "[metrics] produced={:.0f}/s processed={:.0f}/s queue={}/{} ({:.0f}%) workers={} dropped={} p99={:.1f}ms\n",
                   static_cast<double>(s.produced - prev.produced) / secs,
                   static_cast<double>(s.processed - prev.processed) / secs, s.queued_events, s.capacity_events,
                   s.capacity_events ? 100.0 * static_cast<double>(s.queued_events) / static_cast<double>(s.capacity_events) : 0.0,
                   s.workers, s.dropped, s.window_p99_ms);
        std::fflush(stderr);
        prev = s;
        last = now;
      }
    }
  }
  engine.request_stop();
  // Drain; a second signal meanwhile forces the stop (finish() forces too,
  // after --shutdown-timeout).
  std::thread forcer([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return force || done; });
    if (force && !done) engine.force_stop();
  });
  const engine::EngineReport report = engine.finish();
  {
    std::lock_guard lock(m);
    done = true;
    cv.notify_all();
  }
  forcer.join();
  if (o.json) {
    std::fputs(report_json(report, o).c_str(), stdout);
  } else {
    std::fputs(report_text(report).c_str(), stdout);
  }
  spdlog::info("bench_end processed={} dropped={} abandoned={} invariant={}", report.processed, report.dropped,
               report.abandoned, report.invariant_holds());
  return report.invariant_holds() ? 0 : 1;
}

}  // namespace logstreamer::cli
