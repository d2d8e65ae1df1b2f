#include "sinks/pg_store.h"

#include <algorithm>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include "core/wall_clock.h"
#include "parse/format.h"
#include "parse/level.h"
#include "parse/timestamp.h"
#include "sinks/pg_claims.h"
#include "sinks/pg_copy_text.h"
#include "sinks/pg_schema.h"

namespace logstreamer::sinks {
namespace {

constexpr size_t kKeysPerInsert = 1000;

// Row indexes in time order: each day's partition and the time indexes then
// grow at one place per batch (and ids follow time, as in SQLite).
template <typename Row>
std::vector<uint32_t> time_order(const std::vector<Row>& rows) {
  std::vector<uint32_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return rows[a].time_us < rows[b].time_us; });
  return order;
}

std::string events_copy_data(const std::vector<EventRow>& events) {
  std::string out;
  size_t bytes = 0;
  for (const EventRow& e : events) bytes += e.message.size() + e.fields.size() + 96;
  out.reserve(bytes);
  for (const uint32_t i : time_order(events)) {
    const EventRow& e = events[i];
    CopyRow(out)
        .integer(e.time_us)
        .integer(e.received_us)
        .text(parse::level_name(e.level))
        .text(e.service)
        .text(e.host)
        .text(e.dyno)
        .text(parse::format_name(e.format))
        .text(e.message, /*null_if_empty=*/false)
        .text(e.fields)
        .end();
  }
  return out;
}

std::string requests_copy_data(const std::vector<RequestRow>& requests) {
  std::string out;
  out.reserve(requests.size() * 160);
  for (const uint32_t i : time_order(requests)) {
    const RequestRow& r = requests[i];
    CopyRow(out)
        .integer(r.time_us)
        .text(r.method)
        .text(r.path)
        .integer(r.status, r.status > 0)
        .real(r.connect_ms, r.connect_ms >= 0)
        .real(r.service_ms, r.service_ms >= 0)
        .integer(r.bytes, r.bytes >= 0)
        .text(r.dyno)
        .text(r.request_id)
        .text(r.client_ip)
        .end();
  }
  return out;
}

std::string random_prefix() {
  std::random_device rd;
  const uint64_t r = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return fmt::format("txn:{:016x}:", r);
}

}  // namespace

PgStore::PgStore(const std::string& url, PgStoreOptions options)
    : options_(options), conn_(url, options.reconnect_gap), token_prefix_(random_prefix()) {}

absl::StatusOr<std::unique_ptr<PgStore>> PgStore::open(const std::string& url, Role role,
                                                       PgStoreOptions options) {
  std::unique_ptr<PgStore> store(new PgStore(url, options));
  if (auto st = store->conn_.ensure_connected(); !st.ok()) return st;
  if (role == Role::kWriter) {
    if (auto st = migrate_postgres(store->conn_); !st.ok()) return st;
  }
  return store;
}

absl::Status PgStore::ensure_partitions(const RowBatch& rows) {
  const int64_t today = day_of(core::unix_now_us());
  const int64_t lo = today - options_.partition_days_back, hi = today + 1;
  std::set<int64_t> wanted;
  int64_t last = INT64_MIN;
  auto want = [&](int64_t time_us) {
    const int64_t d = day_of(time_us);
    if (d == last) return;
    last = d;
    if (d >= lo && d <= hi && !partition_days_.contains(d)) wanted.insert(d);
  };
  want(core::unix_now_us());  // today's, before the first row needs it
  for (const EventRow& e : rows.events) want(e.time_us);
  for (const RequestRow& r : rows.requests) want(r.time_us);
  for (const int64_t d : wanted) {
    if (auto st = ensure_day_partitions(conn_, d); !st.ok()) return st;
    partition_days_.insert(d);
  }
  // Days that left the window are not looked up again.
  partition_days_.erase(partition_days_.begin(), partition_days_.lower_bound(lo));
  return absl::OkStatus();
}

absl::Status PgStore::write(const RowBatch& rows) {
  if (!token_.empty()) {
    // The last attempt's COMMIT got no answer: it may have committed.
    auto found = conn_.exec_params("SELECT 1 FROM delivered WHERE key = $1", {token_.c_str()},
                                   "check an unanswered commit");
    if (!found.ok()) return found.status();
    const bool committed = PQntuples(found->get()) > 0;
    token_.clear();
    if (committed) return absl::OkStatus();
  }
  if (auto st = ensure_partitions(rows); !st.ok()) return st;
  return write_once(rows);
}

