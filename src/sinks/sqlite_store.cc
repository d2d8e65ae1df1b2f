#include "sinks/sqlite_store.h"

#include "sinks/sqlite_schema.h"

#include <sqlite3.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/wall_clock.h"
#include "parse/format.h"
#include "parse/level.h"
#include "parse/timestamp.h"

namespace logstreamer::sinks {
namespace {

void bind_text(sqlite3_stmt* s, int i, std::string_view v) {
  if (v.empty()) {
    sqlite3_bind_null(s, i);
  } else {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
}

std::string_view column_text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p == nullptr ? std::string_view{} : std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s, i)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, bool read_only) {
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::UnavailableError(fmt::format("cannot open database {}: {}", path, msg));
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  // A locked database counts as failing after 1 s: the writer retries anyway
  // (with backoff), and meanwhile senders must hear 503 within seconds, not
  // after 5 s of silence per attempt.
  sqlite3_busy_timeout(db, 1000);
  if (!read_only) {
    // WAL: readers (the API) never block the writer; NORMAL sync is durable
    // against a crash of this process, and fast (fsync at checkpoints).
    // A 64 MiB page cache keeps the indexes' hot pages in memory (the default
    // 2 MiB made every insert re-read index pages: half the writer's time was
    // pread/pwrite), and checkpoints every 32 MiB of WAL instead of 4 MiB.
    if (auto st = store->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
                              "PRAGMA wal_autocheckpoint=8192; PRAGMA temp_store=MEMORY;");
        !st.ok()) {
      return st;
    }
    if (auto st = migrate_sqlite(db); !st.ok()) return st;
    if (auto st = store->prepare_writes(); !st.ok()) return st;
  }
  return store;
}

SqliteStore::~SqliteStore() {
  for (SqliteStatement* st : {&insert_event_, &insert_events_, &insert_request_, &insert_requests_,
                              &insert_snapshot_, &insert_key_, &find_key_}) {
    *st = SqliteStatement();  // finalized before the connection closes
  }
  sqlite3_close(db_);
}

absl::Status SqliteStore::error(std::string_view what) const {
  return absl::UnavailableError(fmt::format("sqlite: {}: {}", what, sqlite3_errmsg(db_)));
}

absl::Status SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    return absl::UnavailableError(fmt::format("sqlite: {}", msg));
  }
  return absl::OkStatus();
}

namespace {

constexpr const char* kEventInsert =
    "INSERT INTO events(time_us, received_us, level, service, host, dyno, format, message, fields) VALUES";
constexpr const char* kEventValues = "(?,?,?,?,?,?,?,?,?)";
constexpr int kEventColumns = 9;
constexpr const char* kRequestInsert =
    "INSERT INTO http_requests(time_us, method, path, status, connect_ms, service_ms, bytes, dyno, request_id, "
    "client_ip) VALUES";
constexpr const char* kRequestValues = "(?,?,?,?,?,?,?,?,?,?)";
constexpr int kRequestColumns = 10;

std::string multi_insert(const char* head, const char* values, size_t rows) {
  std::string sql = head;
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0) sql += ',';
    sql += values;
  }
  return sql;
}

void bind_event(sqlite3_stmt* s, int base, const EventRow& e) {
  sqlite3_bind_int64(s, base + 1, e.time_us);
  sqlite3_bind_int64(s, base + 2, e.received_us);
  bind_text(s, base + 3, parse::level_name(e.level));
  bind_text(s, base + 4, e.service);
  bind_text(s, base + 5, e.host);
  bind_text(s, base + 6, e.dyno);
  bind_text(s, base + 7, parse::format_name(e.format));
  sqlite3_bind_text(s, base + 8, e.message.data(), static_cast<int>(e.message.size()), SQLITE_STATIC);
  bind_text(s, base + 9, e.fields);
}

void bind_request(sqlite3_stmt* s, int base, const RequestRow& r) {
  sqlite3_bind_int64(s, base + 1, r.time_us);
  bind_text(s, base + 2, r.method);
  bind_text(s, base + 3, r.path);
  if (r.status > 0) sqlite3_bind_int(s, base + 4, r.status);
  if (r.connect_ms >= 0) sqlite3_bind_double(s, base + 5, r.connect_ms);
  if (r.service_ms >= 0) sqlite3_bind_double(s, base + 6, r.service_ms);
  if (r.bytes >= 0) sqlite3_bind_int64(s, base + 7, r.bytes);
  bind_text(s, base + 8, r.dyno);
  bind_text(s, base + 9, r.request_id);
  bind_text(s, base + 10, r.client_ip);
}

