#pragma once
// WindowSharing: the cluster's live view (/api/stats, the dashboard, the
// alerts, /metrics' histograms) on every node. Each processor collects the
// window slots its workers merge (engine::WindowListener) and publishes
// what it gathered once a second on <prefix>-windows.<node> (plain NATS: a
// live view is worth nothing late); every node merges the other nodes'
// deltas into its own LiveWindows.
//
// A live view, not an exact count: a message processed twice (a redelivery
// whose commit another processor won) is counted twice here; /api/summary
// is the exact count. A delta lost while a node is disconnected is lost.
//
// Lifecycle: start() once the pipeline exists; stop() before it closes.
// Thread-safe.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bus/bus_connection.h"
#include "bus/subscribed_ticker.h"
#include "engine/ingest_pipeline.h"

namespace logstreamer::bus {

class WindowSharing final : public engine::WindowListener {
 public:
  WindowSharing(BusConnection& conn, std::string node);
  ~WindowSharing() override;

  absl::Status start(engine::IngestPipeline& pipeline);
  void stop();
  void on_window(const aggregate::WindowSlot& slot,
                 const std::vector<aggregate::RecentError>& errors) override;
  uint64_t deltas_received() const;

 private:
  static void on_msg(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);
  void publish();

  BusConnection& conn_;
  const std::string node_;
  const std::string prefix_;
  engine::IngestPipeline* pipeline_ = nullptr;
  mutable std::mutex mutex_;
  std::map<int64_t, aggregate::WindowSlot> pending_;  // by epoch, guarded by mutex_
  std::vector<aggregate::RecentError> errors_;        // guarded by mutex_
  uint64_t received_ = 0;                             // guarded by mutex_
  SubscribedTicker ticker_;                           // last: stopped first
};

}  // namespace logstreamer::bus
