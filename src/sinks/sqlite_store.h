#pragma once
// SqliteStore: events, HTTP requests and metric snapshots in one SQLite file
// (WAL, so the API's reads never wait for the writer's transactions).
//
// One connection per instance and not thread-safe: the writer owns one, the
// API opens another (read-only) and serialises its queries.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "sinks/row_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace logstreamer::sinks {

struct EventQuery {
  std::string level;    // exact level name ("ERROR"), empty: any
  std::string service;  // exact, empty: any
  std::optional<int64_t> since_us, until_us;  // time_us in [since, until)
  std::string text;     // substring of the message, empty: any
  size_t limit = 100;
  std::optional<int64_t> cursor;  // events with id < cursor (the previous page's next_cursor)
};

struct EventPage {
  std::string items_json;          // a JSON array, newest first
  size_t count = 0;
  std::optional<int64_t> next_cursor;  // set when there may be more
};

class SqliteStore final : public RowStore {
 public:
  static constexpr size_t kRowsPerInsert = 64;  // rows per multi-row INSERT
  static absl::StatusOr<std::unique_ptr<SqliteStore>> open(const std::string& path, bool read_only = false);
  ~SqliteStore() override;

  absl::Status write(const RowBatch& rows) override;
  absl::Status write_snapshot(int64_t time_us, std::string_view metrics_json) override;
  absl::Status delete_before(int64_t cutoff_us) override;

  absl::StatusOr<EventPage> query_events(const EventQuery& q);
  absl::StatusOr<int64_t> count(std::string_view table);

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  absl::Status exec(const char* sql);
  absl::Status prepare_writes();
  absl::Status error(std::string_view what) const;

  sqlite3* db_;
  sqlite3_stmt* insert_event_ = nullptr;    // one row
  sqlite3_stmt* insert_events_ = nullptr;   // kRowsPerInsert rows
  sqlite3_stmt* insert_request_ = nullptr;
  sqlite3_stmt* insert_requests_ = nullptr;
  sqlite3_stmt* insert_snapshot_ = nullptr;
};

}  // namespace logstreamer::sinks
