#pragma once
// Acknowledger: when and how an HTTP input answers a request it accepted.
//
//   --ack queued  2xx once the batch is queued (lost by a crash before the
//                 commit); a repeated key is a duplicate at once.
//   --ack commit  2xx once every line is committed by every durable output
//                 (core::DeliveryAck); the reply waits without holding an
//                 I/O thread (PendingReply) and is 503 with Retry-After if
//                 the commit takes longer than the timeout. A repeated key
//                 is a duplicate once committed (in this process, or in the
//                 database's ledger across restarts); while the first
//                 attempt is still in flight, or while the ledger cannot be
//                 read, it is told to retry later (never stored twice).
//
// Keys are idempotency keys (Logplex-Frame-Id, Idempotency-Key); requests
// without one are simply acknowledged. Thread-safe; one per input.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/delivery_ack.h"
#include "server/frame_dedupe.h"
#include "server/http_server.h"
#include "sinks/delivery_ledger.h"

namespace logstreamer::server {

enum class AckMode { kQueued, kCommit };

struct AckOptions {
  AckMode mode = AckMode::kQueued;
  std::chrono::milliseconds timeout{4000};
  sinks::DeliveryLedger* ledger = nullptr;  // committed keys, across restarts
  size_t dedupe_capacity = 100000;          // keys remembered in memory
};

class Acknowledger {
 public:
  explicit Acknowledger(const AckOptions& options)
      : options_(options), seen_(options.dedupe_capacity) {}

  // Before anything is processed: nullopt when the key is new (and now
  // claimed), else the answer (`duplicate` for a delivered key).
  std::optional<Reply> check_key(const std::string& key, const Response& duplicate);
  // The ack for the request's batch (null with --ack queued).
  core::AckPtr make_ack(const std::string& key) const;
  // The batch was queued: the answer, now or when its lines are committed.
  // `on_delivered` runs once the request counts as taken: at once with
  // --ack queued (or no ack), at the commit with --ack commit (never if the
  // commit fails: the sender is told to retry, and the retry is counted).
  Reply accepted(const core::AckPtr& ack, const std::string& key, Response ok,
                 std::function<void()> on_delivered = {});
  // The batch was not queued: the key may be tried again.
  void rejected(const std::string& key);

  AckMode mode() const { return options_.mode; }

 private:
  AckOptions options_;
  FrameDedupe seen_;
};

}  // namespace logstreamer::server
