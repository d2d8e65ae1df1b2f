#pragma once
// BusView: what the HTTP API asks of a node that is part of a bus cluster
// (serve --bus; bus/bus_node.h implements it). Without --bus there is none
// and every answer is this process's own.
//
// Thread-safe: called from the I/O threads.
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "aggregate/summary.h"
#include "server/prometheus_text.h"

namespace logstreamer::server {

class BusView {
 public:
  virtual ~BusView() = default;
  // The whole cluster's summary (/api/summary), or why it cannot be read.
  virtual absl::StatusOr<aggregate::Summary> cluster_summary() = 0;
  // The "bus" object of /api/stats: this node, the cluster's nodes, the lag.
  virtual std::string stats_json() const = 0;
  virtual void write_metrics(PrometheusText& p) const = 0;
  // Why this node takes no writes (a process-only node), or nullopt.
  virtual std::optional<std::string> refuses_writes() const = 0;
  // Why this node is not ready (the bus is away), or nullopt.
  virtual std::optional<std::string> not_ready() const = 0;
};

}  // namespace logstreamer::server
