#include "sinks/pg_claims.h"

#include <algorithm>

#include <fmt/format.h>

#include "sinks/pg_copy_text.h"
#include "sinks/summary_json.h"

namespace logstreamer::sinks {
namespace {
constexpr size_t kKeysPerInsert = 1000;
}  // namespace

absl::StatusOr<absl::flat_hash_set<std::string>> claim_keys(PgConnection& conn,
                                                            std::vector<std::string> keys,
                                                            int64_t now_us) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  absl::flat_hash_set<std::string> claimed;
  const std::string now = std::to_string(now_us);
  for (size_t at = 0; at < keys.size(); at += kKeysPerInsert) {
    const size_t n = std::min(kKeysPerInsert, keys.size() - at);
    std::string sql = "INSERT INTO delivered(key, time_us) VALUES ";
    std::vector<std::string> texts;
    texts.reserve(n);
    std::vector<const char*> values{now.c_str()};
    for (size_t k = 0; k < n; ++k) {
      fmt::format_to(std::back_inserter(sql), "{}(${}, $1)", k == 0 ? "" : ",", k + 2);
      texts.push_back(pg_text(keys[at + k]));
    }
    for (const std::string& t : texts) values.push_back(t.c_str());
    sql += " ON CONFLICT (key) DO NOTHING RETURNING key";
    auto r = conn.exec_params(sql, values, "claim bus messages");
    if (!r.ok()) return r.status();
    for (int row = 0; row < PQntuples(r->get()); ++row)
      claimed.insert(PQgetvalue(r->get(), row, 0));
  }
  return claimed;
}

RowBatch claimed_rows(const RowBatch& rows, absl::flat_hash_set<std::string> claimed,
                      aggregate::Summary& merged, size_t& claimed_parts) {
  RowBatch out;
  claimed_parts = 0;
  for (const ClaimPart& part : rows.parts) {
    // A key is used once: a message redelivered to this processor while it
    // still held the first copy may be twice in one transaction.
    if (claimed.erase(pg_text(part.key)) == 0) continue;
    ++claimed_parts;
    out.events.insert(out.events.end(), rows.events.begin() + part.events_begin,
                      rows.events.begin() + part.events_end);
    out.requests.insert(out.requests.end(), rows.requests.begin() + part.requests_begin,
                        rows.requests.begin() + part.requests_end);
    if (part.summary != nullptr) merged.merge(*part.summary);
  }
  return out;
}

absl::Status insert_summary_part(PgConnection& conn, const std::string& node,
                                 const aggregate::Summary& summary, int64_t now_us) {
  RunReport report;
  report.summary = &summary;
  report.command = "serve";
  const std::string json = pg_text(summary_to_json(report));
  const std::string t = std::to_string(now_us), n = pg_text(node);
  return conn
      .exec_params("INSERT INTO summary_parts(node, time_us, summary) VALUES ($1, $2, $3)",
                   {n.c_str(), t.c_str(), json.c_str()}, "insert summary part")
      .status();
}

}  // namespace logstreamer::sinks
