#pragma once
// BusConsumer: the processor half of a cluster (serve --bus --role
// process|all). One thread pulls messages from the stream's durable
// consumer, which every processor shares (JetStream hands each message to
// one of them), and offers each as a batch to this node's IngestPipeline:
// parsed, summarised and stored like a request received here.
//
// Each batch carries an ack keyed by the message's id (Nats-Msg-Id, or
// "seq:<stream sequence>" for a message published without a key of its
// own). The database writer claims the key in the transaction that stores
// the rows (sinks/pg_claims.h), and the message is acknowledged to
// JetStream only after that commit. A processor that dies before it leaves
// its messages unacknowledged: after the ack wait JetStream gives them to
// another, whose claim finds what was committed and stores the rest once.
// A message whose commit fails is nak'ed (redelivered after a second).
//
// Bounded: at most `max_held_messages` / `max_held_bytes` are held (fetched,
// not yet acknowledged) by this processor; the consumer's max-ack-pending
// bounds what all processors hold together.
//
// Lifecycle: start() after the pipeline and outputs have started; stop()
// before the pipeline closes (no more fetches; messages already offered
// are still processed, committed and acknowledged while the pipeline and
// outputs drain). Thread-safe probe().
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "bus/bus_connection.h"
#include "engine/ingest_pipeline.h"
#include "sinks/delivery_ledger.h"

namespace logstreamer::bus {

struct ConsumerOptions {
  int fetch_batch = 256;
  std::chrono::milliseconds fetch_wait{500};
  size_t max_held_messages = 1000;
  size_t max_held_bytes = 64u << 20;
};

struct ConsumerProbe {
  uint64_t fetched = 0, fetched_lines = 0;
  uint64_t acked = 0, naked = 0;
  uint64_t redelivered = 0;     // fetched with a delivery count above one
  uint64_t already_stored = 0;  // redelivered and found in the ledger: acked unprocessed
  uint64_t held = 0, held_bytes = 0;
  uint64_t fetch_errors = 0;
  BusConnection::Lag lag;  // the consumer's, as of the last check (every second)
  bool lag_known = false;
};

class BusConsumer {
 public:
  BusConsumer(BusConnection& conn, engine::IngestPipeline& pipeline,
              std::vector<std::string> source_names, sinks::DeliveryLedger* ledger,
              ConsumerOptions options);
  ~BusConsumer();

  absl::Status start();
  void stop();
  ConsumerProbe probe() const;

 private:
  void run(std::stop_token stop);
  void handle(natsMsg* msg, std::stop_token& stop);
  void settled(bool ok, size_t bytes);
  engine::IngestSource source_of(const char* subject) const;

  BusConnection& conn_;
  engine::IngestPipeline& pipeline_;
  std::vector<std::string> subjects_;
  sinks::DeliveryLedger* ledger_;
  ConsumerOptions options_;
  NatsPtr<natsSubscription> sub_;
  std::jthread thread_;

  mutable std::mutex held_mutex_;
  std::condition_variable held_cv_;
  size_t held_ = 0, held_bytes_ = 0;  // guarded by held_mutex_

  std::atomic<uint64_t> fetched_{0}, fetched_lines_{0}, acked_{0}, naked_{0}, redelivered_{0},
      already_stored_{0}, fetch_errors_{0};
  mutable std::mutex lag_mutex_;
  BusConnection::Lag lag_;
  bool lag_known_ = false;
  std::chrono::steady_clock::time_point lag_at_{};
};

}  // namespace logstreamer::bus
