#include "sinks/pg_schema.h"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace logstreamer::sinks {
namespace {

// One lock for every schema change, taken inside the changing transaction.
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(7316235128004)";

// kMigrations[i] takes a database from version i to version i + 1.
constexpr const char* kMigrations[] = {
    // 0 -> 1: the tables of SQLite's version 2, the big two partitioned by day.
    R"sql(
CREATE TABLE IF NOT EXISTS events (
  id          bigserial NOT NULL,
  time_us     bigint NOT NULL,
  received_us bigint NOT NULL,
  level       text NOT NULL,
  service     text,
  host        text,
  dyno        text,
  format      text NOT NULL,
  message     text NOT NULL,
  fields      text
) PARTITION BY RANGE (time_us);
CREATE TABLE IF NOT EXISTS events_other PARTITION OF events DEFAULT;
CREATE INDEX IF NOT EXISTS events_id ON events(id);
CREATE INDEX IF NOT EXISTS events_time ON events(time_us);
CREATE INDEX IF NOT EXISTS events_level_time ON events(level, time_us);
CREATE INDEX IF NOT EXISTS events_service_time ON events(service, time_us);
CREATE TABLE IF NOT EXISTS http_requests (
  id         bigserial NOT NULL,
  time_us    bigint NOT NULL,
  method     text,
  path       text,
  status     integer,
  connect_ms double precision,
  service_ms double precision,
  bytes      bigint,
  dyno       text,
  request_id text,
  client_ip  text
) PARTITION BY RANGE (time_us);
CREATE TABLE IF NOT EXISTS http_requests_other PARTITION OF http_requests DEFAULT;
CREATE INDEX IF NOT EXISTS http_requests_time ON http_requests(time_us);
CREATE TABLE IF NOT EXISTS metric_snapshots (
  id      bigserial PRIMARY KEY,
  time_us bigint NOT NULL,
  metrics text NOT NULL
);
CREATE INDEX IF NOT EXISTS metric_snapshots_time ON metric_snapshots(time_us);
CREATE TABLE IF NOT EXISTS delivered (
  key     text PRIMARY KEY,
  time_us bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS delivered_time ON delivered(time_us);
)sql",
    // 2: bus processors' summaries (serve --bus), one row per transaction
    // of rows, merged by /api/summary and compacted now and then.
    R"sql(
CREATE TABLE IF NOT EXISTS summary_parts (
  id      bigserial PRIMARY KEY,
  node    text NOT NULL,
  time_us bigint NOT NULL,
  summary text NOT NULL
);
)sql",
};
static_assert(std::size(kMigrations) == kPgSchemaVersion, "one migration per schema version");

absl::StatusOr<int> current_version(PgConnection& conn) {
  auto r = conn.exec("SELECT coalesce(max(version), 0) FROM schema_version", "read schema version");
  if (!r.ok()) return r.status();
  return std::atoi(PQgetvalue(r->get(), 0, 0));
}

// Runs `body` in a transaction holding the schema lock.
template <typename Body>
absl::Status locked_transaction(PgConnection& conn, Body body) {
  if (auto r = conn.exec("BEGIN", "begin"); !r.ok()) return r.status();
  absl::Status st = conn.exec(kLock, "schema lock").status();
  if (st.ok()) st = body();
  if (st.ok()) st = conn.exec("COMMIT", "commit").status();
  if (!st.ok() && conn.connected()) conn.exec("ROLLBACK", "rollback").IgnoreError();
  return st;
}

int64_t day_start_us(int64_t day) { return day * kUsPerDay; }

}  // namespace

int64_t day_of(int64_t time_us) {
  // Floor division: times before 1970 fall on the day before, not day 0.
  int64_t d = time_us / kUsPerDay;
  if (time_us % kUsPerDay < 0) --d;
  return d;
}

