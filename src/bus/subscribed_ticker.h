#pragma once
// SubscribedTicker: a subscription to a subject (its callback runs on the
// NATS client's thread) and a thread that calls `tick` every `interval`:
// what the heartbeats (bus/cluster_nodes.h) and the live-window sharing
// (bus/window_sharing.h) each are.
//
// Lifecycle: start() once; stop() (idempotent, also on destruction) joins
// the thread, after one last tick, and unsubscribes, so no callback runs
// once it returns. Not copyable.
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "bus/nats_handles.h"

namespace logstreamer::bus {

class SubscribedTicker {
 public:
  SubscribedTicker() = default;
  ~SubscribedTicker() { stop(); }
  SubscribedTicker(const SubscribedTicker&) = delete;
  SubscribedTicker& operator=(const SubscribedTicker&) = delete;

  absl::Status start(natsConnection* nc, const std::string& subject, natsMsgHandler on_msg,
                     void* closure, std::chrono::milliseconds interval, std::function<void()> tick);
  void stop();

 private:
  NatsPtr<natsSubscription> sub_;
  std::jthread thread_;
};

}  // namespace logstreamer::bus
