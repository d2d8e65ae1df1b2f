#include "sinks/pg_connection.h"

#include <fmt/format.h>

namespace logstreamer::sinks {
namespace {

// libpq's messages end with a newline (and sometimes carry several lines).
std::string one_line(const char* msg) {
  std::string s = msg != nullptr ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::string out;
  for (const char c : s) {
    const bool space = c == '\n' || c == '\t' || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  return out;
}

}  // namespace

PgConnection::PgConnection(std::string url, std::chrono::milliseconds min_reconnect_gap)
    : url_(std::move(url)), min_gap_(min_reconnect_gap) {}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool PgConnection::connected() const {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

absl::Status PgConnection::ensure_connected() {
  if (connected()) return absl::OkStatus();
  const auto now = std::chrono::steady_clock::now();
  if (conn_ != nullptr && now < last_attempt_ + min_gap_) {
    return absl::UnavailableError("postgres: not connected (reconnecting)");
  }
  last_attempt_ = now;
  if (conn_ != nullptr) PQfinish(conn_);
  // connect_timeout: a server that does not answer counts as down after 5 s
  // (libpq waits forever by default), unless the URL says otherwise.
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url_.c_str(), "5", "logstreamer", nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return absl::UnavailableError(fmt::format("postgres: cannot connect to {}: {}",
                                              redacted_url(url_), one_line(PQerrorMessage(conn_))));
  }
  return absl::OkStatus();
}

absl::Status PgConnection::fail(std::string_view what, const PGresult* r) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  const char* msg = r != nullptr ? PQresultErrorMessage(r) : nullptr;
  if (msg == nullptr || *msg == '\0') msg = PQerrorMessage(conn_);
  return absl::UnavailableError(fmt::format("postgres: {}: {}", what, one_line(msg)));
}

absl::StatusOr<PgResult> PgConnection::exec(std::string_view sql, std::string_view what) {
  if (auto st = ensure_connected(); !st.ok()) return st;
  PgResult r(PQexec(conn_, std::string(sql).c_str()));
  const ExecStatusType s = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return fail(what, r.get());
  return r;
}

absl::StatusOr<PgResult> PgConnection::exec_params(const std::string& sql,
                                                   const std::vector<const char*>& values,
                                                   std::string_view what) {
  if (auto st = ensure_connected(); !st.ok()) return st;
  PgResult r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                          values.data(), nullptr, nullptr, 0));
  const ExecStatusType s = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return fail(what, r.get());
  return r;
}

absl::Status PgConnection::copy_in(const std::string& copy_sql, std::string_view data,
                                   std::string_view what) {
  if (auto st = ensure_connected(); !st.ok()) return st;
  PgResult start(PQexec(conn_, copy_sql.c_str()));
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) return fail(what, start.get());
  // libpq buffers and sends; large pieces keep the calls few.
  constexpr size_t kPiece = 1 << 20;
  bool sent = true;
  for (size_t off = 0; off < data.size() && sent; off += kPiece) {
    const size_t n = std::min(kPiece, data.size() - off);
    sent = PQputCopyData(conn_, data.data() + off, static_cast<int>(n)) == 1;
  }
  const bool ended = PQputCopyEnd(conn_, sent ? nullptr : "logstreamer: send failed") == 1;
  // The COPY's own result, then the end of results.
  absl::Status st = absl::OkStatus();
  while (PGresult* raw = PQgetResult(conn_)) {
    PgResult r(raw);
    if (PQresultStatus(raw) != PGRES_COMMAND_OK && st.ok()) st = fail(what, raw);
  }
  if (st.ok() && (!sent || !ended)) st = fail(what, nullptr);
  return st;
}

std::string PgConnection::redacted_url(std::string_view url) {
  std::string out(url);
  // scheme://user:password@host... -> scheme://user:***@host...
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t at = out.find('@', scheme + 3);
    const size_t colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // ...?password=secret&... -> ...?password=***&...
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p > 0 && out[p - 1] != '?' && out[p - 1] != '&' && out[p - 1] != ' ') continue;
    const size_t end = out.find_first_of("& ", p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  return out;
}

}  // namespace logstreamer::sinks
