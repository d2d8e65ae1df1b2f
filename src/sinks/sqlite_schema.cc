#include "sinks/sqlite_schema.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace logstreamer::sinks {
namespace {

// kMigrations[i] takes a file from version i to version i + 1.
constexpr const char* kMigrations[] = {
    // 0 -> 1: events, HTTP requests, metric snapshots.
    R"sql(
CREATE TABLE IF NOT EXISTS events (
  id          INTEGER PRIMARY KEY,
  time_us     INTEGER NOT NULL,
  received_us INTEGER NOT NULL,
  level       TEXT NOT NULL,
  service     TEXT,
  host        TEXT,
  dyno        TEXT,
  format      TEXT NOT NULL,
  message     TEXT NOT NULL,
  fields      TEXT
);
CREATE INDEX IF NOT EXISTS events_time ON events(time_us);
CREATE INDEX IF NOT EXISTS events_level_time ON events(level, time_us);
CREATE INDEX IF NOT EXISTS events_service_time ON events(service, time_us);
CREATE TABLE IF NOT EXISTS http_requests (
  id         INTEGER PRIMARY KEY,
  time_us    INTEGER NOT NULL,
  method     TEXT,
  path       TEXT,
  status     INTEGER,
  connect_ms REAL,
  service_ms REAL,
  bytes      INTEGER,
  dyno       TEXT,
  request_id TEXT,
  client_ip  TEXT
);
CREATE INDEX IF NOT EXISTS http_requests_time ON http_requests(time_us);
CREATE TABLE IF NOT EXISTS metric_snapshots (
  id      INTEGER PRIMARY KEY,
  time_us INTEGER NOT NULL,
  metrics TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS metric_snapshots_time ON metric_snapshots(time_us);
)sql",
    // 1 -> 2: idempotency keys of committed requests (Logplex frame ids,
    // Idempotency-Key), written in the same transaction as their rows.
    R"sql(
CREATE TABLE IF NOT EXISTS delivered (
  key     TEXT PRIMARY KEY,
  time_us INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS delivered_time ON delivered(time_us);
)sql",
};
static_assert(std::size(kMigrations) == kSqliteSchemaVersion, "one migration per schema version");

absl::Status exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return absl::OkStatus();
  std::string msg = err != nullptr ? err : sqlite3_errmsg(db);
  sqlite3_free(err);
  return absl::UnavailableError(fmt::format("sqlite schema: {}", msg));
}

// -1 when the query fails.
int scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  int v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    v = sqlite3_column_int(s, 0);
  }
  sqlite3_finalize(s);
  return v;
}

}  // namespace

absl::Status migrate_sqlite(sqlite3* db) {
  if (auto st = exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      !st.ok()) {
    return st;
  }
  // No row: a new file, or one from before versions. Either way from 0: the
  // first migration only creates what does not exist yet.
  const int version = std::max(0, scalar(db, "SELECT max(version) FROM schema_version"));
  if (version > kSqliteSchemaVersion) {
    return absl::FailedPreconditionError(
        fmt::format("the database is at schema version {}, newer than this logstreamer's {}: "
                    "upgrade logstreamer",
                    version, kSqliteSchemaVersion));
  }
  for (int v = version; v < kSqliteSchemaVersion; ++v) {
    const std::string sql = fmt::format(
        "BEGIN; {} DELETE FROM schema_version; INSERT INTO schema_version VALUES ({}); COMMIT;",
        kMigrations[v], v + 1);
    if (auto st = exec(db, sql); !st.ok()) {
      exec(db, "ROLLBACK").IgnoreError();
      return st;
    }
    if (v > 0) spdlog::info("database: schema migrated from version {} to {}", v, v + 1);
  }
  return absl::OkStatus();
}

}  // namespace logstreamer::sinks
