#pragma once
// ClusterNodes: who is in the cluster, as heard on the bus. Every node
// publishes a small JSON status once a second on <prefix>-nodes.<node>
// (plain NATS, not the stream: a status is worth nothing once old), and
// every node listens to all of them; a node not heard from for
// `forget_after` is gone from the list.
//
// Lifecycle: start() after the connection; stop() before it closes (the
// last status says "stopping"). Thread-safe.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "bus/bus_connection.h"
#include "bus/subscribed_ticker.h"

namespace logstreamer::bus {

class ClusterNodes {
 public:
  // `status`: this node's JSON object, made fresh for each heartbeat.
  ClusterNodes(BusConnection& conn, std::string node, std::function<std::string()> status,
               std::chrono::milliseconds interval = std::chrono::milliseconds(1000),
               std::chrono::milliseconds forget_after = std::chrono::milliseconds(5000));
  ~ClusterNodes();

  absl::Status start();
  void stop();
  // The nodes heard from lately, as a JSON array of their statuses, each
  // with "age_ms" (since its last heartbeat) added.
  std::string nodes_json() const;
  size_t live_nodes() const;
  // Sums a numeric field of every live node's status.
  double sum(const std::string& field) const;

 private:
  static void on_msg(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);

  BusConnection& conn_;
  const std::string node_;
  const std::function<std::string()> status_;
  const std::chrono::milliseconds interval_, forget_after_;
  const std::string subject_prefix_;
  struct Heard {
    std::string json;
    std::chrono::steady_clock::time_point at;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Heard> nodes_;  // by node name, guarded by mutex_
  SubscribedTicker ticker_;             // last: stopped first
};

}  // namespace logstreamer::bus
