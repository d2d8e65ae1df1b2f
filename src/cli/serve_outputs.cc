#include "cli/serve_outputs.h"

#include <algorithm>

#include <fmt/format.h>

#include "sinks/db_writer.h"
#include "sinks/pg_connection.h"
#include "sinks/pg_store.h"
#include "sinks/sqlite_store.h"

namespace logstreamer::cli {
namespace {

sinks::DbWriterOptions writer_options(const ServeConfig& cfg) {
  sinks::DbWriterOptions wo;
  wo.batch_rows = cfg.db_batch_rows;
  wo.batch_timeout = cfg.db_batch_timeout;
  // About as many rows as the ingest queue holds lines (at ~512 bytes a
  // row), never more than --queue-bytes: a slow database then fills the
  // ingest queue, and the senders see 429s, soon rather than after
  // gigabytes.
  wo.queue_bytes =
      std::min(cfg.queue_bytes, std::max(cfg.queue_lines, cfg.db_batch_rows * 2) * 512);
  wo.snapshot_interval = cfg.snapshot_interval;
  wo.retention = std::chrono::duration_cast<std::chrono::seconds>(cfg.retention);
  wo.dedupe_window = cfg.dedupe_window;
  return wo;
}

// --db PATH: a writer connection, a read-only one for /api/events and one
// for the idempotency-key lookups of retried requests.
absl::Status add_sqlite(const ServeConfig& cfg, const std::function<std::string()>& snapshot,
                        ServeOutputs& out) {
  auto store = sinks::SqliteStore::open(cfg.db);
  if (!store.ok()) return store.status();
  auto reader = sinks::SqliteStore::open(cfg.db, /*read_only=*/true);
  if (!reader.ok()) return reader.status();
  auto ledger = sinks::SqliteStore::open(cfg.db, /*read_only=*/true);
  if (!ledger.ok()) return ledger.status();
  // After a crash SQLite has replayed its WAL by now: say what is kept.
  fmt::print(stderr, "logstreamer serve: database {}: {}\n", cfg.db, (*store)->describe());
  out.outputs.push_back(
      std::make_unique<sinks::DbWriter>("sqlite", **store, writer_options(cfg), snapshot));
  out.stores.push_back(std::move(*store));
  out.events = std::move(*reader);
  out.ledger = std::move(*ledger);
  return absl::OkStatus();
}

bool is_postgres_url(const std::string& db) {
  return db.rfind("postgres://", 0) == 0 || db.rfind("postgresql://", 0) == 0;
}

// --db postgres://...: a writer connection, one for /api/events and one for
// key look-ups (each reconnects by itself; the two on request paths wait a
// second between attempts, so requests fail fast while the server is away).
absl::Status add_postgres(const ServeConfig& cfg, const std::function<std::string()>& snapshot,
                          ServeOutputs& out) {
  sinks::PgStoreOptions writer_opts;
  // Partitions for the days retention keeps (plus the one it is cutting),
  // a month with --retention 0; older rows go to the default partition.
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(cfg.retention).count();
  writer_opts.partition_days_back = hours > 0 ? (hours + 23) / 24 + 1 : 31;
  writer_opts.node = cfg.node;
  sinks::PgStoreOptions reader_opts;
  if (!cfg.bus.empty() && cfg.role == "ingest") {
    // An ingest node of a cluster stores nothing itself: it reads the
    // processors' rows (/api/events) and committed keys (retries).
    reader_opts.reconnect_gap = std::chrono::milliseconds(1000);
    auto reader = sinks::PgStore::open(cfg.db, sinks::PgStore::Role::kReader, reader_opts);
    if (!reader.ok()) return reader.status();
    auto ledger = sinks::PgStore::open(cfg.db, sinks::PgStore::Role::kReader, reader_opts);
    if (!ledger.ok()) return ledger.status();
    out.events = std::move(*reader);
    out.ledger = std::move(*ledger);
    return absl::OkStatus();
  }
  auto store = sinks::PgStore::open(cfg.db, sinks::PgStore::Role::kWriter, writer_opts);
  if (!store.ok()) return store.status();
  reader_opts.reconnect_gap = std::chrono::milliseconds(1000);
  auto reader = sinks::PgStore::open(cfg.db, sinks::PgStore::Role::kReader, reader_opts);
  if (!reader.ok()) return reader.status();
  auto ledger = sinks::PgStore::open(cfg.db, sinks::PgStore::Role::kReader, reader_opts);
  if (!ledger.ok()) return ledger.status();
  fmt::print(stderr, "logstreamer serve: database {}: {}\n",
             sinks::PgConnection::redacted_url(cfg.db), (*store)->describe());
  out.outputs.push_back(
      std::make_unique<sinks::DbWriter>("postgres", **store, writer_options(cfg), snapshot));
  out.stores.push_back(std::move(*store));
  out.events = std::move(*reader);
  out.ledger = std::move(*ledger);
  return absl::OkStatus();
}

}  // namespace

std::string describe_db(const std::string& db) {
  if (db.empty() || db == "none") return "none";
  return is_postgres_url(db) ? sinks::PgConnection::redacted_url(db) : db;
}

std::vector<sinks::Output*> ServeOutputs::list() const {
  std::vector<sinks::Output*> all;
  for (const auto& o : outputs) all.push_back(o.get());
  return all;
}

std::vector<sinks::RowSink*> ServeOutputs::sinks() const {
  std::vector<sinks::RowSink*> all;
  for (const auto& o : outputs) all.push_back(o.get());
  return all;
}

absl::StatusOr<ServeOutputs> build_outputs(const ServeConfig& cfg,
                                           std::function<std::string()> snapshot) {
  ServeOutputs out;
  // One line per kind of output.
  const bool has_db = !cfg.db.empty() && cfg.db != "none";
  if (has_db && is_postgres_url(cfg.db)) {
    if (auto st = add_postgres(cfg, snapshot, out); !st.ok()) return st;
  } else if (has_db) {
    if (auto st = add_sqlite(cfg, snapshot, out); !st.ok()) return st;
  }
  return out;
}

}  // namespace logstreamer::cli
