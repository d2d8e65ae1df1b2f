#include "bus/bus_node.h"

#include <fmt/format.h>

#include "server/json_writer.h"
#include "sinks/summary_json.h"
#include "sinks/summary_reader.h"

namespace logstreamer::bus {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kIngest:
      return "ingest";
    case Role::kProcess:
      return "process";
    case Role::kAll:
      break;
  }
  return "all";
}

absl::StatusOr<std::unique_ptr<BusNode>> BusNode::connect(BusNodeOptions options) {
  std::unique_ptr<BusNode> node(new BusNode(std::move(options)));
  const BusNodeOptions& o = node->options_;
  auto conn = BusConnection::connect(o.bus, node->processes());
  if (!conn.ok()) return conn.status();
  node->conn_ = std::move(*conn);
  if (node->ingests()) {
    node->publisher_ = std::make_unique<BusPublisher>(*node->conn_, o.source_names, o.publisher);
    if (auto st = node->publisher_->start(); !st.ok()) return st;
  }
  if (!o.db_url.empty()) node->summary_ = std::make_unique<sinks::ClusterSummary>(o.db_url);
  node->windows_ = std::make_unique<WindowSharing>(*node->conn_, o.bus.node);
  return node;
}

BusNode::~BusNode() {
  close_intake(std::chrono::steady_clock::now());
  stop_consumer();
  stop();
}

absl::Status BusNode::start(engine::IngestPipeline& pipeline, sinks::DeliveryLedger* ledger) {
  pipeline_ = &pipeline;
  if (auto st = windows_->start(pipeline); !st.ok()) return st;
  if (processes()) {
    consumer_ = std::make_unique<BusConsumer>(*conn_, pipeline, options_.source_names, ledger,
                                              options_.consumer);
    if (auto st = consumer_->start(); !st.ok()) return st;
  }
  if (processes() && summary_ != nullptr) {
    natsSubscription* sub = nullptr;
    const std::string subject = summary_subject();
    if (auto st =
            nats_status(natsConnection_QueueSubscribe(&sub, conn_->nc(), subject.c_str(), "summary",
                                                      &BusNode::on_summary_request, this),
                        "subscribe to summary requests");
        !st.ok()) {
      return st;
    }
    summary_sub_.reset(sub);
  }
  nodes_ = std::make_unique<ClusterNodes>(*conn_, options_.bus.node,
                                          [this] { return heartbeat_json(); });
  return nodes_->start();
}

void BusNode::on_summary_request(natsConnection* nc, natsSubscription*, natsMsg* msg,
                                 void* closure) {
  auto* self = static_cast<BusNode*>(closure);
  const char* reply = natsMsg_GetReply(msg);
  if (reply != nullptr) {
    auto summary = self->summary_->read();
    std::string json;  // empty: could not read it (the asker says so)
    if (summary.ok()) {
      sinks::RunReport report;
      report.summary = &*summary;
      report.command = "serve";
      json = sinks::summary_to_json(report);
    }
    natsConnection_Publish(nc, reply, json.data(), static_cast<int>(json.size()));
  }
  natsMsg_Destroy(msg);
}

void BusNode::close_intake(std::chrono::steady_clock::time_point deadline) {
  if (publisher_) publisher_->close(deadline);
}

void BusNode::stop_consumer() {
  if (consumer_) consumer_->stop();
}

void BusNode::stop() {
  if (nodes_) nodes_->stop();
  if (windows_) windows_->stop();
  if (summary_sub_) {
    natsSubscription_Unsubscribe(summary_sub_.get());
    summary_sub_.reset();
  }
}

absl::StatusOr<aggregate::Summary> BusNode::cluster_summary() {
  if (summary_ != nullptr) return summary_->read();
  // No database here: a processor reads it for us.
  natsMsg* raw = nullptr;
  const std::string subject = summary_subject();
  if (auto st = nats_status(natsConnection_Request(&raw, conn_->nc(), subject.c_str(), "", 0, 5000),
                            "no processor answered for the cluster's summary");
      !st.ok()) {
    return st;
  }
  NatsPtr<natsMsg> reply(raw);
  const std::string_view json(natsMsg_GetData(raw),
                              static_cast<size_t>(natsMsg_GetDataLength(raw)));
  if (json.empty())
    return absl::UnavailableError("the processor could not read the cluster's summary");
  auto loaded = sinks::read_summary_json_text(json, 0);
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->summary);
}

std::string BusNode::heartbeat_json() const {
  server::JsonWriter w;
  w.begin_object();
  w.field("node", options_.bus.node);
  w.field("role", role_name(options_.role));
  w.field("http", options_.http_address);
  if (pipeline_ != nullptr && processes()) {
    w.field("processed_lines", pipeline_->counters().processed_lines.load());
    w.field("lines_per_second", pipeline_->processing_rate());
  }
  if (publisher_) {
    const PublisherProbe p = publisher_->probe();
    w.field("published_lines", p.lines);
    w.field("publish_failures", p.failures);
    w.field("publish_p99_ms", p.latency_p99_ms);
  }
  if (consumer_) {
    const ConsumerProbe c = consumer_->probe();
    w.field("held_messages", c.held);
    w.field("acked_messages", c.acked);
    w.field("redelivered_messages", c.redelivered);
    if (c.lag_known) {
      w.field("pending_messages", c.lag.pending);
      w.field("ack_pending_messages", c.lag.ack_pending);
    }
  }
  w.end_object();
  return w.str();
}

