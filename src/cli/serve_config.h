#pragma once
// ServeConfig: every setting of `serve`, settable four ways, later ones
// winning: built-in default < TOML file (--config) < environment variable
// LOGSTREAMER_<KEY> < command-line flag --<key>. The key is the same
// everywhere: TOML `queue_lines`, env LOGSTREAMER_QUEUE_LINES, flag
// --queue-lines. One table (serve_config.cc) lists them all, so a new setting
// is one line; unknown TOML keys and invalid values are rejected at start-up
// with the key's name.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "cli/flag_values.h"
#include "core/full_policy.h"

namespace logstreamer::cli {

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert, tls_key;
  size_t io_threads = 0;  // 0: one per core
  size_t max_body = 8u << 20;
  size_t max_header = 16u << 10;
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};
  size_t max_connections = 1024;
  size_t max_connections_per_client = 256;
  size_t min_workers = 1;
  size_t max_workers = 0;  // 0: the number of cores
  size_t queue_lines = 200000;
  size_t queue_bytes = 256u << 20;
  core::FullPolicy policy = core::FullPolicy::kReject;
  std::vector<std::string> auth, token, drain_token, api_key;
  double api_rate_limit = 50;
  std::string db = "logstreamer.db";  // "" or "none": no storage
  size_t db_batch_rows = 5000;
  std::chrono::milliseconds db_batch_timeout{200};
  std::chrono::milliseconds snapshot_interval{60000};
  std::chrono::milliseconds retention{7LL * 24 * 3600 * 1000};
  std::string ack;  // "commit" or "queued"; empty until resolved: commit with a database
  std::chrono::milliseconds ack_timeout{4000};
  std::chrono::milliseconds dedupe_window{3600000};
  double alert_error_rate_warning = 0.05, alert_error_rate_critical = 0.10;
  std::chrono::milliseconds alert_p95_warning{2000}, alert_p95_critical{5000};
  std::chrono::milliseconds alert_window{300000};
  size_t alert_min_requests = 10;
  std::chrono::milliseconds slow_request{1000};
  double high_water = 0.8;
  size_t dedupe_ids = 100000;
  std::chrono::milliseconds shutdown_timeout{30000};
  std::string ready_file;  // written with the bound address once listening
  // A cluster over NATS JetStream (docs/SCALING.md); `bus` empty: one process.
  std::vector<std::string> bus;  // nats://host:port of the cluster's servers
  std::string role = "all";      // ingest, process or all
  std::string bus_stream = "LOGS";
  size_t bus_replicas = 1;
  std::chrono::milliseconds bus_max_age{24LL * 3600 * 1000};
  size_t bus_max_bytes = 1u << 30;
  std::chrono::milliseconds bus_ack_wait{30000};
  size_t bus_max_ack_pending = 2000;
  std::string node;  // this node's name on the bus; empty: host name and port
};

// Registers the flags of every setting on `cmd`; `raw` receives what was
// given on the command line, to be applied by resolve().
struct ServeFlags {
  std::string config_file;
  std::map<std::string, std::vector<std::string>> given;  // key -> values
};
void add_serve_flags(CLI::App& cmd, ServeFlags& flags);

// Applies TOML, environment and flags over the defaults, in that order.
absl::Status resolve_serve_config(const ServeFlags& flags, ServeConfig& out);

// Parses "8MiB", "64KiB", "1GiB", "10MB", or a number of bytes.
bool parse_size(std::string_view text, size_t& out);

}  // namespace logstreamer::cli
