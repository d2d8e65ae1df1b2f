// ApiHandler::stats_json: the /api/stats document (and the SSE stream's, and
// the metric snapshots'): windows, pipeline health, alerts, chart series.
#include <algorithm>
#include <chrono>

#include "core/wall_clock.h"
#include "parse/timestamp.h"
#include "server/api_handler.h"
#include "server/api_labels.h"
#include "server/json_writer.h"

namespace logstreamer::server {
namespace {

void window_json(JsonWriter& w, const aggregate::WindowSlot& s, int64_t seconds, const AlertRules& rules,
                 size_t top_n) {
  const double secs = static_cast<double>(seconds);
  w.begin_object();
  w.field("seconds", seconds);
  w.field("lines", s.lines);
  w.field("lines_per_second", static_cast<double>(s.lines) / secs);
  w.field("malformed", s.malformed);
  w.key("levels").begin_object();
  for (size_t i = 0; i < parse::kLevelCount; ++i) w.field(parse::kLevelNames[i], s.levels[i]);
  w.end_object();
  w.field("requests", s.requests);
  w.field("requests_per_second", static_cast<double>(s.requests) / secs);
  const double req = static_cast<double>(s.requests);
  w.field("success_rate", s.requests ? static_cast<double>(s.status_classes[2] + s.status_classes[3]) / req : 0.0);
  w.field("error_rate", s.requests ? static_cast<double>(s.errors) / req : 0.0);
  w.field("errors", s.errors);
  w.key("response_ms").begin_object();
  w.field("count", s.response_ms.count());
  w.field("avg", s.response_ms.mean());
  w.field("p50", s.response_ms.quantile(0.50));
  w.field("p95", s.response_ms.quantile(0.95));
  w.field("p99", s.response_ms.quantile(0.99));
  w.field("max", s.response_ms.max());
  w.end_object();
  w.field("slow_requests", s.slow);
  w.key("status_classes").begin_object();
  for (size_t i = 1; i < 6; ++i) w.field(kClassNames[i], s.status_classes[i]);
  w.field("unknown", s.status_classes[0]);
  w.end_object();
  w.key("methods").begin_object();
  for (const auto& [m, n] : s.methods.sorted()) w.field(m, n);
  w.end_object();
  w.key("top_endpoints").begin_array();
  for (const auto& [path, n] : s.paths.sorted(top_n)) {
    w.begin_object().field("path", path).field("requests", n).end_object();
  }
  w.end_array();
  std::vector<std::pair<std::string, const aggregate::DynoWindow*>> dynos;
  for (const auto& [name, d] : s.dynos) dynos.emplace_back(name, &d);
  std::sort(dynos.begin(), dynos.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  w.key("dynos").begin_array();
  for (const auto& [name, d] : dynos) {
    const double er = d->requests ? static_cast<double>(d->errors) / static_cast<double>(d->requests) : 0;
    const double p95 = d->response_ms.quantile(0.95);
    const char* status = (er > rules.error_rate_critical || p95 > rules.p95_critical_ms)  ? "critical"
                         : (er > rules.error_rate_warning || p95 > rules.p95_warning_ms) ? "warning"
                                                                                         : "healthy";
    w.begin_object()
        .field("dyno", name)
        .field("requests", d->requests)
        .field("errors", d->errors)
        .field("error_rate", er)
        .field("p50_ms", d->response_ms.quantile(0.5))
        .field("p95_ms", p95)
        .field("status", status)
        .end_object();
  }
  w.end_array();
  w.end_object();
}

void alert_json(JsonWriter& w, const Alert& a) {
  w.begin_object()
      .field("name", a.name)
      .field("severity", a.severity)
      .field("value", a.value)
      .field("threshold", a.threshold)
      .field("raised", parse::format_rfc3339(a.raised_us, 0));
  if (a.resolved_us != 0) {
    w.field("resolved", parse::format_rfc3339(a.resolved_us, 0));
  } else {
    w.key("resolved").null();
  }
  w.end_object();
}

}  // namespace

std::string ApiHandler::stats_json() const {
  const int64_t now = core::unix_now_us();
  const int64_t now_s = now / 1000000;
  const auto& windows = deps_.pipeline->windows();
  const AlertRules& rules = deps_.alerts->rules();
  JsonWriter w;
  w.begin_object();
  w.field("time", parse::format_rfc3339(now, 3));
  w.field("uptime_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  w.key("windows").begin_object();
  for (const auto& [name, seconds] : {std::pair{"1m", 60}, std::pair{"5m", 300}, std::pair{"60m", 3600}}) {
    // A window shorter than the uptime is divided by the uptime, so the
    // rate of a server up for 10 s is not diluted over a minute.
    const int64_t effective = std::clamp<int64_t>(now_s - started_unix_s_ + 1, 1, seconds);
    w.key(name);
    window_json(w, windows.window(now_s, seconds), effective, rules, options_.top_n);
  }
  w.end_object();

  const auto& c = deps_.pipeline->counters();
  const core::QueueStats qs = deps_.pipeline->queue_stats();
  uint64_t accepted = 0, rejected = 0, dropped = 0, malformed = 0;
  for (size_t i = 0; i < deps_.pipeline->options().source_names.size(); ++i) {
    accepted += c.accepted_lines[i].load();
    rejected += c.rejected_lines[i].load();
    dropped += c.dropped_lines[i].load();
  }
  for (const auto& m : c.malformed_by_reason) malformed += m.load();
  w.key("pipeline").begin_object();
  w.field("queue_usage", deps_.pipeline->queue_usage());
  w.field("queue_lines", static_cast<uint64_t>(qs.bytes));
  w.field("queue_capacity_lines", static_cast<uint64_t>(deps_.pipeline->queue_capacity_lines()));
  w.field("workers", static_cast<uint64_t>(deps_.pipeline->workers()));
  w.field("min_workers", static_cast<uint64_t>(deps_.pipeline->options().workers.min_workers));
  w.field("max_workers", static_cast<uint64_t>(deps_.pipeline->options().workers.max_workers));
  w.field("processing_rate", deps_.pipeline->processing_rate());
  w.field("backlog_lines", static_cast<uint64_t>(qs.bytes));
  w.field("accepted_lines", accepted);
  w.field("processed_lines", c.processed_lines.load());
  w.field("rejected_lines", rejected);
  w.field("dropped_lines", dropped);
  w.field("malformed_lines", malformed);
  // "database": the durable outputs together (the dashboard's line);
  // "outputs": each one.
  uint64_t rows_written = 0, queued_rows = 0;
  bool durable = false, healthy = true;
  for (const sinks::Output* o : deps_.outputs) {
    if (!o->durable()) continue;
    const sinks::OutputProbe probe = o->probe();
    durable = true;
    healthy = healthy && probe.healthy;
    rows_written += probe.rows_written;
    queued_rows += probe.queued_rows;
  }
  w.key("database").begin_object();
  w.field("enabled", durable);
  if (durable) {
    w.field("healthy", healthy);
    w.field("rows_written", rows_written);
    w.field("queued_rows", queued_rows);
  }
  w.end_object();
  w.key("outputs").begin_array();
  for (const sinks::Output* o : deps_.outputs) {
    const sinks::OutputProbe probe = o->probe();
    w.begin_object()
        .field("name", o->name())
        .field("durable", o->durable())
        .field("healthy", probe.healthy)
        .field("rows_written", probe.rows_written)
        .field("queued_rows", probe.queued_rows)
        .field("failures", probe.failures)
        .end_object();
  }
  w.end_array();
  w.end_object();

  w.key("alerts").begin_object();
  w.key("active").begin_array();
  for (const auto& a : deps_.alerts->active()) alert_json(w, a);
  w.end_array();
  w.key("resolved").begin_array();
  for (const auto& a : deps_.alerts->resolved()) alert_json(w, a);
  w.end_array();
  w.end_object();

  // The last 15 minutes, one point per slot, for the charts.
  const auto series = windows.series(now_s, 900);
  w.key("series").begin_object();
  w.field("step_seconds", aggregate::LiveWindows::kSlotSeconds);
  auto column = [&](std::string_view name, auto get) {
    w.key(name).begin_array();
    for (const auto& s : series) w.value(get(s));
    w.end_array();
  };
  column("t", [](const aggregate::WindowSlot& s) { return s.epoch * aggregate::LiveWindows::kSlotSeconds; });
  column("lines", [](const aggregate::WindowSlot& s) { return s.lines; });
  column("requests", [](const aggregate::WindowSlot& s) { return s.requests; });
  column("errors", [](const aggregate::WindowSlot& s) { return s.errors; });
  column("p50", [](const aggregate::WindowSlot& s) { return s.response_ms.quantile(0.5); });
  column("p95", [](const aggregate::WindowSlot& s) { return s.response_ms.quantile(0.95); });
  column("p99", [](const aggregate::WindowSlot& s) { return s.response_ms.quantile(0.99); });
  w.key("levels").begin_object();
  for (size_t i = 0; i < parse::kLevelCount; ++i) {
    column(parse::kLevelNames[i], [i](const aggregate::WindowSlot& s) { return s.levels[i]; });
  }
  w.end_object();
  w.key("status_classes").begin_object();
  for (size_t i = 1; i < 6; ++i) {
    column(kClassNames[i], [i](const aggregate::WindowSlot& s) { return s.status_classes[i]; });
  }
  w.end_object();
  w.end_object();

  w.key("recent_errors").begin_array();
  for (const auto& e : windows.recent_errors()) {
    w.begin_object()
        .field("received", parse::format_rfc3339(e.received_us, 3))
        .field("level", e.level)
        .field("service", e.service)
        .field("message", e.message)
        .end_object();
  }
  w.end_array();
  if (deps_.bus != nullptr) w.key("bus").raw(deps_.bus->stats_json());
  w.end_object();
  return w.str();
}

}  // namespace logstreamer::server