std::string BusNode::stats_json() const {
  server::JsonWriter w;
  w.begin_object();
  w.field("node", options_.bus.node);
  w.field("role", role_name(options_.role));
  w.field("connected", conn_->connected());
  w.field("server", conn_->connected_url());
  w.field("stream", options_.bus.stream);
  if (publisher_) {
    const PublisherProbe p = publisher_->probe();
    w.key("publisher").begin_object();
    w.field("messages", p.messages).field("lines", p.lines).field("bytes", p.bytes);
    w.field("duplicates", p.duplicates)
        .field("failures", p.failures)
        .field("rejected_full", p.rejected_full);
    w.field("inflight", p.inflight).field("inflight_bytes", p.inflight_bytes);
    w.field("latency_p50_ms", p.latency_p50_ms).field("latency_p99_ms", p.latency_p99_ms);
    w.end_object();
  }
  if (consumer_) {
    const ConsumerProbe c = consumer_->probe();
    w.key("consumer").begin_object();
    w.field("fetched", c.fetched).field("fetched_lines", c.fetched_lines);
    w.field("acked", c.acked).field("naked", c.naked).field("redelivered", c.redelivered);
    w.field("already_stored", c.already_stored)
        .field("held", c.held)
        .field("held_bytes", c.held_bytes);
    if (c.lag_known) w.field("pending", c.lag.pending).field("ack_pending", c.lag.ack_pending);
    w.end_object();
  }
  if (nodes_) {
    w.key("nodes").raw(nodes_->nodes_json());
    w.key("cluster").begin_object();
    w.field("nodes", static_cast<uint64_t>(nodes_->live_nodes()));
    w.field("lines_per_second", nodes_->sum("lines_per_second"));
    w.field("processed_lines", nodes_->sum("processed_lines"));
    w.field("published_lines", nodes_->sum("published_lines"));
    w.end_object();
  }
  w.end_object();
  return w.str();
}

void BusNode::write_metrics(server::PrometheusText& p) const {
  p.gauge("logstreamer_bus_up", "1 while this node is connected to the bus.",
          conn_->connected() ? 1 : 0);
  if (publisher_) {
    const PublisherProbe pp = publisher_->probe();
    p.counter("logstreamer_bus_published_messages", "Messages JetStream acknowledged (stored).",
              static_cast<double>(pp.messages));
    p.counter("logstreamer_bus_published_lines", "Lines in messages JetStream acknowledged.",
              static_cast<double>(pp.lines));
    p.counter("logstreamer_bus_publish_duplicates",
              "Publishes JetStream recognised as already stored.",
              static_cast<double>(pp.duplicates));
    p.counter("logstreamer_bus_publish_failures",
              "Publishes refused, timed out or not sent (senders got 503).",
              static_cast<double>(pp.failures));
    p.counter("logstreamer_bus_publish_rejected",
              "Requests refused (429) because too much was in flight.",
              static_cast<double>(pp.rejected_full));
    p.gauge("logstreamer_bus_publish_inflight_bytes", "Bytes published and not yet acknowledged.",
            static_cast<double>(pp.inflight_bytes));
    p.family("logstreamer_bus_publish_latency_ms", "gauge",
             "Publish-to-acknowledgement time since start (DDSketch quantiles).");
    p.sample("", {{"quantile", "0.5"}}, pp.latency_p50_ms);
    p.sample("", {{"quantile", "0.99"}}, pp.latency_p99_ms);
  }
  if (consumer_) {
    const ConsumerProbe c = consumer_->probe();
    p.counter("logstreamer_bus_fetched_messages", "Messages fetched from the stream.",
              static_cast<double>(c.fetched));
    p.counter("logstreamer_bus_acked_messages", "Messages acknowledged after their rows committed.",
              static_cast<double>(c.acked));
    p.counter("logstreamer_bus_naked_messages", "Messages handed back (not stored here).",
              static_cast<double>(c.naked));
    p.counter("logstreamer_bus_redelivered_messages",
              "Messages fetched again after another delivery.", static_cast<double>(c.redelivered));
    p.counter("logstreamer_bus_already_stored_messages",
              "Redelivered messages found stored, acknowledged unprocessed.",
              static_cast<double>(c.already_stored));
    p.gauge("logstreamer_bus_held_messages",
            "Messages fetched by this node and not yet acknowledged.", static_cast<double>(c.held));
    if (c.lag_known) {
      p.gauge("logstreamer_bus_consumer_pending",
              "Messages in the stream no processor has fetched yet (lag).",
              static_cast<double>(c.lag.pending));
      p.gauge("logstreamer_bus_consumer_ack_pending",
              "Messages fetched by all processors, not yet acknowledged.",
              static_cast<double>(c.lag.ack_pending));
    }
  }
  if (nodes_) {
    p.gauge("logstreamer_cluster_nodes", "Nodes heard from on the bus in the last 5 s.",
            static_cast<double>(nodes_->live_nodes()));
    p.gauge("logstreamer_cluster_lines_per_second", "Lines per second processed by all processors.",
            nodes_->sum("lines_per_second"));
  }
}

std::optional<std::string> BusNode::refuses_writes() const {
  if (ingests()) return std::nullopt;
  return std::string("this node only processes (--role process): send logs to an ingest node");
}

std::optional<std::string> BusNode::not_ready() const {
  if (conn_->connected()) return std::nullopt;
  return std::string("bus disconnected (reconnecting)");
}

}  // namespace logstreamer::bus
