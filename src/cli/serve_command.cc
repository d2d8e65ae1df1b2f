#include "cli/serve_command.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bus/bus_node.h"
#include "cli/serve_outputs.h"
#include "core/signal_watcher.h"
#include "engine/ingest_pipeline.h"
#include "server/alerts.h"
#include "server/api_handler.h"
#include "server/http_server.h"
#include "server/inputs/input_list.h"
#include "sinks/console_report.h"

namespace logstreamer::cli {
namespace {

// Every connection is a file descriptor, and a soft limit of 1024 (the usual
// default) would refuse connections (EMFILE) before --max-connections is
// reached. Raise the soft limit to the hard one, as servers commonly do, and
// say so if even that is short.
void raise_open_file_limit(size_t max_connections) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  constexpr rlim_t kSpare = 64;  // database, listener, logs, dashboard assets
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < max_connections + kSpare) {
    spdlog::warn(
        "serve: the open-file limit ({}) is below --max-connections ({}) plus {} spare: "
        "connections past it will be refused by the system",
        lim.rlim_cur, max_connections, kSpare);
  }
}

void error_line(const std::string& msg) { fmt::print(stderr, "logstreamer serve: {}\n", msg); }

int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_loopback(const std::string& host) { return host.rfind("127.", 0) == 0 || host == "::1"; }

// A node's name is one token of a NATS subject: no '.', '*', '>' or blanks.
std::string subject_token(std::string name) {
  for (char& c : name) {
    if (c == '.' || c == '*' || c == '>' || c == ' ' || c == '\t') c = '_';
  }
  return name;
}

std::string default_node_name() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "node");
  return fmt::format("{}-{}", host, getpid());
}

absl::StatusOr<std::unique_ptr<bus::BusNode>> connect_bus(const ServeConfig& cfg) {
  bus::BusNodeOptions bo;
  bo.bus.servers = cfg.bus;
  bo.bus.stream = cfg.bus_stream;
  bo.bus.replicas = static_cast<int64_t>(cfg.bus_replicas);
  bo.bus.max_age = cfg.bus_max_age;
  bo.bus.max_bytes = static_cast<int64_t>(cfg.bus_max_bytes);
  bo.bus.ack_wait = cfg.bus_ack_wait;
  bo.bus.max_ack_pending = static_cast<int64_t>(cfg.bus_max_ack_pending);
  bo.bus.node = cfg.node;
  bo.role = cfg.role == "ingest"    ? bus::Role::kIngest
            : cfg.role == "process" ? bus::Role::kProcess
                                    : bus::Role::kAll;
  if (cfg.db.rfind("postgres", 0) == 0) bo.db_url = cfg.db;
  bo.source_names = server::http_input_names();
  // The publisher holds at most what the ingest queue would have.
  bo.publisher.max_inflight_bytes = std::min<size_t>(cfg.queue_bytes, 256u << 20);
  return bus::BusNode::connect(std::move(bo));
}

}  // namespace

