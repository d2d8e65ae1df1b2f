#include "sinks/event_rows.h"

#include <charconv>

#include <fmt/format.h>

#include "parse/logfmt.h"
#include "text/json_escape.h"

namespace logstreamer::sinks {
namespace {

// "<PRI>1 TIMESTAMP HOST APP PROCID ..." -> HOST, APP, PROCID (or empty).
struct SyslogHeader {
  std::string_view host, app, procid;
};

bool next_token(std::string_view line, size_t& pos, std::string_view& out) {
  if (pos >= line.size()) return false;
  const size_t end = line.find(' ', pos);
  out = line.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
  pos = end == std::string_view::npos ? line.size() : end + 1;
  return true;
}

SyslogHeader syslog_header(std::string_view line) {
  SyslogHeader h;
  const size_t close = line.find('>');
  if (line.empty() || line[0] != '<' || close == std::string_view::npos || close > 4) return h;
  size_t pos = close + 1;
  std::string_view version, ts, host, app, procid;
  if (!next_token(line, pos, version) || !next_token(line, pos, ts) || !next_token(line, pos, host) ||
      !next_token(line, pos, app) || !next_token(line, pos, procid)) {
    return h;
  }
  auto dash = [](std::string_view v) { return v == "-" ? std::string_view{} : v; };
  h.host = dash(host);
  h.app = dash(app);
  h.procid = dash(procid);
  return h;
}

double ms_value(std::string_view v) {
  if (v.size() > 2 && v.substr(v.size() - 2) == "ms") v.remove_suffix(2);
  double out = -1;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && p == v.data() + v.size() ? out : -1;
}

int64_t int_value(std::string_view v) {
  int64_t out = -1;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && p == v.data() + v.size() ? out : -1;
}

std::string_view unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
  return v;
}

}  // namespace

// A part's share of its round's summary, roughly (the message text is the
// consumer's, counted there).
constexpr size_t kClaimPartBytes = 2 * 1024;

size_t RowBatch::approx_bytes() const {
  size_t n = 0;
  for (const EventRow& e : events) {
    n += sizeof(EventRow) + e.service.size() + e.host.size() + e.dyno.size() + e.message.size() + e.fields.size();
  }
  n += parts.size() * kClaimPartBytes;
  for (const RequestRow& r : requests) {
    n += sizeof(RequestRow) + r.method.size() + r.path.size() + r.dyno.size() + r.request_id.size() +
         r.client_ip.size();
  }
  return n;
}

void append_rows(std::string_view line, const parse::LogRecord& rec, int64_t received_us, RowBatch& out) {
  EventRow e;
  e.time_us = rec.has_time ? rec.unix_us : received_us;
  e.received_us = received_us;
  e.level = rec.level;
  e.format = rec.format;
  e.service.assign(rec.service);
  e.message.assign(rec.message);
  const SyslogHeader sh = syslog_header(line);
  e.host.assign(sh.host);
  if (rec.http.present && !rec.http.dyno.empty()) {
    e.dyno.assign(rec.http.dyno);
  } else if (sh.app == "app" || sh.app == "heroku") {
    e.dyno.assign(sh.procid);  // Heroku: the process is the dyno ("web.1")
  }

  // The pairs of a logfmt text: a logfmt line, or a Heroku router message.
  std::string_view logfmt_text;
  if (rec.format == parse::Format::kLogfmt) {
    logfmt_text = line;
  } else if (rec.http.present && (rec.format == parse::Format::kSyslog5424 || rec.format == parse::Format::kHeroku)) {
    logfmt_text = line.substr(line.find("at=") == std::string_view::npos ? line.size() : line.find("at="));
  }
  // A Heroku router line is a request: its row in http_requests holds all of
  // it. It is an event too only when something went wrong (a warning or
  // error level, a 5xx, an H-code), so that failures show in /api/events
  // without storing every successful request twice.
  const bool router = rec.http.present && rec.service == "router" &&
                      (rec.format == parse::Format::kSyslog5424 || rec.format == parse::Format::kHeroku);
  const bool store_event = !router || rec.level >= parse::Level::kWarn || rec.http.status >= 500 ||
                           !rec.http.error_code.empty();
  RequestRow* req = nullptr;
  if (rec.http.present) {
    req = &out.requests.emplace_back();
    req->time_us = e.time_us;
    req->method.assign(rec.http.method);
    req->path.assign(rec.http.path);
    req->status = rec.http.status;
    if (rec.http.has_duration) req->service_ms = rec.http.duration_ms;
    if (rec.http.has_bytes) req->bytes = static_cast<int64_t>(rec.http.bytes);
    req->dyno.assign(rec.http.dyno);
  }
  if (rec.format == parse::Format::kJson) {
    e.fields.assign(line);
  } else if (!logfmt_text.empty() && !store_event) {
    // Only the request's columns are wanted.
    parse::LogfmtScanner scan(logfmt_text);
    std::string_view key, value;
    while (req != nullptr && scan.next(key, value)) {
      const std::string_view v = unquote(value);
      if (key == "connect") req->connect_ms = ms_value(v);
      else if (key == "request_id") req->request_id.assign(v);
      else if (key == "fwd") req->client_ip.assign(v.substr(0, v.find(',')));
    }
  } else if (!logfmt_text.empty()) {
    fmt::memory_buffer json;
    json.push_back('{');
    parse::LogfmtScanner scan(logfmt_text);
    std::string_view key, value;
    bool first = true;
    while (scan.next(key, value)) {
      if (!first) json.push_back(',');
      first = false;
      text::append_json_string(json, key);
      json.push_back(':');
      text::append_json_string(json, unquote(value));
      if (req != nullptr) {
        const std::string_view v = unquote(value);
        if (key == "connect") req->connect_ms = ms_value(v);
        else if (key == "service" && rec.format != parse::Format::kLogfmt) req->service_ms = ms_value(v);
        else if (key == "request_id") req->request_id.assign(v);
        else if (key == "fwd") req->client_ip.assign(v.substr(0, v.find(',')));
        else if (key == "bytes" && req->bytes < 0) req->bytes = int_value(v);
      }
    }
    json.push_back('}');
    e.fields = fmt::to_string(json);
  }
  if (store_event) out.events.push_back(std::move(e));
}

}  // namespace logstreamer::sinks