// Inserts `rows` with a statement of kRowsPerInsert rows, then one of a
// single row for the remainder: one statement step per 64 rows instead of
// per row (measured: see docs/PERFORMANCE.md, "serve").
//
// Rows go in time order: the time indexes then grow at a few places instead
// of at as many places as the batch has distinct times (a batch from many
// dynos interleaves them). Measured 1.6x on a batch of 100 repeating times.
template <typename Row, typename Bind>
bool insert_all(const std::vector<Row>& rows, sqlite3_stmt* many, sqlite3_stmt* one, int columns, Bind bind) {
  std::vector<uint32_t> order(rows.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return rows[a].time_us < rows[b].time_us; });
  size_t i = 0;
  for (; i + SqliteStore::kRowsPerInsert <= rows.size(); i += SqliteStore::kRowsPerInsert) {
    StatementReset reset{many};
    for (size_t k = 0; k < SqliteStore::kRowsPerInsert; ++k) {
      bind(many, static_cast<int>(k) * columns, rows[order[i + k]]);
    }
    if (sqlite3_step(many) != SQLITE_DONE) return false;
  }
  for (; i < rows.size(); ++i) {
    StatementReset reset{one};
    bind(one, 0, rows[order[i]]);
    if (sqlite3_step(one) != SQLITE_DONE) return false;
  }
  return true;
}

}  // namespace