int run_serve(const ServeFlags& flags) {
  ServeConfig cfg;
  if (auto st = resolve_serve_config(flags, cfg); !st.ok()) {
    error_line(std::string(st.message()));
    return 2;
  }
  cfg.node = subject_token(cfg.node.empty() ? default_node_name() : cfg.node);
  const size_t colon = cfg.listen.rfind(':');
  std::string host = cfg.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const auto port = static_cast<uint16_t>(std::stoul(cfg.listen.substr(colon + 1)));
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());

  // Signals first: every thread started below inherits the blocked mask.
  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stop = false;
  core::SignalWatcher signals([&](int signo) {
    spdlog::warn("shutdown signal={} action=\"stop accepting, finish requests, drain, commit\"", signo);
    std::lock_guard lock(stop_mutex);
    stop = true;
    stop_cv.notify_all();
  });

  // Outputs (the database today): built first, started once the API is up.
  server::ApiHandler* handler_ptr = nullptr;
  auto built = build_outputs(cfg, [&handler_ptr] {
    return handler_ptr != nullptr ? handler_ptr->stats_json() : std::string("{}");
  });
  if (!built.ok()) {
    error_line(std::string(built.status().message()));
    return 2;
  }
  ServeOutputs& outputs = *built;

  // A node of a cluster (--bus): the bus must answer, and its stream be as
  // configured, before anything is accepted.
  std::unique_ptr<bus::BusNode> bus_node;
  if (!cfg.bus.empty()) {
    auto connected = connect_bus(cfg);
    if (!connected.ok()) {
      error_line("bus: " + std::string(connected.status().message()));
      return 2;
    }
    bus_node = std::move(*connected);
  }
  const bool processes_here = bus_node == nullptr || bus_node->processes();

  engine::IngestOptions io;
  io.queue_lines = cfg.queue_lines;
  io.queue_bytes = cfg.queue_bytes;
  io.policy = cfg.policy;
  io.workers.min_workers = cfg.min_workers;
  io.workers.max_workers = std::max(cfg.min_workers, cfg.max_workers == 0 ? cores : cfg.max_workers);
  io.slow_ms = static_cast<double>(cfg.slow_request.count());
  io.high_water = cfg.high_water;
  io.source_names = server::http_input_names();
  io.claim_parts = bus_node != nullptr && bus_node->processes();
  if (bus_node != nullptr) io.window_listener = bus_node->window_listener();
  engine::IngestPipeline pipeline(
      io, processes_here ? outputs.sinks() : std::vector<sinks::RowSink*>{});
  // The bus's callbacks reach the pipeline: they stop before it goes, on
  // every way out of this function.
  struct StopBusFirst {
    bus::BusNode* node;
    ~StopBusFirst() {
      if (node != nullptr) node->stop();
    }
  } stop_bus_first{bus_node.get()};

  server::AlertRules rules;
  rules.error_rate_warning = cfg.alert_error_rate_warning;
  rules.error_rate_critical = cfg.alert_error_rate_critical;
  rules.p95_warning_ms = static_cast<double>(cfg.alert_p95_warning.count());
  rules.p95_critical_ms = static_cast<double>(cfg.alert_p95_critical.count());
  rules.window_seconds = std::max<int64_t>(1, cfg.alert_window.count() / 1000);
  rules.min_requests = cfg.alert_min_requests;
  server::AlertTracker alerts(rules);

  server::Credentials creds{cfg.auth, cfg.token, cfg.drain_token, cfg.api_key};
  server::ApiOptions ao;
  ao.max_body_bytes = cfg.max_body;
  ao.api_rate = cfg.api_rate_limit;
  ao.api_burst = std::max(1.0, cfg.api_rate_limit * 2);
  ao.dedupe_capacity = cfg.dedupe_ids;
  ao.ack = cfg.ack == "commit" ? server::AckMode::kCommit : server::AckMode::kQueued;
  ao.ack_timeout = cfg.ack_timeout;
  server::ApiHandler handler(
      // With --bus the requests' keys are JetStream's message ids (its
      // duplicates window) and the processors' claims: no ledger look-up
      // on the request path, which would stop intake while PostgreSQL is away.
      {&pipeline, &alerts, outputs.list(), outputs.events.get(),
       bus_node != nullptr ? nullptr : outputs.ledger.get(), nullptr, bus_node.get(),
       bus_node != nullptr ? bus_node->intake() : nullptr},
      creds, ao);
  handler_ptr = &handler;

  server::HttpLimits limits;
  limits.max_body_bytes = cfg.max_body;
  limits.max_header_bytes = cfg.max_header;
  limits.read_timeout = cfg.read_timeout;
  limits.idle_timeout = cfg.idle_timeout;
  limits.max_connections = cfg.max_connections;
  limits.max_connections_per_client = cfg.max_connections_per_client;
  raise_open_file_limit(cfg.max_connections);
  std::optional<server::TlsFiles> tls;
  if (!cfg.tls_cert.empty()) tls = server::TlsFiles{cfg.tls_cert, cfg.tls_key};
  std::unique_ptr<server::HttpServer> http;
  try {
    http = std::make_unique<server::HttpServer>(handler, limits, tls);
  } catch (const std::exception& e) {
    error_line(fmt::format("TLS: cannot load {} / {}: {}", cfg.tls_cert, cfg.tls_key, e.what()));
    return 2;
  }
  handler.set_server_counters(&http->counters());
  auto bound = http->listen(host, port);
  if (!bound.ok()) {
    error_line(std::string(bound.status().message()));
    return 2;
  }
  const std::string address = fmt::format("{}:{}", bound->address().to_string(), bound->port());
  if (creds.users.empty() && creds.tokens.empty() && !is_loopback(host)) {
    spdlog::warn("serve: no --auth or --token: anyone who reaches {} can post logs", address);
  }

  const auto started = std::chrono::steady_clock::now();
  pipeline.start();
  for (sinks::Output* o : outputs.list()) o->start();
  if (bus_node != nullptr) {
    bus_node->set_http_address(address);
    if (auto st = bus_node->start(pipeline, outputs.ledger.get()); !st.ok()) {
      error_line("bus: " + std::string(st.message()));
      return 2;
    }
  }
  // As many I/O threads as cores: measured 1.25x the lines/s of half as many (docs/PERFORMANCE.md).
  const size_t io_threads = cfg.io_threads > 0 ? cfg.io_threads : cores;
  http->start(io_threads);
  fmt::print(
      stderr,
      "logstreamer serve: listening on {}://{} (db: {}, ack: {}, workers {}-{}, queue {} lines, "
      "policy {})\n",
      tls ? "https" : "http", address,
      outputs.outputs.empty() && outputs.events == nullptr ? std::string("none")
                                                           : describe_db(cfg.db),
      cfg.ack, io.workers.min_workers, io.workers.max_workers, cfg.queue_lines,
      core::policy_name(cfg.policy));
  if (bus_node != nullptr) {
    fmt::print(stderr, "logstreamer serve: node {} (role {}) on the bus {}, stream {}\n", cfg.node,
               cfg.role, fmt::join(cfg.bus, ","), cfg.bus_stream);
  }
  if (!cfg.ready_file.empty()) {
    // Written whole, then renamed: a watcher never reads half an address.
    const std::string tmp = cfg.ready_file + ".tmp";
    std::ofstream(tmp) << address << "\n";
    std::rename(tmp.c_str(), cfg.ready_file.c_str());
  }

  // Housekeeping on this thread until a signal: alerts once a second.
  {
    std::unique_lock lock(stop_mutex);
    auto last_trim = std::chrono::steady_clock::now();
    while (!stop) {
      lock.unlock();
      // After a burst the freed queue buffers stay in malloc's arenas (RSS
      // stayed at 163 MB after a burst that raised it from 69 MB): hand them
      // back once the queues are empty, at most every 10 s.
      const auto now = std::chrono::steady_clock::now();
      if (now - last_trim >= std::chrono::seconds(10) && pipeline.queue_usage() == 0 &&
          std::all_of(outputs.outputs.begin(), outputs.outputs.end(),
                      [](const auto& o) { return o->probe().queued_rows == 0; })) {
        malloc_trim(0);
        last_trim = now;
      }
      alerts.evaluate(pipeline.windows().window(unix_now_s(), rules.window_seconds),
                      std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
      lock.lock();
      stop_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stop; });
    }
  }

  // Shutdown, in data-flow order: no new requests; requests in flight
  // answered; every accepted batch processed; every row committed.
  const auto deadline = std::chrono::steady_clock::now() + cfg.shutdown_timeout;
  handler.set_draining();
  http->stop_accepting();
  if (!http->wait_idle(deadline)) spdlog::warn("serve: connections still open at the shutdown deadline");
  http->stop();
  if (bus_node != nullptr) {
    bus_node->close_intake(deadline);  // the last publishes' acks
    bus_node->stop_consumer();         // no more fetches; what was fetched drains below
  }
  pipeline.close();
  uint64_t lost = 0, stored = 0;
  for (sinks::Output* o : outputs.list()) {
    lost += o->close(deadline + std::chrono::seconds(5));
    stored += o->probe().rows_written;
  }
  if (bus_node != nullptr) bus_node->stop();  // after the commits: their acks went out

  aggregate::Summary summary = pipeline.summary();
  sinks::RunReport report;
  report.summary = &summary;
  report.inputs = handler.input_routes();
  report.command = "serve";
  report.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fputs(sinks::console_report(report).c_str(), stdout);
  std::fflush(stdout);
  const auto& c = pipeline.counters();
  fmt::print(stderr, "logstreamer serve: stopped; {} lines processed, {} rows stored{}\n",
             c.processed_lines.load(), stored,
             lost > 0 ? fmt::format(", {} rows NOT stored", lost) : "");
  return lost > 0 ? 1 : 0;
}

}  // namespace logstreamer::cli
