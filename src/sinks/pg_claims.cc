#include "sinks/pg_claims.h"

#include <algorithm>

#include <fmt/format.h>

#include "parse/line_loop.h"
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

void merge_round_summaries(const RowBatch& rows, aggregate::Summary& merged) {
  const aggregate::Summary* last = nullptr;
  for (const ClaimPart& part : rows.parts) {
    // A round's parts are adjacent (pushed together, appended whole).
    if (part.round_summary.get() == last || part.round_summary == nullptr) continue;
    last = part.round_summary.get();
    merged.merge(*last);
  }
}

RowBatch claimed_rows(const RowBatch& rows, absl::flat_hash_set<std::string> claimed,
                      aggregate::Summary& merged, size_t& claimed_parts) {
  RowBatch out;
  claimed_parts = 0;
  for (size_t first = 0; first < rows.parts.size();) {
    // One round: [first, last).
    size_t last = first + 1;
    while (last < rows.parts.size() &&
           rows.parts[last].round_summary == rows.parts[first].round_summary)
      ++last;
    std::vector<const ClaimPart*> kept;
    for (size_t i = first; i < last; ++i) {
      const ClaimPart& part = rows.parts[i];
      // A key is used once: a message redelivered to this processor while it
      // still held the first copy may be twice in one transaction.
      if (claimed.erase(pg_text(part.key)) == 0) continue;
      kept.push_back(&part);
      out.events.insert(out.events.end(), rows.events.begin() + part.events_begin,
                        rows.events.begin() + part.events_end);
      out.requests.insert(out.requests.end(), rows.requests.begin() + part.requests_begin,
                          rows.requests.begin() + part.requests_end);
    }
    claimed_parts += kept.size();
    if (kept.size() == last - first && rows.parts[first].round_summary != nullptr) {
      merged.merge(*rows.parts[first].round_summary);
    } else {
      recount(kept, merged);
    }
    first = last;
  }
  return out;
}

void recount(const std::vector<const ClaimPart*>& parts, aggregate::Summary& into) {
  thread_local parse::LineParser parser;
  parse::LogRecord rec;
  for (const ClaimPart* part : parts) {
    const std::string_view text = part->text;
    parse::for_each_line(
        text, part->max_line_bytes, parser, text.data() + text.size(), rec,
        [&](const parse::LogRecord& r, std::string_view, uint64_t) {
          into.add_from_batch(r, text);
        },
        [&](parse::ParseError why, std::string_view line, uint64_t index) {
          into.add_malformed(aggregate::LinePosition{0, 0, static_cast<uint32_t>(index)}, why,
                             line);
        });
    into.end_batch();  // pending messages point into this text
  }
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
