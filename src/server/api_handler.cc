#include "server/api_handler.h"

#include <charconv>

#include <boost/beast/http.hpp>
#include <fmt/ranges.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "core/wall_clock.h"
#include "parse/timestamp.h"
#include "server/dashboard_assets.h"
#include "server/gunzip.h"
#include "server/json_writer.h"
#include "server/process_stats.h"
#include "server/prometheus_text.h"
#include "sinks/summary_json.h"
#include "sources/http/logplex_frames.h"

namespace logstreamer::server {
namespace http = boost::beast::http;

namespace {

boost::beast::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }

Response json_reply(http::status status, std::string body, unsigned version) {
  Response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  if (res.body().empty() || res.body().back() != '\n') res.body().push_back('\n');
  res.prepare_payload();
  return res;
}

Reply error_reply(http::status status, std::string_view message, unsigned version) {
  Reply r{json_error(status, message, version), std::nullopt};
  r.response.set(http::field::cache_control, "no-store");
  return r;
}

Reply retry_reply(http::status status, std::string_view message, unsigned version, int retry_after_s) {
  Reply r = error_reply(status, message, version);
  r.response.set(http::field::retry_after, std::to_string(retry_after_s));
  return r;
}

std::string_view header(const Request& req, std::string_view name) {
  auto it = req.find(bsv(name));
  return it == req.end() ? std::string_view{} : std::string_view(it->value().data(), it->value().size());
}

// Splits "path?query" and finds a query parameter (percent-decoded).
struct Target {
  std::string_view path;
  std::string_view query;
};

Target split_target(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    std::string_view raw = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        out.push_back(' ');
      } else if (raw[i] == '%' && i + 2 < raw.size() + 0 && hex_value(raw[i + 1]) >= 0 && hex_value(raw[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2])));
        i += 2;
      } else {
        out.push_back(raw[i]);
      }
    }
    return out;
  }
  return std::nullopt;
}

bool media_type_is(std::string_view content_type, std::string_view type) {
  const size_t semi = content_type.find(';');
  std::string_view base = content_type.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return boost::beast::iequals(bsv(base), bsv(type));
}

// A time parameter: RFC 3339 or Unix seconds.
std::optional<int64_t> parse_time_param(std::string_view v) {
  int64_t secs = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
  if (ec == std::errc() && p == v.data() + v.size()) return secs * 1000000;
  parse::ParsedTime t;
  if (parse::scan_timestamp(v, t) && t.length == v.size()) return t.unix_us;
  return std::nullopt;
}

size_t class_index(unsigned status) { return status >= 100 && status < 600 ? status / 100 : 0; }

// One shared DOM parser per I/O thread validates NDJSON lines at the edge.
simdjson::dom::parser& ndjson_validator() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

ApiHandler::ApiHandler(ApiDeps deps, Credentials creds, ApiOptions options)
    : deps_(deps),
      auth_(std::move(creds)),
      options_(options),
      limiter_(options.api_rate, options.api_burst),
      dedupe_(options.dedupe_capacity),
      started_unix_s_(core::unix_now_us() / 1000000) {}

Reply ApiHandler::handle(Request& req, const ClientInfo&) {
  Endpoint endpoint = Endpoint::kOther;
  Reply reply = route(req, endpoint);
  const unsigned code = reply.stream ? 200 : static_cast<unsigned>(reply.response.result_int());
  responses_[static_cast<size_t>(endpoint)][class_index(code)].fetch_add(1, std::memory_order_relaxed);
  return reply;
}

