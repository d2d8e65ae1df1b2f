#include "sinks/cluster_summary.h"

#include <fmt/format.h>

#include "core/wall_clock.h"
#include "sinks/pg_claims.h"
#include "sinks/summary_reader.h"

namespace logstreamer::sinks {
namespace {
// pg_advisory_xact_lock key of the compaction ("LSSUMMRY").
constexpr const char* kCompactLock = "5495296787466621273";
}  // namespace

ClusterSummary::ClusterSummary(const std::string& url, ClusterSummaryOptions options)
    : options_(options), conn_(url, std::chrono::milliseconds(1000)) {}

absl::StatusOr<aggregate::Summary> ClusterSummary::read() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (merged_ == nullptr || now - read_at_ >= options_.refresh) {
    if (auto st = refresh(); !st.ok()) return st;
    read_at_ = now;
  }
  aggregate::Summary out;
  out.merge(*merged_);
  return out;
}

uint64_t ClusterSummary::parts_read() const {
  std::lock_guard lock(mutex_);
  return parts_read_;
}

absl::Status ClusterSummary::refresh() {
  if (auto st = conn_.ensure_connected(); !st.ok()) return st;
  if (auto r = conn_.exec("BEGIN", "begin"); !r.ok()) return r.status();
  auto body = [&]() -> absl::Status {
    auto count = conn_.exec("SELECT count(*) FROM summary_parts", "count summary parts");
    if (!count.ok()) return count.status();
    const uint64_t parts = std::stoull(PQgetvalue(count->get(), 0, 0));
    bool compact = false;
    if (parts > options_.compact_above) {
      auto locked = conn_.exec(fmt::format("SELECT pg_try_advisory_xact_lock({})", kCompactLock),
                               "lock summary compaction");
      if (!locked.ok()) return locked.status();
      compact = std::string_view(PQgetvalue(locked->get(), 0, 0)) == "t";
    }
    auto rows = conn_.exec(compact ? "DELETE FROM summary_parts RETURNING summary"
                                   : "SELECT summary FROM summary_parts",
                           "read summary parts");
    if (!rows.ok()) return rows.status();
    auto merged = std::make_unique<aggregate::Summary>();
    const int n = PQntuples(rows->get());
    for (int i = 0; i < n; ++i) {
      auto loaded = read_summary_json_text(
          std::string_view(PQgetvalue(rows->get(), i, 0),
                           static_cast<size_t>(PQgetlength(rows->get(), i, 0))),
          0);
      if (!loaded.ok()) {
        return absl::DataLossError(
            fmt::format("summary part unreadable: {}", std::string(loaded.status().message())));
      }
      merged->merge(loaded->summary);
    }
    if (compact && n > 0) {
      if (auto st = insert_summary_part(conn_, "compacted", *merged, core::unix_now_us());
          !st.ok()) {
        return st;
      }
    }
    merged_ = std::move(merged);
    parts_read_ = static_cast<uint64_t>(n);
    return absl::OkStatus();
  };
  if (auto st = body(); !st.ok()) {
    if (conn_.connected()) conn_.exec("ROLLBACK", "rollback").IgnoreError();
    return st;
  }
  if (auto r = conn_.exec("COMMIT", "commit"); !r.ok()) {
    // The merge read is still right; a compaction that did not commit left
    // the parts as they were.
    return r.status();
  }
  return absl::OkStatus();
}

}  // namespace logstreamer::sinks