absl::Status SqliteStore::prepare_writes() {
  auto prep = [&](const std::string& sql, SqliteStatement& out) {
    return out.prepare(db_, sql.c_str(), true);
  };
  if (!prep(multi_insert(kEventInsert, kEventValues, 1), insert_event_) ||
      !prep(multi_insert(kEventInsert, kEventValues, kRowsPerInsert), insert_events_) ||
      !prep(multi_insert(kRequestInsert, kRequestValues, 1), insert_request_) ||
      !prep(multi_insert(kRequestInsert, kRequestValues, kRowsPerInsert), insert_requests_) ||
      !prep("INSERT INTO metric_snapshots(time_us, metrics) VALUES(?,?)", insert_snapshot_) ||
      !prep("INSERT OR IGNORE INTO delivered(key, time_us) VALUES(?,?)", insert_key_)) {
    return error("prepare");
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::write(const RowBatch& rows) {
  if (auto st = exec("BEGIN"); !st.ok()) return st;
  auto fail = [&](std::string_view what) {
    absl::Status st = error(what);
    exec("ROLLBACK").IgnoreError();
    return st;
  };
  if (!insert_all(rows.events, insert_events_.get(), insert_event_.get(), kEventColumns,
                  bind_event)) {
    return fail("insert event");
  }
  if (!insert_all(rows.requests, insert_requests_.get(), insert_request_.get(), kRequestColumns,
                  bind_request)) {
    return fail("insert request");
  }
  // The requests' keys, in the same transaction: committed with their rows
  // or not at all.
  const int64_t now_us = core::unix_now_us();
  for (const core::AckPtr& ack : rows.acks) {
    if (ack->key().empty()) continue;
    sqlite3_stmt* k = insert_key_.get();
    StatementReset reset{k};
    bind_text(k, 1, ack->key());
    sqlite3_bind_int64(k, 2, now_us);
    if (sqlite3_step(k) != SQLITE_DONE) return fail("insert key");
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return fail("commit");
  return absl::OkStatus();
}

absl::Status SqliteStore::write_snapshot(int64_t time_us, std::string_view metrics_json) {
  sqlite3_stmt* s = insert_snapshot_.get();
  StatementReset reset{s};
  sqlite3_bind_int64(s, 1, time_us);
  sqlite3_bind_text(s, 2, metrics_json.data(), static_cast<int>(metrics_json.size()),
                    SQLITE_STATIC);
  if (sqlite3_step(s) != SQLITE_DONE) return error("insert snapshot");
  return absl::OkStatus();
}

absl::Status SqliteStore::delete_before(int64_t cutoff_us) {
  for (const char* table : {"events", "http_requests", "metric_snapshots"}) {
    SqliteStatement s;
    const std::string sql = fmt::format("DELETE FROM {} WHERE time_us < ?", table);
    if (!s.prepare(db_, sql.c_str(), false)) return error("prepare delete");
    sqlite3_bind_int64(s.get(), 1, cutoff_us);
    if (sqlite3_step(s.get()) != SQLITE_DONE) return error("delete");
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::delete_keys_before(int64_t cutoff_us) {
  SqliteStatement s;
  if (!s.prepare(db_, "DELETE FROM delivered WHERE time_us < ?", false))
    return error("prepare delete keys");
  sqlite3_bind_int64(s.get(), 1, cutoff_us);
  if (sqlite3_step(s.get()) != SQLITE_DONE) return error("delete keys");
  return absl::OkStatus();
}

absl::StatusOr<bool> SqliteStore::was_delivered(std::string_view key) {
  std::lock_guard lock(ledger_mutex_);
  if (!find_key_ && !find_key_.prepare(db_, "SELECT 1 FROM delivered WHERE key = ?", true)) {
    return error("prepare key lookup");
  }
  sqlite3_stmt* s = find_key_.get();
  StatementReset reset{s};
  sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error("key lookup");
}

std::string SqliteStore::describe() {
  auto scalar = [&](const char* sql) -> int64_t {
    SqliteStatement s;
    if (!s.prepare(db_, sql, false) || sqlite3_step(s.get()) != SQLITE_ROW) return -1;
    return sqlite3_column_type(s.get(), 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(s.get(), 0);
  };
  // Indexed look-ups only: a start must not scan a large file.
  const int64_t version = scalar("SELECT max(version) FROM schema_version");
  const int64_t last_id = scalar("SELECT max(id) FROM events");
  const int64_t last_us = scalar("SELECT time_us FROM events ORDER BY id DESC LIMIT 1");
  const int64_t keys = scalar("SELECT count(*) FROM delivered");
  if (last_id <= 0) return fmt::format("schema {}, no events yet, {} idempotency keys", version, keys);
  return fmt::format("schema {}, events up to id {} (the last at {}), {} idempotency keys", version, last_id,
                     parse::format_rfc3339(last_us), keys);
}

absl::StatusOr<int64_t> SqliteStore::count(std::string_view table) {
  if (table != "events" && table != "http_requests" && table != "metric_snapshots" &&
      table != "delivered") {
    return absl::InvalidArgumentError("unknown table");
  }
  SqliteStatement s;
  const std::string sql = fmt::format("SELECT count(*) FROM {}", table);
  if (!s.prepare(db_, sql.c_str(), false)) return error("prepare count");
  int64_t n = -1;
  if (sqlite3_step(s.get()) == SQLITE_ROW) n = sqlite3_column_int64(s.get(), 0);
  if (n < 0) return error("count");
  return n;
}

absl::StatusOr<EventPage> SqliteStore::query_events(const EventQuery& q) {
  // Every user value is a bound parameter; only the shape of the SQL varies.
  std::string sql =
      "SELECT id, time_us, received_us, level, service, host, dyno, format, message, fields FROM events WHERE 1";
  if (!q.level.empty()) sql += " AND level = ?1";
  if (!q.service.empty()) sql += " AND service = ?2";
  if (q.since_us) sql += " AND time_us >= ?3";
  if (q.until_us) sql += " AND time_us < ?4";
  if (!q.text.empty()) sql += " AND instr(message, ?5) > 0";
  if (q.cursor) sql += " AND id < ?6";
  sql += " ORDER BY id DESC LIMIT ?7";
  SqliteStatement stmt;
  if (!stmt.prepare(db_, sql.c_str(), false)) return error("prepare query");
  sqlite3_stmt* s = stmt.get();
  if (!q.level.empty()) bind_text(s, 1, q.level);
  if (!q.service.empty()) bind_text(s, 2, q.service);
  if (q.since_us) sqlite3_bind_int64(s, 3, *q.since_us);
  if (q.until_us) sqlite3_bind_int64(s, 4, *q.until_us);
  if (!q.text.empty()) bind_text(s, 5, q.text);
  if (q.cursor) sqlite3_bind_int64(s, 6, *q.cursor);
  sqlite3_bind_int64(s, 7, static_cast<int64_t>(q.limit));

  auto nullable = [&](int col) -> std::optional<std::string> {
    if (sqlite3_column_type(s, col) == SQLITE_NULL) return std::nullopt;
    return std::string(column_text(s, col));
  };
  EventPage page;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    StoredEvent& e = page.events.emplace_back();
    e.id = sqlite3_column_int64(s, 0);
    e.time_us = sqlite3_column_int64(s, 1);
    e.received_us = sqlite3_column_int64(s, 2);
    e.level = column_text(s, 3);
    e.service = nullable(4);
    e.host = nullable(5);
    e.dyno = nullable(6);
    e.format = column_text(s, 7);
    e.message = column_text(s, 8);
    e.fields = nullable(9);
    if (e.fields && e.fields->empty()) e.fields.reset();
  }
  if (rc != SQLITE_DONE) return error("query");
  if (page.events.size() == q.limit && !page.events.empty())
    page.next_cursor = page.events.back().id;
  return page;
}

}  // namespace logstreamer::sinks