Reply ApiHandler::route(Request& req, Endpoint& endpoint) {
  const Target t = split_target(std::string_view(req.target().data(), req.target().size()));
  const auto method = req.method();
  const unsigned v = req.version();
  auto only = [&](http::verb allowed) -> std::optional<Reply> {
    if (method == allowed || (allowed == http::verb::get && method == http::verb::head)) return std::nullopt;
    Reply r = error_reply(http::status::method_not_allowed, "method not allowed", v);
    r.response.set(http::field::allow, allowed == http::verb::get ? "GET, HEAD" : "POST");
    return r;
  };

  if (t.path == "/logdrains") {
    endpoint = Endpoint::kLogdrains;
    if (auto r = only(http::verb::post)) return *r;
    return logdrains(req);
  }
  if (t.path == "/ingest") {
    endpoint = Endpoint::kIngest;
    if (auto r = only(http::verb::post)) return *r;
    return ingest(req);
  }
  if (t.path == "/healthz") {
    endpoint = Endpoint::kHealth;
    if (auto r = only(http::verb::get)) return *r;
    return {json_reply(http::status::ok, R"({"status":"ok"})", v), std::nullopt};
  }
  if (t.path == "/readyz") {
    endpoint = Endpoint::kHealth;
    if (auto r = only(http::verb::get)) return *r;
    std::string why;
    const bool ok = ready(why);
    JsonWriter w;
    w.begin_object().field("ready", ok);
    if (!ok) w.field("reason", why);
    w.end_object();
    return {json_reply(ok ? http::status::ok : http::status::service_unavailable, w.str(), v), std::nullopt};
  }
  if (t.path == "/metrics") {
    endpoint = Endpoint::kMetrics;
    if (auto r = only(http::verb::get)) return *r;
    if (auto r = check_reader(req)) return *r;
    Response res{http::status::ok, v};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = metrics_text();
    res.prepare_payload();
    return {std::move(res), std::nullopt};
  }
  if (t.path.substr(0, 5) == "/api/") {
    endpoint = t.path == "/api/stream" ? Endpoint::kStream : Endpoint::kApi;
    if (auto r = only(http::verb::get)) return *r;
    if (auto r = check_reader(req)) return *r;
    if (t.path == "/api/summary") return {json_reply(http::status::ok, summary_json(), v), std::nullopt};
    if (t.path == "/api/stats") return {json_reply(http::status::ok, stats_json(), v), std::nullopt};
    if (t.path == "/api/events") return events(req);
    if (t.path == "/api/stream") {
      Reply r{Response{}, EventStream{options_.stream_interval, [this] {
                                        return "event: stats\ndata: " + stats_json() + "\n\n";
                                      }}};
      return r;
    }
    return error_reply(http::status::not_found, "no such API endpoint", v);
  }
  if (const Asset* asset = find_asset(t.path)) {
    endpoint = Endpoint::kDashboard;
    if (auto r = only(http::verb::get)) return *r;
    Response res{http::status::ok, v};
    res.set(http::field::content_type, bsv(asset->content_type));
    res.set(http::field::cache_control, "no-cache");
    res.body().assign(asset->body);
    res.prepare_payload();
    return {std::move(res), std::nullopt};
  }
  return error_reply(http::status::not_found, "not found", v);
}

std::optional<Reply> ApiHandler::check_writer(const Request& req) {
  const AuthResult r = auth_.check_writer(header(req, "Authorization"));
  if (r == AuthResult::kAllowed) return std::nullopt;
  Reply reply = error_reply(http::status::unauthorized,
                            r == AuthResult::kMissing ? "credentials required" : "wrong credentials", req.version());
  reply.response.set(http::field::www_authenticate, R"(Basic realm="logstreamer", charset="UTF-8")");
  return reply;
}

std::optional<Reply> ApiHandler::check_storage(unsigned version) const {
  // A failing database pushes back at once: otherwise lines would pile up in
  // the writer's and the ingest queues (up to their byte bounds) while every
  // sender is told 2xx. Logplex retries a 5xx; Retry-After spaces the retries
  // out. Writes resume as soon as the writer's retry commits.
  if (deps_.db == nullptr || deps_.db->healthy()) return std::nullopt;
  return retry_reply(http::status::service_unavailable, "database unavailable, retry later",
                     version, 5);
}

