#pragma once
// BusNode: this serve process as one node of a cluster over NATS JetStream
// (serve --bus ... --role ingest|process|all; docs/SCALING.md). It owns the
// connection and, by role, the publisher (ingest: accepted requests go to
// the stream), the consumer (process: the stream's messages go through this
// node's pipeline into PostgreSQL), the heartbeats that list the cluster's
// nodes, and the cluster summary (read from PostgreSQL). It is the
// server::BusView the HTTP API asks.
//
// Lifecycle (serve_command.cc): connect() at start (a bus that does not
// answer, or a stream made differently, is a start-up error); start() once
// the pipeline and outputs run; at shutdown, close_intake() after the HTTP
// server stopped (waits for the last publish acks), stop_consumer() before
// the pipeline drains, stop() last. Thread-safe views.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bus/bus_connection.h"
#include "bus/bus_consumer.h"
#include "bus/bus_publisher.h"
#include "bus/cluster_nodes.h"
#include "bus/window_sharing.h"
#include "server/bus_view.h"
#include "sinks/cluster_summary.h"

namespace logstreamer::bus {

std::string_view role_name(Role role);

struct BusNodeOptions {
  BusOptions bus;
  Role role = Role::kAll;
  std::string db_url;                     // PostgreSQL, for the cluster summary; empty: none
  std::string http_address;               // this node's, for the node list
  std::vector<std::string> source_names;  // the inputs', by IngestSource
  PublisherOptions publisher;
  ConsumerOptions consumer;
};

class BusNode final : public server::BusView {
 public:
  static absl::StatusOr<std::unique_ptr<BusNode>> connect(BusNodeOptions options);
  ~BusNode() override;

  bool ingests() const { return options_.role != Role::kProcess; }
  bool processes() const { return options_.role != Role::kIngest; }
  // `ledger`: committed keys (a processor skips redelivered messages
  // already stored).
  absl::Status start(engine::IngestPipeline& pipeline, sinks::DeliveryLedger* ledger);
  // Where the inputs hand batches on an ingest node; null on a processor.
  engine::BatchIntake* intake() { return publisher_.get(); }
  // What the pipeline tells of each round's live window (shared with the cluster).
  engine::WindowListener* window_listener() { return windows_.get(); }
  void close_intake(std::chrono::steady_clock::time_point deadline);
  void stop_consumer();
  void stop();
  void set_http_address(std::string address) { options_.http_address = std::move(address); }

  absl::StatusOr<aggregate::Summary> cluster_summary() override;
  std::string stats_json() const override;
  void write_metrics(server::PrometheusText& p) const override;
  std::optional<std::string> refuses_writes() const override;
  std::optional<std::string> not_ready() const override;

 private:
  explicit BusNode(BusNodeOptions options) : options_(std::move(options)) {}
  std::string heartbeat_json() const;
  // An ingest node without --db asks a processor for the cluster's summary
  // (NATS request-reply, queue group: one processor answers).
  static void on_summary_request(natsConnection* nc, natsSubscription* sub, natsMsg* msg,
                                 void* closure);
  std::string summary_subject() const { return options_.bus.subject_prefix + "-summary"; }

  BusNodeOptions options_;
  std::unique_ptr<BusConnection> conn_;
  std::unique_ptr<BusPublisher> publisher_;
  std::unique_ptr<BusConsumer> consumer_;
  std::unique_ptr<ClusterNodes> nodes_;
  std::unique_ptr<WindowSharing> windows_;
  std::unique_ptr<sinks::ClusterSummary> summary_;
  NatsPtr<natsSubscription> summary_sub_;  // a processor's answers to summary requests
  engine::IngestPipeline* pipeline_ = nullptr;
};

}  // namespace logstreamer::bus
