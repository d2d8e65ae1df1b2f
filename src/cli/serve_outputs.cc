#include "cli/serve_outputs.h"

#include <algorithm>

#include <fmt/format.h>

#include "sinks/db_writer.h"
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

}  // namespace

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
  if (cfg.db.rfind("postgres://", 0) == 0 || cfg.db.rfind("postgresql://", 0) == 0) {
    // Not a file name: say so rather than create a SQLite file named after a URL.
    return absl::UnimplementedError(
        "--db: PostgreSQL URLs are not supported yet; give a SQLite file path, or 'none'");
  }
  if (!cfg.db.empty() && cfg.db != "none") {
    if (auto st = add_sqlite(cfg, snapshot, out); !st.ok()) return st;
  }
  return out;
}

}  // namespace logstreamer::cli