std::optional<Reply> ApiHandler::check_reader(const Request& req) {
  std::string key;
  const Target t = split_target(std::string_view(req.target().data(), req.target().size()));
  const std::string query_key = query_param(t.query, "api_key").value_or("");
  const AuthResult r = auth_.check_reader(header(req, "Authorization"), header(req, "X-API-Key"), query_key, key);
  if (r != AuthResult::kAllowed) {
    Reply reply = error_reply(http::status::unauthorized,
                              r == AuthResult::kMissing ? "API key required" : "wrong API key", req.version());
    reply.response.set(http::field::www_authenticate, R"(Bearer realm="logstreamer")");
    return reply;
  }
  // The event stream is one long request: it is not rate limited.
  if (t.path == "/api/stream") return std::nullopt;
  if (const int retry = limiter_.acquire(key); retry > 0) {
    return retry_reply(http::status::too_many_requests, "rate limit exceeded", req.version(), retry);
  }
  return std::nullopt;
}

std::optional<Reply> ApiHandler::decode_body(Request& req) {
  const std::string_view encoding = header(req, "Content-Encoding");
  if (encoding.empty() || boost::beast::iequals(bsv(encoding), "identity")) return std::nullopt;
  if (!boost::beast::iequals(bsv(encoding), "gzip")) {
    return error_reply(http::status::unsupported_media_type, "unsupported Content-Encoding (gzip or identity)",
                       req.version());
  }
  std::string out;
  switch (gunzip_bounded(req.body(), options_.max_body_bytes, out)) {
    case GunzipResult::kOk:
      req.body() = std::move(out);
      return std::nullopt;
    case GunzipResult::kTooLarge:
      return error_reply(http::status::payload_too_large,
                         fmt::format("inflated body larger than {} bytes", options_.max_body_bytes), req.version());
    case GunzipResult::kCorrupt:
      break;
  }
  return error_reply(http::status::bad_request, "body is not valid gzip", req.version());
}

Reply ApiHandler::logdrains(Request& req) {
  const unsigned v = req.version();
  if (auto r = check_writer(req)) return *r;
  if (auto r = check_storage(v)) return *r;
  if (!auth_.drain_token_allowed(header(req, "Logplex-Drain-Token"))) {
    return error_reply(http::status::forbidden, "drain token not allowed", v);
  }
  if (!media_type_is(header(req, "Content-Type"), "application/logplex-1")) {
    return error_reply(http::status::unsupported_media_type, "Content-Type must be application/logplex-1", v);
  }
  if (auto r = decode_body(req)) return *r;
  logplex_.requests.fetch_add(1, std::memory_order_relaxed);

  const std::string frame_id(header(req, "Logplex-Frame-Id"));
  if (!frame_id.empty() && !dedupe_.claim(frame_id)) {
    logplex_.duplicates.fetch_add(1, std::memory_order_relaxed);
    return {json_reply(http::status::ok, R"({"accepted":0,"malformed":0,"duplicate":true})", v), std::nullopt};
  }
  auto release = [&] {
    if (!frame_id.empty()) dedupe_.release(frame_id);
  };

  auto lines = std::make_shared<std::string>();
  const sources::LogplexSplit split = sources::split_logplex(req.body(), *lines);
  const uint64_t seq = request_seq_.fetch_add(1, std::memory_order_relaxed);
  if (split.malformed > 0) {
    logplex_.malformed_frames.fetch_add(split.malformed, std::memory_order_relaxed);
    deps_.pipeline->add_malformed(engine::IngestSource::kLogdrain, seq, split.frames, parse::ParseError::kBadFraming,
                                  split.sample);
  }
  const std::string_view count_header = header(req, "Logplex-Msg-Count");
  if (!count_header.empty()) {
    uint64_t declared = 0;
    auto [p, ec] = std::from_chars(count_header.data(), count_header.data() + count_header.size(), declared);
    const uint64_t parsed = split.frames + split.malformed;
    if (ec != std::errc() || declared != parsed) {
      logplex_.msg_count_mismatches.fetch_add(1, std::memory_order_relaxed);
      // Logged at most once a second: a misbehaving sender must not flood the log.
      const int64_t now_s = core::unix_now_us() / 1000000;
      int64_t last = last_mismatch_log_.load();
      if (now_s > last && last_mismatch_log_.compare_exchange_strong(last, now_s)) {
        spdlog::warn("logplex: Logplex-Msg-Count says {}, body has {} frames (frame id '{}')", count_header, parsed,
                     frame_id);
      }
    }
  }
  for (const auto& [name, counter] : {std::pair{"Logplex-Drop-Count", &logplex_.drop_count},
                                      std::pair{"Logplex-Lost-Count", &logplex_.lost_count}}) {
    const std::string_view h = header(req, name);
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(h.data(), h.data() + h.size(), n);
    if (!h.empty() && ec == std::errc()) counter->fetch_add(n, std::memory_order_relaxed);
  }

  if (split.frames > 0) {
    engine::IngestBatch batch;
    const char* data = lines->data();
    const size_t size = lines->size();
    batch.text = core::Batch(std::shared_ptr<const void>(lines), data, size, {0, seq});
    batch.source = engine::IngestSource::kLogdrain;
    batch.lines = static_cast<uint32_t>(split.frames);
    batch.request_seq = seq;
    batch.received_us = core::unix_now_us();
    switch (deps_.pipeline->offer(std::move(batch))) {
      case core::OfferResult::kAccepted:
      case core::OfferResult::kDroppedNewest:  // the operator chose a drop policy: counted, acknowledged
        break;
      case core::OfferResult::kRejected:
        release();
        return retry_reply(http::status::too_many_requests, "queue full, retry later", v, 1);
      case core::OfferResult::kClosed:
        release();
        return retry_reply(http::status::service_unavailable, "shutting down", v, 5);
    }
  }
  logplex_.frames.fetch_add(split.frames, std::memory_order_relaxed);
  return {json_reply(http::status::ok, fmt::format(R"({{"accepted":{},"malformed":{}}})", split.frames, split.malformed),
                     v),
          std::nullopt};
}

