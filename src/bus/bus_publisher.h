#pragma once
// BusPublisher: the ingest half of a cluster (serve --bus --role ingest|all).
// Each accepted request's batch is published to the stream, as it came
// (lines ended by '\n'), on <prefix>.<input name>, with Nats-Msg-Id set to
// the request's idempotency key (Logplex-Frame-Id, Idempotency-Key) or,
// without one, a SHA-256 of the body: a sender's retry, on this node or
// another, within the stream's duplicates window is stored once.
//
// The request's ack (core::DeliveryAck) is released when JetStream answers:
// stored on a quorum of the stream's replicas (ok), or refused, stream full,
// no quorum, timed out (failed: the sender gets 503 and retries). So a 2xx
// from an ingest node means the lines are on the bus, replicated.
//
// Bounded: the bodies published and not yet acknowledged are capped in
// bytes; over it, offer() answers kRejected (429) instead of queueing.
// A body larger than the server's max payload goes as several messages
// ("<id>#<part>"), and the request's ack waits for all of them.
//
// Lifecycle: start() after the connection is up; close(deadline) waits for
// the acknowledgements of everything published (failing what is left at
// the deadline). Thread-safe: offer() from any I/O thread; the ack handler
// runs on the client's thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "aggregate/latency_sketch.h"
#include "bus/bus_connection.h"
#include "core/log_throttle.h"
#include "engine/ingest_pipeline.h"

namespace logstreamer::bus {

struct PublisherOptions {
  size_t max_inflight_bytes = 64u << 20;
  std::chrono::milliseconds publish_timeout{5000};
};

struct PublisherProbe {
  uint64_t messages = 0, lines = 0, bytes = 0;  // acknowledged by JetStream
  uint64_t duplicates = 0;                      // acknowledged as already stored
  uint64_t failures = 0;                        // refused, timed out or not sent
  uint64_t rejected_full = 0;                   // refused here: too much in flight
  uint64_t inflight = 0, inflight_bytes = 0;
  double latency_p50_ms = 0, latency_p99_ms = 0;
  uint64_t latency_count = 0;
};

class BusPublisher final : public engine::BatchIntake {
 public:
  // `source_names`: the inputs' names by IngestSource (the subjects' last token).
  BusPublisher(BusConnection& conn, std::vector<std::string> source_names,
               PublisherOptions options);
  ~BusPublisher() override;

  absl::Status start();
  core::OfferResult offer(engine::IngestBatch batch) override;
  void close(std::chrono::steady_clock::time_point deadline);
  PublisherProbe probe() const;
  // Publish latency, merged since start (for /metrics).
  aggregate::LatencySketch latency() const;

 private:
  struct Pending {
    core::AckPtr ack;
    uint32_t lines = 0;
    size_t bytes = 0;
    std::chrono::steady_clock::time_point sent;
  };
  static void on_ack(jsCtx* js, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure);
  void completed(natsMsg* msg, bool ok, bool duplicate, const char* error);
  // Publishes one message; false (and nothing held) if the client refused it.
  bool publish(const std::string& subject, std::string_view body, const std::string& id,
               uint32_t lines, int64_t received_us, const core::AckPtr& ack);

  BusConnection& conn_;
  std::vector<std::string> subjects_;
  PublisherOptions options_;
  NatsPtr<jsCtx> js_;
  int64_t max_payload_ = 1 << 20;

  mutable std::mutex mutex_;
  std::unordered_map<natsMsg*, Pending> pending_;  // guarded by mutex_
  aggregate::LatencySketch latency_;               // guarded by mutex_
  std::atomic<size_t> inflight_bytes_{0};
  std::atomic<bool> closed_{false};
  std::atomic<uint64_t> messages_{0}, lines_{0}, bytes_{0}, duplicates_{0}, failures_{0},
      rejected_full_{0};
  core::LogThrottle error_log_;  // publish failures: one log line a second
};

}  // namespace logstreamer::bus
