// ApiHandler::metrics_text: /metrics in the Prometheus text format.
#include <algorithm>

#include <fmt/format.h>

#include "server/api_handler.h"
#include "server/api_labels.h"
#include "server/process_stats.h"
#include "server/prometheus_text.h"

namespace logstreamer::server {

std::string ApiHandler::metrics_text() const {
  PrometheusText p;
  const auto& c = deps_.pipeline->counters();
  const std::vector<std::string>& sources = deps_.pipeline->options().source_names;
  p.family("logstreamer_ingest_lines", "counter", "Lines received over HTTP, by source and outcome.");
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string_view src = sources[i];
    p.sample("_total", {{"source", src}, {"outcome", "accepted"}}, static_cast<double>(c.accepted_lines[i].load()));
    p.sample("_total", {{"source", src}, {"outcome", "rejected"}}, static_cast<double>(c.rejected_lines[i].load()));
    p.sample("_total", {{"source", src}, {"outcome", "dropped"}}, static_cast<double>(c.dropped_lines[i].load()));
  }
  p.family("logstreamer_parsed_lines", "counter", "Lines parsed by the workers, by detected format.");
  for (size_t i = 0; i < parse::kFormatCount; ++i) {
    p.sample("_total", {{"format", parse::format_name(static_cast<parse::Format>(i))}},
             static_cast<double>(c.parsed_by_format[i].load()));
  }
  p.family("logstreamer_malformed_lines", "counter", "Lines that did not parse, by reason.");
  for (size_t i = 1; i < c.malformed_by_reason.size(); ++i) {
    p.sample("_total", {{"reason", parse::reason(static_cast<parse::ParseError>(i))}},
             static_cast<double>(c.malformed_by_reason[i].load()));
  }
  p.family("logstreamer_dropped_lines", "counter", "Lines lost before processing, by reason.");
  uint64_t queue_dropped = 0, queue_rejected = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    queue_dropped += c.dropped_lines[i].load();
    queue_rejected += c.rejected_lines[i].load();
  }
  p.sample("_total", {{"reason", "queue_full_dropped"}}, static_cast<double>(queue_dropped));
  p.sample("_total", {{"reason", "queue_full_rejected"}}, static_cast<double>(queue_rejected));
  std::vector<std::pair<std::string_view, uint64_t>> upstream;
  for (const auto& input : inputs_) input->upstream_drops(upstream);
  for (const auto& [reason, n] : upstream)
    p.sample("_total", {{"reason", reason}}, static_cast<double>(n));
  for (const auto& input : inputs_) input->write_metrics(p);

  const core::QueueStats qs = deps_.pipeline->queue_stats();
  p.gauge("logstreamer_queue_lines", "Lines waiting in the ingest queue.", static_cast<double>(qs.bytes));
  p.gauge("logstreamer_queue_bytes", "Bytes of text waiting in the ingest queue.",
          static_cast<double>(deps_.pipeline->queued_bytes()));
  p.gauge("logstreamer_queue_capacity_lines", "Capacity of the ingest queue, in lines.",
          static_cast<double>(deps_.pipeline->queue_capacity_lines()));
  p.family("logstreamer_queue_usage_ratio", "gauge", "Fill level of the ingest queue (0 to 1).");
  p.sample("", deps_.pipeline->queue_usage());
  p.gauge("logstreamer_workers", "Parse workers running.", static_cast<double>(deps_.pipeline->workers()));
  p.counter("logstreamer_processed_lines", "Lines processed by the workers.",
            static_cast<double>(c.processed_lines.load()));

  const aggregate::WindowSlot totals = deps_.pipeline->windows().totals();
  p.family("logstreamer_http_requests", "counter", "HTTP requests seen in the logs (router lines), by status class.");
  for (size_t i = 0; i < 6; ++i) {
    p.sample("_total", {{"status_class", i == 0 ? "unknown" : kClassNames[i]}},
             static_cast<double>(totals.status_classes[i]));
  }
  std::vector<std::pair<std::string, const aggregate::DynoWindow*>> dynos;
  for (const auto& [name, d] : totals.dynos) dynos.emplace_back(name, &d);
  std::sort(dynos.begin(), dynos.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  p.family("logstreamer_dyno_requests", "counter", "HTTP requests seen in the logs, by dyno.");
  for (const auto& [name, d] : dynos) p.sample("_total", {{"dyno", name}}, static_cast<double>(d->requests));
  p.family("logstreamer_dyno_errors", "counter", "HTTP requests that failed (5xx or H-code), by dyno.");
  for (const auto& [name, d] : dynos) p.sample("_total", {{"dyno", name}}, static_cast<double>(d->errors));
  p.family("logstreamer_router_response_time_seconds", "histogram",
           "Response times reported by the logs (Heroku router service= time).");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < aggregate::kResponseBucketsMs.size(); ++i) {
    cumulative += totals.response_buckets[i];
    p.sample("_bucket", {{"le", fmt::format("{}", aggregate::kResponseBucketsMs[i] / 1000)}},
             static_cast<double>(cumulative));
  }
  cumulative += totals.response_buckets.back();
  p.sample("_bucket", {{"le", "+Inf"}}, static_cast<double>(cumulative));
  p.sample("_sum", totals.response_ms.sum() / 1000);
  p.sample("_count", static_cast<double>(cumulative));

  p.family("logstreamer_http_responses", "counter", "Responses of this server, by endpoint and status class.");
  for (size_t e = 0; e < endpoint_labels_.size(); ++e) {
    for (size_t k = 1; k < 6; ++k) {
      p.sample("_total", {{"endpoint", endpoint_labels_[e]}, {"code", kClassNames[k]}},
               static_cast<double>(responses_[e][k].load()));
    }
  }
  if (deps_.server != nullptr) {
    const ServerCounters& s = *deps_.server;
    p.gauge("logstreamer_http_connections", "Open client connections.", static_cast<double>(s.open_connections.load()));
    p.counter("logstreamer_http_connections_refused",
              "Connections refused at a cap with no idle one to close.",
              static_cast<double>(s.connections_refused.load()));
    p.counter("logstreamer_http_connections_evicted",
              "Idle connections closed to admit new ones at a cap.",
              static_cast<double>(s.connections_evicted.load()));
    p.counter("logstreamer_http_timeouts", "Slow clients cut off by the read or idle timeout.",
              static_cast<double>(s.timeouts.load()));
  }
  // Every output, labelled by its name (output="sqlite").
  std::vector<std::pair<std::string_view, sinks::OutputProbe>> outputs;
  for (const sinks::Output* o : deps_.outputs) outputs.emplace_back(o->name(), o->probe());
  auto per_output = [&](const char* name, const char* type, const char* help, auto value) {
    if (outputs.empty()) return;
    p.family(name, type, help);
    for (const auto& [output, probe] : outputs) {
      p.sample(std::string_view(type) == "counter" ? "_total" : "", {{"output", output}},
               static_cast<double>(value(probe)));
    }
  };
  using Probe = sinks::OutputProbe;
  per_output("logstreamer_db_rows_written", "counter", "Rows committed to the database.",
             [](const Probe& o) { return o.rows_written; });
  per_output("logstreamer_db_transactions", "counter", "Database transactions committed.",
             [](const Probe& o) { return o.transactions; });
  per_output("logstreamer_db_failures", "counter",
             "Failed database transactions (each is retried).",
             [](const Probe& o) { return o.failures; });
  per_output("logstreamer_db_queue_rows", "gauge", "Rows waiting for the database writer.",
             [](const Probe& o) { return o.queued_rows; });
  per_output("logstreamer_db_queue_bytes", "gauge",
             "Bytes of rows waiting for the database writer.",
             [](const Probe& o) { return o.queued_bytes; });
  per_output("logstreamer_db_duplicates_skipped", "counter",
             "Bus messages left out of a commit because another processor had stored them.",
             [](const Probe& o) { return o.duplicates_skipped; });
  per_output("logstreamer_db_up", "gauge", "1 while database writes succeed.",
             [](const Probe& o) { return o.healthy ? 1 : 0; });
  p.gauge("logstreamer_alerts_active", "Alerts active now.", static_cast<double>(deps_.alerts->active().size()));

  const ProcessStats ps = read_process_stats();
  p.family("process_cpu_seconds", "counter", "Total user and system CPU time spent in seconds.");
  p.sample("_total", ps.cpu_seconds);
  p.gauge("process_resident_memory_bytes", "Resident memory size in bytes.", static_cast<double>(ps.resident_bytes));
  p.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", static_cast<double>(ps.virtual_bytes));
  p.gauge("process_open_fds", "Number of open file descriptors.", static_cast<double>(ps.open_fds));
  p.gauge("process_max_fds", "Maximum number of open file descriptors.", static_cast<double>(ps.max_fds));
  p.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
  p.sample("", ps.start_time_seconds);
  p.gauge("process_threads", "Threads of the process.", static_cast<double>(ps.threads));
  if (deps_.bus != nullptr) deps_.bus->write_metrics(p);
  return p.str();
}

}  // namespace logstreamer::server