Reply ApiHandler::ingest(Request& req) {
  const unsigned v = req.version();
  if (auto r = check_writer(req)) return *r;
  if (auto r = check_storage(v)) return *r;
  const std::string_view ct = header(req, "Content-Type");
  const bool ndjson = media_type_is(ct, "application/x-ndjson") || media_type_is(ct, "application/json");
  if (!ndjson && !media_type_is(ct, "text/plain")) {
    return error_reply(http::status::unsupported_media_type,
                       "Content-Type must be application/x-ndjson or text/plain", v);
  }
  if (auto r = decode_body(req)) return *r;
  const uint64_t seq = request_seq_.fetch_add(1, std::memory_order_relaxed);

  // Lines refused at the edge (invalid JSON for NDJSON, over-long lines) are
  // counted, sampled and left out of the batch; the rest are queued as sent.
  auto lines = std::make_shared<std::string>();
  lines->reserve(req.body().size() + 1);
  const std::string_view body = req.body();
  uint32_t accepted = 0, malformed = 0;
  size_t pos = 0, index = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    pos = nl + 1;
    const size_t line_index = index++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    parse::ParseError why = parse::ParseError::kOk;
    if (line.size() > options_.max_line_bytes) {
      why = parse::ParseError::kLineTooLong;
    } else if (ndjson) {
      simdjson::dom::element doc;
      if (ndjson_validator().parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
        why = parse::ParseError::kInvalidJson;
      }
    }
    if (why != parse::ParseError::kOk) {
      ++malformed;
      deps_.pipeline->add_malformed(engine::IngestSource::kIngest, seq, line_index, why, line);
      continue;
    }
    lines->append(line);
    lines->push_back('\n');
    ++accepted;
  }
  ingest_malformed_.fetch_add(malformed, std::memory_order_relaxed);
  if (accepted > 0) {
    engine::IngestBatch batch;
    const char* data = lines->data();
    const size_t size = lines->size();
    batch.text = core::Batch(std::shared_ptr<const void>(lines), data, size, {1, seq});
    batch.source = engine::IngestSource::kIngest;
    batch.lines = accepted;
    batch.request_seq = seq;
    batch.received_us = core::unix_now_us();
    switch (deps_.pipeline->offer(std::move(batch))) {
      case core::OfferResult::kAccepted:
      case core::OfferResult::kDroppedNewest:
        break;
      case core::OfferResult::kRejected:
        return retry_reply(http::status::too_many_requests, "queue full, retry later", v, 1);
      case core::OfferResult::kClosed:
        return retry_reply(http::status::service_unavailable, "shutting down", v, 5);
    }
  }
  return {json_reply(http::status::accepted, fmt::format(R"({{"accepted":{},"malformed":{}}})", accepted, malformed), v),
          std::nullopt};
}

