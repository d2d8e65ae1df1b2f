#pragma once
// PgConnection: one libpq connection to PostgreSQL that reconnects by itself.
// Every call first makes sure the connection is up (connecting again if the
// server went away), so a caller that retries a failed call recovers once the
// server is back. Attempts to connect are spaced by `min_reconnect_gap`: a
// caller on a request path fails fast while the server is down instead of
// waiting for a connect per request.
//
// Not thread-safe: one owner (or the owner's lock) per connection. The URL
// holds the password; it is never logged (redacted_url() is what logs show).
#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace logstreamer::sinks {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

class PgConnection {
 public:
  // `url`: postgres://user:pass@host:port/db?sslmode=... (anything libpq takes).
  explicit PgConnection(std::string url,
                        std::chrono::milliseconds min_reconnect_gap = std::chrono::milliseconds(0));
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Connects if not connected (honouring the reconnect gap).
  absl::Status ensure_connected();
  bool connected() const;

  // A statement without parameters; `what` names it in errors.
  absl::StatusOr<PgResult> exec(std::string_view sql, std::string_view what);
  // With text parameters ($1, $2, ...); a null `values` entry is SQL NULL.
  absl::StatusOr<PgResult> exec_params(const std::string& sql,
                                       const std::vector<const char*>& values,
                                       std::string_view what);
  // COPY ... FROM STDIN with `data` in COPY's text format, in one call.
  absl::Status copy_in(const std::string& copy_sql, std::string_view data, std::string_view what);

  // The URL without its password, for logs.
  static std::string redacted_url(std::string_view url);
  // SQLSTATE of the last failed statement ("" when none or not known).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  absl::Status fail(std::string_view what, const PGresult* r);

  std::string url_;
  std::chrono::milliseconds min_gap_;
  PGconn* conn_ = nullptr;
  std::chrono::steady_clock::time_point last_attempt_{};
  std::string last_sqlstate_;
};

}  // namespace logstreamer::sinks
