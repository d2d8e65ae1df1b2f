#pragma once
// The SQLite schema, by version, and its forward migrations.
//
// `schema_version` holds one row: the version the file is at. A file from
// before that table existed is taken from version 0: every migration creates
// only what is missing (IF NOT EXISTS), so its tables and rows stay. On
// open, every migration past the file's version runs, each in its own
// transaction with the version bump, so a crash mid-way leaves a file at a
// whole version. A file newer than this binary is refused (clear error):
// an older logstreamer must not write a schema it does not know.
#include <sqlite3.h>

#include "absl/status/status.h"

namespace logstreamer::sinks {

inline constexpr int kSqliteSchemaVersion = 2;

// Brings the connection's database to kSqliteSchemaVersion.
absl::Status migrate_sqlite(sqlite3* db);

}  // namespace logstreamer::sinks