absl::Status PgStore::write_once(const RowBatch& rows) {
  const std::string token = token_prefix_ + std::to_string(next_token_++);
  if (auto r = conn_.exec("BEGIN", "begin"); !r.ok()) return r.status();
  auto body = [&]() -> absl::Status {
    // Bus processors: only the messages this transaction claims are stored.
    const RowBatch* store = &rows;
    RowBatch claimed_only;
    aggregate::Summary merged;
    size_t claimed_parts = 0;
    if (!rows.parts.empty()) {
      std::vector<std::string> part_keys;
      for (const ClaimPart& part : rows.parts) part_keys.push_back(part.key);
      auto claimed = claim_keys(conn_, part_keys, core::unix_now_us());
      if (!claimed.ok()) return claimed.status();
      if (claimed->size() == rows.parts.size()) {
        claimed_parts = rows.parts.size();
        merge_round_summaries(rows, merged);
      } else {
        claimed_only = claimed_rows(rows, *claimed, merged, claimed_parts);
        store = &claimed_only;
      }
      skipped_parts_pending_ = rows.parts.size() - claimed_parts;
    }
    if (!store->events.empty()) {
      if (auto st = conn_.copy_in("COPY events(time_us, received_us, level, service, host, dyno, "
                                  "format, message, fields) FROM STDIN",
                                  events_copy_data(store->events), "copy events");
          !st.ok()) {
        return st;
      }
    }
    if (!store->requests.empty()) {
      if (auto st = conn_.copy_in("COPY http_requests(time_us, method, path, status, connect_ms, "
                                  "service_ms, bytes, dyno, request_id, client_ip) FROM STDIN",
                                  requests_copy_data(store->requests), "copy requests");
          !st.ok()) {
        return st;
      }
    }
    // The requests' keys and this transaction's token, committed with the
    // rows or not at all. A key already there (a retry that raced its
    // first attempt) is left as it is.
    if (claimed_parts > 0) {
      if (auto st = insert_summary_part(conn_, options_.node, merged, core::unix_now_us());
          !st.ok()) {
        return st;
      }
    }
    std::vector<std::string> keys{token};
    for (const core::AckPtr& ack : rows.acks) {
      // A bus processor's keys were claimed above.
      if (!ack->key().empty() && rows.parts.empty()) keys.push_back(pg_text(ack->key()));
    }
    const std::string now = std::to_string(core::unix_now_us());
    for (size_t at = 0; at < keys.size(); at += kKeysPerInsert) {
      const size_t n = std::min(kKeysPerInsert, keys.size() - at);
      std::string sql = "INSERT INTO delivered(key, time_us) VALUES ";
      std::vector<const char*> values{now.c_str()};
      for (size_t k = 0; k < n; ++k) {
        fmt::format_to(std::back_inserter(sql), "{}(${}, $1)", k == 0 ? "" : ",", k + 2);
        values.push_back(keys[at + k].c_str());
      }
      sql += " ON CONFLICT (key) DO NOTHING";
      if (auto r = conn_.exec_params(sql, values, "insert keys"); !r.ok()) return r.status();
    }
    return absl::OkStatus();
  };
  if (auto st = body(); !st.ok()) {
    if (conn_.connected()) conn_.exec("ROLLBACK", "rollback").IgnoreError();
    return st;
  }
  if (auto r = conn_.exec("COMMIT", "commit"); !r.ok()) {
    // No answer to COMMIT: whether it happened is known only to the server.
    if (!conn_.connected()) token_ = token;
    return r.status();
  }
  skipped_parts_.fetch_add(skipped_parts_pending_, std::memory_order_relaxed);
  skipped_parts_pending_ = 0;
  return absl::OkStatus();
}

absl::Status PgStore::write_snapshot(int64_t time_us, std::string_view metrics_json) {
  const std::string t = std::to_string(time_us), m = pg_text(metrics_json);
  return conn_
      .exec_params("INSERT INTO metric_snapshots(time_us, metrics) VALUES ($1, $2)",
                   {t.c_str(), m.c_str()}, "insert snapshot")
      .status();
}

absl::Status PgStore::delete_before(int64_t cutoff_us) {
  auto dropped = drop_partitions_before(conn_, cutoff_us);
  if (!dropped.ok()) return dropped.status();
  for (const int64_t d : *dropped) partition_days_.erase(d);
  const std::string c = std::to_string(cutoff_us);
  return conn_
      .exec_params("DELETE FROM metric_snapshots WHERE time_us < $1", {c.c_str()},
                   "delete snapshots")
      .status();
}

