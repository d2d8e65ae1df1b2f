#pragma once
// SqliteStatement: owns a prepared sqlite3_stmt and finalizes it, so no
// error branch can leak one. StatementReset resets a reused statement (and
// its bindings) when a scope ends, whatever path leaves it.
//
// Not thread-safe (neither is the connection it belongs to); movable, not
// copyable. Must not outlive its connection.
#include <sqlite3.h>

#include <memory>

namespace logstreamer::sinks {

struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class SqliteStatement {
 public:
  SqliteStatement() = default;
  explicit SqliteStatement(sqlite3_stmt* s) : stmt_(s) {}

  sqlite3_stmt* get() const { return stmt_.get(); }
  explicit operator bool() const { return stmt_ != nullptr; }

  // Prepares `sql` on `db` (persistent: kept for many uses); false on error,
  // with the connection's sqlite3_errmsg() saying why.
  bool prepare(sqlite3* db, const char* sql, bool persistent) {
    sqlite3_stmt* s = nullptr;
    const int rc =
        sqlite3_prepare_v3(db, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &s, nullptr);
    stmt_.reset(s);
    return rc == SQLITE_OK;
  }

 private:
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt_;
};

struct StatementReset {
  sqlite3_stmt* s;
  ~StatementReset() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

}  // namespace logstreamer::sinks
