#pragma once
// SqliteStore: events, HTTP requests and metric snapshots in one SQLite file
// (WAL, so the API's reads never wait for the writer's transactions).
//
// One connection per instance and not thread-safe: the writer owns one, the
// API opens another (read-only) and serialises its queries.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "sinks/delivery_ledger.h"
#include "sinks/event_reader.h"
#include "sinks/row_store.h"
#include "sinks/sqlite_statement.h"

namespace logstreamer::sinks {

class SqliteStore final : public RowStore, public EventReader, public DeliveryLedger {
 public:
  static constexpr size_t kRowsPerInsert = 64;  // rows per multi-row INSERT
  static absl::StatusOr<std::unique_ptr<SqliteStore>> open(const std::string& path, bool read_only = false);
  ~SqliteStore() override;

  absl::Status write(const RowBatch& rows) override;
  absl::Status write_snapshot(int64_t time_us, std::string_view metrics_json) override;
  absl::Status delete_before(int64_t cutoff_us) override;
  absl::Status delete_keys_before(int64_t cutoff_us) override;
  // Thread-safe (its own lock): use a connection of its own for it.
  absl::StatusOr<bool> was_delivered(std::string_view key) override;

  absl::StatusOr<EventPage> query_events(const EventQuery& q) override;
  absl::StatusOr<int64_t> count(std::string_view table);
  // What the file holds, for the start-up line: "schema 2, events up to id
  // 874040 (last at 2026-11-29T19:02:11Z), 4211 idempotency keys".
  std::string describe();

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  absl::Status exec(const char* sql);
  absl::Status prepare_writes();
  absl::Status error(std::string_view what) const;

  sqlite3* db_;
  // Declared after db_: destroyed (finalized) before ~SqliteStore closes it.
  SqliteStatement insert_event_;   // one row
  SqliteStatement insert_events_;  // kRowsPerInsert rows
  SqliteStatement insert_request_;
  SqliteStatement insert_requests_;
  SqliteStatement insert_snapshot_;
  SqliteStatement insert_key_;
  std::mutex ledger_mutex_;
  SqliteStatement find_key_;  // prepared on first use
};

}  // namespace logstreamer::sinks
