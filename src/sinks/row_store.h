#pragma once
// RowStore: where the database writer commits rows (and, in the same
// transaction, the idempotency keys of the requests they came from). One implementation per
// database (sqlite_store.h); the writer (db_writer.h) owns batching, retries
// and shutdown, so a new database is one class implementing these three calls.
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "sinks/event_rows.h"

namespace logstreamer::sinks {

class RowStore {
 public:
  virtual ~RowStore() = default;
  // All rows in one transaction: all committed, or none (and an error).
  virtual absl::Status write(const RowBatch& rows) = 0;
  virtual absl::Status write_snapshot(int64_t time_us, std::string_view metrics_json) = 0;
  // Deletes rows older than `cutoff_us`.
  virtual absl::Status delete_before(int64_t cutoff_us) = 0;
  // Forgets idempotency keys committed before `cutoff_us` (the dedupe window).
  virtual absl::Status delete_keys_before(int64_t /*cutoff_us*/) { return absl::OkStatus(); }
  // Whether the database answers (reconnecting if need be): the writer asks
  // when it has nothing to commit, so that health reflects a database that
  // went away while idle. A local file always answers.
  virtual absl::Status ping() { return absl::OkStatus(); }
  // Bus messages (RowBatch::parts) left out of commits because another
  // processor had stored them. Thread-safe.
  virtual uint64_t skipped_parts() const { return 0; }
};

}  // namespace logstreamer::sinks
