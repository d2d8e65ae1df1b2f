#pragma once
// ClusterSummary: /api/summary on any node of a bus cluster (serve --bus):
// the merge of every summary part the processors committed with their rows
// (sinks/pg_claims.h), read from PostgreSQL at most once per `refresh`.
// Each part covers the lines of the bus messages its transaction claimed,
// so the merge counts every stored line once, whichever processor stored it
// and whether or not it crashed since.
//
// Parts pile up (one per transaction); above `compact_above` the reader
// folds them: in one transaction it deletes the parts it can see and inserts
// their merge. A part committed meanwhile is not seen, so it is neither
// deleted nor counted twice. Readers on several nodes take turns through an
// advisory lock.
//
// Thread-safe (one lock; a read waits for a refresh in progress).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "aggregate/summary.h"
#include "sinks/pg_connection.h"

namespace logstreamer::sinks {

struct ClusterSummaryOptions {
  std::chrono::milliseconds refresh{1000};
  size_t compact_above = 64;
};

class ClusterSummary {
 public:
  ClusterSummary(const std::string& url, ClusterSummaryOptions options = {});
  // A copy of the merged summary (refreshed if older than `refresh`).
  absl::StatusOr<aggregate::Summary> read();
  uint64_t parts_read() const;  // in the last refresh

 private:
  absl::Status refresh();

  ClusterSummaryOptions options_;
  mutable std::mutex mutex_;
  PgConnection conn_;                           // guarded by mutex_
  std::unique_ptr<aggregate::Summary> merged_;  // guarded by mutex_
  std::chrono::steady_clock::time_point read_at_{};
  uint64_t parts_read_ = 0;
};

}  // namespace logstreamer::sinks