Reply ApiHandler::events(const Request& req) {
  const unsigned v = req.version();
  if (deps_.reader == nullptr) {
    return error_reply(http::status::not_found, "no database: start serve with --db to store events", v);
  }
  const Target t = split_target(std::string_view(req.target().data(), req.target().size()));
  sinks::EventQuery q;
  if (auto level = query_param(t.query, "level")) {
    const auto l = parse::parse_level(*level);
    if (!l) return error_reply(http::status::bad_request, fmt::format("level: unknown level '{}'", *level), v);
    q.level = std::string(parse::level_name(*l));
  }
  q.service = query_param(t.query, "service").value_or("");
  q.text = query_param(t.query, "q").value_or("");
  for (const auto& [name, slot] : {std::pair{"since", &q.since_us}, std::pair{"until", &q.until_us}}) {
    if (auto s = query_param(t.query, name)) {
      *slot = parse_time_param(*s);
      if (!*slot) {
        return error_reply(http::status::bad_request, fmt::format("{}: not RFC 3339 or Unix seconds: '{}'", name, *s),
                           v);
      }
    }
  }
  if (auto s = query_param(t.query, "limit")) {
    size_t limit = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), limit);
    if (ec != std::errc() || p != s->data() + s->size() || limit == 0 || limit > 1000) {
      return error_reply(http::status::bad_request, "limit: a number from 1 to 1000", v);
    }
    q.limit = limit;
  }
  if (auto s = query_param(t.query, "cursor")) {
    int64_t cursor = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), cursor);
    if (ec != std::errc() || p != s->data() + s->size() || cursor <= 0) {
      return error_reply(http::status::bad_request, "cursor: use the next_cursor of the previous page", v);
    }
    q.cursor = cursor;
  }
  absl::StatusOr<sinks::EventPage> page;
  {
    std::lock_guard lock(reader_mutex_);
    page = deps_.reader->query_events(q);
  }
  if (!page.ok()) return error_reply(http::status::service_unavailable, std::string(page.status().message()), v);
  JsonWriter w;
  w.begin_object().key("events").raw(page->items_json).field("count", page->count);
  if (page->next_cursor) {
    w.field("next_cursor", *page->next_cursor);
  } else {
    w.key("next_cursor").null();
  }
  w.end_object();
  return {json_reply(http::status::ok, w.str(), v), std::nullopt};
}

bool ApiHandler::ready(std::string& why) const {
  std::vector<std::string> reasons;
  if (draining_.load()) reasons.emplace_back("shutting down");
  const double usage = deps_.pipeline->queue_usage();
  if (usage > deps_.pipeline->options().high_water) {
    reasons.push_back(fmt::format("queue {:.0f}% full (high-water mark {:.0f}%)", usage * 100,
                                  deps_.pipeline->options().high_water * 100));
  }
  if (deps_.db != nullptr && !deps_.db->healthy()) reasons.emplace_back("database unavailable");
  why = fmt::format("{}", fmt::join(reasons, "; "));
  return reasons.empty();
}

std::string ApiHandler::summary_json() const {
  aggregate::Summary summary = deps_.pipeline->summary();
  sinks::RunReport report;
  report.summary = &summary;
  report.inputs = {"POST /logdrains", "POST /ingest"};
  report.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  report.top_n = options_.top_n;
  report.command = "serve";
  return sinks::summary_to_json(report);
}

}  // namespace logstreamer::server
