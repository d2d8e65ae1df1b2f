#pragma once
// ApiHandler: the routes of `serve`.
//
//   POST /logdrains   Heroku logplex drains (application/logplex-1)
//   POST /ingest      NDJSON or plain text lines
//   GET  /metrics     Prometheus text format
//   GET  /api/summary the analyze summary, live
//   GET  /api/stats   windowed stats (1, 5, 60 min), pipeline health, alerts
//   GET  /api/events  stored events (SQLite), filtered, cursor-paged
//   GET  /api/stream  the /api/stats document every second (Server-Sent Events)
//   GET  /healthz     alive;  GET /readyz  ready for traffic
//   GET  /            the dashboard (embedded assets)
//
// Every error is a JSON body with the status code that says what went wrong.
// For drains, Heroku drops a batch for good on any 4xx but 429, so only bad
// credentials (401/403) and a wrong content type (415) are 4xx there; bad
// frames are counted and sampled and the request succeeds for the rest.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "engine/ingest_pipeline.h"
#include "server/alerts.h"
#include "server/auth.h"
#include "server/frame_dedupe.h"
#include "server/http_server.h"
#include "server/rate_limiter.h"
#include "sinks/db_writer.h"
#include "sinks/sqlite_store.h"

namespace logstreamer::server {

struct ApiOptions {
  size_t max_body_bytes = 8u << 20;  // also the bound on an inflated gzip body
  size_t max_line_bytes = 64 * 1024;
  double api_rate = 50;   // read requests per second per API key; 0: unlimited
  double api_burst = 100;
  size_t dedupe_capacity = 100000;
  size_t top_n = 10;
  std::chrono::milliseconds stream_interval{1000};
};

struct ApiDeps {
  engine::IngestPipeline* pipeline = nullptr;
  AlertTracker* alerts = nullptr;
  sinks::DbWriter* db = nullptr;        // null: no storage
  sinks::SqliteStore* reader = nullptr;  // read connection for /api/events
  const ServerCounters* server = nullptr;
};

// Endpoints counted in /metrics (logstreamer_http_responses_total).
enum class Endpoint : uint8_t { kLogdrains, kIngest, kMetrics, kApi, kStream, kHealth, kDashboard, kOther, kCount };

class ApiHandler final : public Handler {
 public:
  ApiHandler(ApiDeps deps, Credentials creds, ApiOptions options);

  Reply handle(Request& request, const ClientInfo& client) override;
  void set_server_counters(const ServerCounters* c) { deps_.server = c; }

  std::string stats_json() const;
  std::string metrics_text() const;
  std::string summary_json() const;
  // /readyz's verdict; `why` lists the reasons when not ready.
  bool ready(std::string& why) const;
  void set_draining() { draining_.store(true); }

 private:
  Reply route(Request& req, Endpoint& endpoint);
  Reply logdrains(Request& req);
  Reply ingest(Request& req);
  Reply events(const Request& req);
  std::optional<Reply> check_reader(const Request& req);
  std::optional<Reply> check_writer(const Request& req);
  // 503 while the database fails (see --ack queued in the README).
  std::optional<Reply> check_storage(unsigned version) const;
  // Inflates a gzip body in place; a reply when it cannot.
  std::optional<Reply> decode_body(Request& req);

  ApiDeps deps_;
  Authenticator auth_;
  ApiOptions options_;
  RateLimiter limiter_;
  FrameDedupe dedupe_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  int64_t started_unix_s_;
  std::atomic<bool> draining_{false};
  std::atomic<uint64_t> request_seq_{0};
  mutable std::mutex reader_mutex_;

  struct LogplexCounters {
    std::atomic<uint64_t> requests{0}, frames{0}, malformed_frames{0}, msg_count_mismatches{0}, duplicates{0};
    std::atomic<uint64_t> drop_count{0}, lost_count{0};  // what Logplex says it dropped or lost
  } logplex_;
  std::atomic<uint64_t> ingest_malformed_{0};
  std::array<std::array<std::atomic<uint64_t>, 6>, static_cast<size_t>(Endpoint::kCount)> responses_{};
  std::atomic<int64_t> last_mismatch_log_{0};
};

}  // namespace logstreamer::server
