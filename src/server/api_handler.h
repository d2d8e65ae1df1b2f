#pragma once
// ApiHandler: the routes of `serve`, as a table (routes_), and the checks
// every request passes before its route runs.
//
//   POST <input>      every HTTP input of server/inputs/input_list.cc:
//                     /logdrains (Heroku logplex), /ingest (NDJSON or plain)
//   GET  /metrics     Prometheus text format
//   GET  /api/summary the analyze summary, live
//   GET  /api/stats   windowed stats (1, 5, 60 min), pipeline health, alerts
//   GET  /api/events  stored events (any EventReader), filtered, cursor-paged
//   GET  /api/stream  the /api/stats document every second (Server-Sent Events)
//   GET  /healthz     alive;  GET /readyz  ready for traffic
//   GET  /            the dashboard (embedded assets)
//
// Writes (the inputs) need writer credentials (401) and healthy durable
// outputs (503 with Retry-After); reads under /api and /metrics need an API
// key when keys are configured, and are rate limited per key (429). Every
// error is a JSON body with the status code that says what went wrong.
//
// Thread-safety: handle() runs on every I/O thread at once; the views read
// atomics and the pipeline's locked state.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/ingest_pipeline.h"
#include "server/alerts.h"
#include "server/auth.h"
#include "server/bus_view.h"
#include "server/http_server.h"
#include "server/http_util.h"
#include "server/inputs/http_input.h"
#include "server/rate_limiter.h"
#include "sinks/delivery_ledger.h"
#include "sinks/event_reader.h"
#include "sinks/output.h"

namespace logstreamer::server {

struct ApiOptions {
  size_t max_body_bytes = 8u << 20;  // also the bound on an inflated gzip body
  size_t max_line_bytes = 64 * 1024;
  double api_rate = 50;   // read requests per second per API key; 0: unlimited
  double api_burst = 100;
  size_t dedupe_capacity = 100000;  // idempotency keys remembered in memory
  AckMode ack = AckMode::kQueued;   // when writes are answered (server/inputs/acknowledger.h)
  std::chrono::milliseconds ack_timeout{4000};
  size_t top_n = 10;
  std::chrono::milliseconds stream_interval{1000};
};

struct ApiDeps {
  engine::IngestPipeline* pipeline = nullptr;
  AlertTracker* alerts = nullptr;
  std::vector<sinks::Output*> outputs;   // where rows go; empty: nothing stored
  sinks::EventReader* events = nullptr;  // for /api/events; null: 404
  sinks::DeliveryLedger* ledger = nullptr;  // committed idempotency keys; null: none
  const ServerCounters* server = nullptr;
  // serve --bus: the cluster around this node; null: a single process.
  BusView* bus = nullptr;
  // Where the inputs hand accepted batches; null: `pipeline` (an ingest
  // node of a cluster publishes them to the bus instead).
  engine::BatchIntake* intake = nullptr;
};

class ApiHandler final : public Handler, public IntakeGate {
 public:
  ApiHandler(ApiDeps deps, Credentials creds, ApiOptions options);

  Reply handle(Request& request, const ClientInfo& client) override;
  void set_server_counters(const ServerCounters* c) { deps_.server = c; }

  std::string stats_json() const;
  std::string metrics_text() const;
  // This node's summary, or the cluster's (serve --bus); an error when that cannot be read.
  absl::StatusOr<std::string> summary_json() const;
  // /readyz's verdict; `why` lists the reasons when not ready.
  bool ready(std::string& why) const;
  void set_draining() { draining_.store(true); }
  // "POST /logdrains", ...: the inputs, for reports.
  std::vector<std::string> input_routes() const;

  std::optional<Reply> decode_body(Request& req) override;

 private:
  enum class Access : uint8_t { kOpen, kReader, kWriter };
  struct Route {
    std::string_view path;    // exact; or a prefix, when it ends in '/'
    beast_http::verb method;  // GET routes answer HEAD too
    Access access;
    size_t endpoint;  // index into endpoint_labels_ (responses in /metrics)
    std::function<Reply(Request&)> run;
  };
  void build_routes();
  Reply route(Request& req, size_t& endpoint);
  Reply events(const Request& req);
  std::optional<Reply> check_reader(const Request& req);
  std::optional<Reply> check_writer(const Request& req);
  // 503 while a durable output fails.
  std::optional<Reply> check_storage(unsigned version) const;

  ApiDeps deps_;
  Authenticator auth_;
  ApiOptions options_;
  RateLimiter limiter_;
  std::vector<std::unique_ptr<HttpInput>> inputs_;
  std::vector<Route> routes_;
  std::vector<std::string_view> endpoint_labels_;  // the inputs', then the fixed ones
  size_t dashboard_endpoint_ = 0, other_endpoint_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  int64_t started_unix_s_;
  std::atomic<bool> draining_{false};
  mutable std::mutex events_mutex_;  // EventReader calls are serialised
  // Responses by endpoint and status class (other, 1xx .. 5xx).
  std::unique_ptr<std::array<std::atomic<uint64_t>, 6>[]> responses_;
};

}  // namespace logstreamer::server
