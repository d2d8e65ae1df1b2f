#pragma once
// PgStore: events, HTTP requests, metric snapshots and idempotency keys in
// PostgreSQL (the tables of sinks/pg_schema.h). Rows are loaded with COPY
// inside one transaction per batch, with the requests' keys; see
// docs/PERFORMANCE.md for COPY against multi-row INSERTs.
//
// A commit whose answer is lost (the connection drops during COMMIT) may
// have happened. Every transaction therefore also stores a token of its own
// in `delivered`; the retry of that batch (DbWriter retries the same batch
// until it commits) looks the token up first and, if it is there, reports
// success instead of storing the rows twice.
//
// One connection per instance, reconnecting by itself (sinks/pg_connection.h).
// Not thread-safe, except was_delivered() (its own lock): serve opens one
// instance for the writer, one for /api/events and one for key look-ups.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "sinks/delivery_ledger.h"
#include "sinks/event_reader.h"
#include "sinks/pg_connection.h"
#include "sinks/row_store.h"

namespace logstreamer::sinks {

struct PgStoreOptions {
  // Days (UTC) before today that get a partition of their own; rows of
  // older days go to the default partition (they are due for deletion).
  int64_t partition_days_back = 8;
  // Wait at least this long between attempts to reconnect (0 for the
  // writer, whose retries have their own backoff).
  std::chrono::milliseconds reconnect_gap{0};
  // This node's name on the summary parts it stores (bus processors).
  std::string node;
};

class PgStore final : public RowStore, public EventReader, public DeliveryLedger {
 public:
  enum class Role { kWriter, kReader };
  // Connects; a writer also brings the schema up to date.
  static absl::StatusOr<std::unique_ptr<PgStore>> open(const std::string& url, Role role,
                                                       PgStoreOptions options = {});

  absl::Status write(const RowBatch& rows) override;
  absl::Status write_snapshot(int64_t time_us, std::string_view metrics_json) override;
  // Drops whole daily partitions (retention is in whole days here).
  absl::Status delete_before(int64_t cutoff_us) override;
  absl::Status delete_keys_before(int64_t cutoff_us) override;
  absl::Status ping() override;
  absl::StatusOr<bool> was_delivered(std::string_view key) override;
  absl::StatusOr<EventPage> query_events(const EventQuery& q) override;
  // For the start-up line: "schema 1, events up to id N (the last at ...), K idempotency keys".
  std::string describe();
  // Bus messages left out of committed transactions because another
  // processor had stored them (redeliveries).
  uint64_t skipped_parts() const override { return skipped_parts_.load(std::memory_order_relaxed); }

 private:
  PgStore(const std::string& url, PgStoreOptions options);
  // Partitions for the days of `rows` that should have one.
  absl::Status ensure_partitions(const RowBatch& rows);
  absl::Status write_once(const RowBatch& rows);

  PgStoreOptions options_;
  PgConnection conn_;
  std::set<int64_t> partition_days_;  // known to exist
  std::string token_;                 // of the transaction whose commit is in doubt
  uint64_t next_token_ = 0;
  std::string token_prefix_;
  std::mutex ledger_mutex_;
  size_t skipped_parts_pending_ = 0;  // of the transaction in progress
  std::atomic<uint64_t> skipped_parts_{0};
};

}  // namespace logstreamer::sinks
