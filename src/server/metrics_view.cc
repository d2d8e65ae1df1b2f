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
  p.family("logstreamer_ingest_lines", "counter", "Lines received over HTTP, by source and outcome.");
  for (size_t i = 0; i < engine::kIngestSourceCount; ++i) {
    const std::string_view src = engine::ingest_source_name(static_cast<engine::IngestSource>(i));
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
  for (size_t i = 0; i < engine::kIngestSourceCount; ++i) {
    queue_dropped += c.dropped_lines[i].load();
    queue_rejected += c.rejected_lines[i].load();
  }
  p.sample("_total", {{"reason", "queue_full_dropped"}}, static_cast<double>(queue_dropped));
  p.sample("_total", {{"reason", "queue_full_rejected"}}, static_cast<double>(queue_rejected));
  p.sample("_total", {{"reason", "logplex_drop_count"}}, static_cast<double>(logplex_.drop_count.load()));
  p.sample("_total", {{"reason", "logplex_lost_count"}}, static_cast<double>(logplex_.lost_count.load()));

  p.counter("logstreamer_logplex_requests", "Logplex drain requests handled.",
            static_cast<double>(logplex_.requests.load()));
  p.counter("logstreamer_logplex_frames", "Logplex frames accepted.", static_cast<double>(logplex_.frames.load()));
  p.counter("logstreamer_logplex_malformed_frames", "Logplex bodies whose framing broke off.",
            static_cast<double>(logplex_.malformed_frames.load()));
  p.counter("logstreamer_logplex_msg_count_mismatches",
            "Requests whose Logplex-Msg-Count differed from the frames in the body.",
            static_cast<double>(logplex_.msg_count_mismatches.load()));
  p.counter("logstreamer_logplex_duplicate_requests",
            "Retried requests acknowledged without processing (same Logplex-Frame-Id).",
            static_cast<double>(logplex_.duplicates.load()));

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
  for (size_t e = 0; e < responses_.size(); ++e) {
    for (size_t k = 1; k < 6; ++k) {
      p.sample("_total", {{"endpoint", kEndpointNames[e]}, {"code", kClassNames[k]}},
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
  if (deps_.db != nullptr) {
    const auto& d = deps_.db->counters();
    p.counter("logstreamer_db_rows_written", "Rows committed to the database.",
              static_cast<double>(d.rows_written.load()));
    p.counter("logstreamer_db_transactions", "Database transactions committed.",
              static_cast<double>(d.transactions.load()));
    p.counter("logstreamer_db_failures", "Failed database transactions (each is retried).",
              static_cast<double>(d.failures.load()));
    p.gauge("logstreamer_db_queue_rows", "Rows waiting for the database writer.",
            static_cast<double>(deps_.db->queued_rows()));
    p.gauge("logstreamer_db_queue_bytes", "Bytes of rows waiting for the database writer.",
            static_cast<double>(deps_.db->queued_bytes()));
    p.family("logstreamer_db_up", "gauge", "1 while database writes succeed.");
    p.sample("", deps_.db->healthy() ? 1 : 0);
  }
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
  return p.str();
}

}  // namespace logstreamer::server
