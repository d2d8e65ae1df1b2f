#pragma once
// The PostgreSQL schema, by version, its forward migrations, and the daily
// partitions of the two big tables.
//
// Tables and indexes are those of SQLite (sinks/sqlite_schema.cc), with
// `events` and `http_requests` partitioned by range of time_us, one partition
// per UTC day (`events_p20261129`), so retention drops whole days with DROP
// TABLE instead of deleting rows one by one. A row whose day has no partition
// (a clock far in the past or future) lands in the default partition
// (`events_other`); when its day later gets a partition, the rows move there
// in the same transaction that attaches it.
//
// `schema_version` holds the version; migrations and partition changes run
// under one advisory lock, so several logstreamer processes sharing a
// database (issue 13's processors) never race each other. A database newer
// than this binary is refused.
//
// Not thread-safe: calls run on the caller's connection.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sinks/pg_connection.h"

namespace logstreamer::sinks {

inline constexpr int kPgSchemaVersion = 2;
inline constexpr int64_t kUsPerDay = int64_t{86400} * 1000000;
// The tables split by day.
inline constexpr const char* kPartitionedTables[] = {"events", "http_requests"};

// Brings the database to kPgSchemaVersion.
absl::Status migrate_postgres(PgConnection& conn);

// The UTC day number (days since 1970-01-01) of a time, and a partition's name.
int64_t day_of(int64_t time_us);
std::string partition_name(const char* table, int64_t day);

// Creates `day`'s partition of every partitioned table unless it exists,
// moving rows of that day out of the default partition.
absl::Status ensure_day_partitions(PgConnection& conn, int64_t day);

// Drops every daily partition that ends at or before `cutoff_us` and
// deletes older rows from the default partitions. Returns the days dropped.
absl::StatusOr<std::vector<int64_t>> drop_partitions_before(PgConnection& conn, int64_t cutoff_us);

}  // namespace logstreamer::sinks