std::string partition_name(const char* table, int64_t day) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{day}}};
  return fmt::format("{}_p{:04}{:02}{:02}", table, static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

absl::Status migrate_postgres(PgConnection& conn) {
  if (auto r = conn.exec("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)",
                         "create schema_version");
      !r.ok()) {
    // Two processes starting at once may race on this one statement.
    if (conn.last_sqlstate() != "23505" && conn.last_sqlstate() != "42P07") return r.status();
  }
  return locked_transaction(conn, [&]() -> absl::Status {
    auto version = current_version(conn);
    if (!version.ok()) return version.status();
    if (*version > kPgSchemaVersion) {
      return absl::FailedPreconditionError(
          fmt::format("the database is at schema version {}, newer than this logstreamer's {}: "
                      "upgrade logstreamer",
                      *version, kPgSchemaVersion));
    }
    for (int v = *version; v < kPgSchemaVersion; ++v) {
      if (auto r = conn.exec(kMigrations[v], fmt::format("migration to version {}", v + 1));
          !r.ok()) {
        return r.status();
      }
      const std::string bump =
          fmt::format("DELETE FROM schema_version; INSERT INTO schema_version VALUES ({})", v + 1);
      if (auto r = conn.exec(bump, "schema version"); !r.ok()) return r.status();
      if (v > 0) spdlog::info("database: schema migrated from version {} to {}", v, v + 1);
    }
    return absl::OkStatus();
  });
}

absl::Status ensure_day_partitions(PgConnection& conn, int64_t day) {
  return locked_transaction(conn, [&]() -> absl::Status {
    for (const char* table : kPartitionedTables) {
      const std::string name = partition_name(table, day);
      auto exists =
          conn.exec(fmt::format("SELECT to_regclass('{}') IS NOT NULL", name), "find partition");
      if (!exists.ok()) return exists.status();
      if (PQgetvalue(exists->get(), 0, 0)[0] == 't') continue;
      const int64_t from = day_start_us(day), to = day_start_us(day + 1);
      // Create, fill from the default partition, attach: attaching checks
      // that the default partition holds no row of that day any more.
      const std::string sql = fmt::format(
          "CREATE TABLE {1} (LIKE {0} INCLUDING DEFAULTS INCLUDING CONSTRAINTS);"
          "WITH moved AS (DELETE FROM {0}_other WHERE time_us >= {2} AND time_us < {3} RETURNING "
          "*) "
          "INSERT INTO {1} SELECT * FROM moved;"
          "ALTER TABLE {0} ATTACH PARTITION {1} FOR VALUES FROM ({2}) TO ({3})",
          table, name, from, to);
      if (auto r = conn.exec(sql, fmt::format("create partition {}", name)); !r.ok())
        return r.status();
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<int64_t>> drop_partitions_before(PgConnection& conn, int64_t cutoff_us) {
  std::vector<int64_t> dropped;
  const absl::Status st = locked_transaction(conn, [&]() -> absl::Status {
    for (const char* table : kPartitionedTables) {
      // Partition bounds from the catalog, not from names.
      auto parts =
          conn.exec(fmt::format("SELECT c.relname, substring(pg_get_expr(c.relpartbound, c.oid) "
                                "from 'TO \\(''?(-?[0-9]+)') FROM pg_inherits i JOIN pg_class c "
                                "ON c.oid = i.inhrelid WHERE i.inhparent = '{}'::regclass",
                                table),
                    "list partitions");
      if (!parts.ok()) return parts.status();
      for (int row = 0; row < PQntuples(parts->get()); ++row) {
        if (PQgetisnull(parts->get(), row, 1)) continue;  // the default partition
        const int64_t upper = std::strtoll(PQgetvalue(parts->get(), row, 1), nullptr, 10);
        if (upper > cutoff_us) continue;
        const std::string name = PQgetvalue(parts->get(), row, 0);
        if (auto r = conn.exec(fmt::format("DROP TABLE {}", name), "drop partition"); !r.ok()) {
          return r.status();
        }
        if (std::string_view(table) == "events") dropped.push_back(day_of(upper - 1));
      }
      const std::string del =
          fmt::format("DELETE FROM {}_other WHERE time_us < {}", table, cutoff_us);
      if (auto r = conn.exec(del, "delete old rows"); !r.ok()) return r.status();
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return dropped;
}

}  // namespace logstreamer::sinks