absl::Status PgStore::delete_keys_before(int64_t cutoff_us) {
  const std::string c = std::to_string(cutoff_us);
  return conn_.exec_params("DELETE FROM delivered WHERE time_us < $1", {c.c_str()}, "delete keys")
      .status();
}

absl::Status PgStore::ping() { return conn_.exec("SELECT 1", "ping").status(); }

absl::StatusOr<bool> PgStore::was_delivered(std::string_view key) {
  std::lock_guard lock(ledger_mutex_);
  const std::string k = pg_text(key);
  auto r = conn_.exec_params("SELECT 1 FROM delivered WHERE key = $1", {k.c_str()}, "key lookup");
  if (!r.ok()) return r.status();
  return PQntuples(r->get()) > 0;
}

absl::StatusOr<EventPage> PgStore::query_events(const EventQuery& q) {
  // Every user value is a parameter; only the shape of the SQL varies.
  std::vector<std::string> params;
  std::string sql =
      "SELECT id, time_us, received_us, level, service, host, dyno, format, message, fields "
      "FROM events WHERE true";
  auto add = [&](const char* condition, std::string value) {
    params.push_back(std::move(value));
    sql += fmt::format(" AND {}${}", condition, params.size());
    if (std::string_view(condition).starts_with("strpos")) sql += ") > 0";
  };
  if (!q.level.empty()) add("level = ", pg_text(q.level));
  if (!q.service.empty()) add("service = ", pg_text(q.service));
  if (q.since_us) add("time_us >= ", std::to_string(*q.since_us));
  if (q.until_us) add("time_us < ", std::to_string(*q.until_us));
  if (!q.text.empty()) add("strpos(message, ", pg_text(q.text));
  if (q.cursor) add("id < ", std::to_string(*q.cursor));
  params.push_back(std::to_string(q.limit));
  sql += fmt::format(" ORDER BY id DESC LIMIT ${}", params.size());
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  auto r = conn_.exec_params(sql, values, "query events");
  if (!r.ok()) return r.status();
  PGresult* res = r->get();
  auto text = [&](int row, int col) {
    return std::string(PQgetvalue(res, row, col), static_cast<size_t>(PQgetlength(res, row, col)));
  };
  auto nullable = [&](int row, int col) -> std::optional<std::string> {
    if (PQgetisnull(res, row, col)) return std::nullopt;
    return text(row, col);
  };
  EventPage page;
  for (int row = 0; row < PQntuples(res); ++row) {
    StoredEvent& e = page.events.emplace_back();
    e.id = std::strtoll(PQgetvalue(res, row, 0), nullptr, 10);
    e.time_us = std::strtoll(PQgetvalue(res, row, 1), nullptr, 10);
    e.received_us = std::strtoll(PQgetvalue(res, row, 2), nullptr, 10);
    e.level = text(row, 3);
    e.service = nullable(row, 4);
    e.host = nullable(row, 5);
    e.dyno = nullable(row, 6);
    e.format = text(row, 7);
    e.message = text(row, 8);
    e.fields = nullable(row, 9);
    if (e.fields && e.fields->empty()) e.fields.reset();
  }
  if (page.events.size() == q.limit && !page.events.empty())
    page.next_cursor = page.events.back().id;
  return page;
}

std::string PgStore::describe() {
  auto scalar = [&](const char* sql) -> std::string {
    auto r = conn_.exec(sql, "describe");
    if (!r.ok() || PQntuples(r->get()) == 0 || PQgetisnull(r->get(), 0, 0)) return "0";
    return PQgetvalue(r->get(), 0, 0);
  };
  const std::string version = scalar("SELECT max(version) FROM schema_version");
  const std::string keys = scalar("SELECT count(*) FROM delivered");
  const std::string days = scalar(
      "SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass AND "
      "inhrelid <> 'events_other'::regclass");
  auto last = conn_.exec("SELECT id, time_us FROM events ORDER BY id DESC LIMIT 1", "describe");
  if (!last.ok() || PQntuples(last->get()) == 0) {
    return fmt::format("schema {}, no events yet, {} idempotency keys, {} daily partitions",
                       version, keys, days);
  }
  return fmt::format(
      "schema {}, events up to id {} (the last at {}), {} idempotency keys, {} daily partitions",
      version, PQgetvalue(last->get(), 0, 0),
      parse::format_rfc3339(std::strtoll(PQgetvalue(last->get(), 0, 1), nullptr, 10)), keys, days);
}

}  // namespace logstreamer::sinks
