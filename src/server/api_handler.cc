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

constexpr std::array<std::string_view, 6> kClassNames = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
constexpr std::array<std::string_view, static_cast<size_t>(Endpoint::kCount)> kEndpointNames = {
    "logdrains", "ingest", "metrics", "api", "stream", "health", "dashboard", "other"};

// One shared DOM parser per I/O thread validates NDJSON lines at the edge.
simdjson::dom::parser& ndjson_validator() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

void window_json(JsonWriter& w, const aggregate::WindowSlot& s, int64_t seconds, const AlertRules& rules,
                 size_t top_n) {
  const double secs = static_cast<double>(seconds);
  w.begin_object();
  w.field("seconds", seconds);
  w.field("lines", s.lines);
  w.field("lines_per_second", static_cast<double>(s.lines) / secs);
  w.field("malformed", s.malformed);
  w.key("levels").begin_object();
  for (size_t i = 0; i < parse::kLevelCount; ++i) w.field(parse::kLevelNames[i], s.levels[i]);
  w.end_object();
  w.field("requests", s.requests);
  w.field("requests_per_second", static_cast<double>(s.requests) / secs);
  const double req = static_cast<double>(s.requests);
  w.field("success_rate", s.requests ? static_cast<double>(s.status_classes[2] + s.status_classes[3]) / req : 0.0);
  w.field("error_rate", s.requests ? static_cast<double>(s.errors) / req : 0.0);
  w.field("errors", s.errors);
  w.key("response_ms").begin_object();
  w.field("count", s.response_ms.count());
  w.field("avg", s.response_ms.mean());
  w.field("p50", s.response_ms.quantile(0.50));
  w.field("p95", s.response_ms.quantile(0.95));
  w.field("p99", s.response_ms.quantile(0.99));
  w.field("max", s.response_ms.max());
  w.end_object();
  w.field("slow_requests", s.slow);
  w.key("status_classes").begin_object();
  for (size_t i = 1; i < 6; ++i) w.field(kClassNames[i], s.status_classes[i]);
  w.field("unknown", s.status_classes[0]);
  w.end_object();
  w.key("methods").begin_object();
  for (const auto& [m, n] : s.methods.sorted()) w.field(m, n);
  w.end_object();
  w.key("top_endpoints").begin_array();
  for (const auto& [path, n] : s.paths.sorted(top_n)) {
    w.begin_object().field("path", path).field("requests", n).end_object();
  }
  w.end_array();
  std::vector<std::pair<std::string, const aggregate::DynoWindow*>> dynos;
  for (const auto& [name, d] : s.dynos) dynos.emplace_back(name, &d);
  std::sort(dynos.begin(), dynos.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  w.key("dynos").begin_array();
  for (const auto& [name, d] : dynos) {
    const double er = d->requests ? static_cast<double>(d->errors) / static_cast<double>(d->requests) : 0;
    const double p95 = d->response_ms.quantile(0.95);
    const char* status = (er > rules.error_rate_critical || p95 > rules.p95_critical_ms)  ? "critical"
                         : (er > rules.error_rate_warning || p95 > rules.p95_warning_ms) ? "warning"
                                                                                         : "healthy";
    w.begin_object()
        .field("dyno", name)
        .field("requests", d->requests)
        .field("errors", d->errors)
        .field("error_rate", er)
        .field("p50_ms", d->response_ms.quantile(0.5))
        .field("p95_ms", p95)
        .field("status", status)
        .end_object();
  }
  w.end_array();
  w.end_object();
}

void alert_json(JsonWriter& w, const Alert& a) {
  w.begin_object()
      .field("name", a.name)
      .field("severity", a.severity)
      .field("value", a.value)
      .field("threshold", a.threshold)
      .field("raised", parse::format_rfc3339(a.raised_us, 0));
  if (a.resolved_us != 0) {
    w.field("resolved", parse::format_rfc3339(a.resolved_us, 0));
  } else {
    w.key("resolved").null();
  }
  w.end_object();
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

std::string ApiHandler::stats_json() const {
  const int64_t now = core::unix_now_us();
  const int64_t now_s = now / 1000000;
  const auto& windows = deps_.pipeline->windows();
  const AlertRules& rules = deps_.alerts->rules();
  JsonWriter w;
  w.begin_object();
  w.field("time", parse::format_rfc3339(now, 3));
  w.field("uptime_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  w.key("windows").begin_object();
  for (const auto& [name, seconds] : {std::pair{"1m", 60}, std::pair{"5m", 300}, std::pair{"60m", 3600}}) {
    // A window shorter than the uptime is divided by the uptime, so the
    // rate of a server up for 10 s is not diluted over a minute.
    const int64_t effective = std::clamp<int64_t>(now_s - started_unix_s_ + 1, 1, seconds);
    w.key(name);
    window_json(w, windows.window(now_s, seconds), effective, rules, options_.top_n);
  }
  w.end_object();

  const auto& c = deps_.pipeline->counters();
  const core::QueueStats qs = deps_.pipeline->queue_stats();
  uint64_t accepted = 0, rejected = 0, dropped = 0, malformed = 0;
  for (size_t i = 0; i < engine::kIngestSourceCount; ++i) {
    accepted += c.accepted_lines[i].load();
    rejected += c.rejected_lines[i].load();
    dropped += c.dropped_lines[i].load();
  }
  for (const auto& m : c.malformed_by_reason) malformed += m.load();
  w.key("pipeline").begin_object();
  w.field("queue_usage", deps_.pipeline->queue_usage());
  w.field("queue_lines", static_cast<uint64_t>(qs.bytes));
  w.field("queue_capacity_lines", static_cast<uint64_t>(deps_.pipeline->queue_capacity_lines()));
  w.field("workers", static_cast<uint64_t>(deps_.pipeline->workers()));
  w.field("min_workers", static_cast<uint64_t>(deps_.pipeline->options().workers.min_workers));
  w.field("max_workers", static_cast<uint64_t>(deps_.pipeline->options().workers.max_workers));
  w.field("processing_rate", deps_.pipeline->processing_rate());
  w.field("backlog_lines", static_cast<uint64_t>(qs.bytes));
  w.field("accepted_lines", accepted);
  w.field("processed_lines", c.processed_lines.load());
  w.field("rejected_lines", rejected);
  w.field("dropped_lines", dropped);
  w.field("malformed_lines", malformed);
  w.key("database").begin_object();
  w.field("enabled", deps_.db != nullptr);
  if (deps_.db != nullptr) {
    w.field("healthy", deps_.db->healthy());
    w.field("rows_written", deps_.db->counters().rows_written.load());
    w.field("queued_rows", static_cast<uint64_t>(deps_.db->queued_rows()));
  }
  w.end_object();
  w.end_object();

  w.key("alerts").begin_object();
  w.key("active").begin_array();
  for (const auto& a : deps_.alerts->active()) alert_json(w, a);
  w.end_array();
  w.key("resolved").begin_array();
  for (const auto& a : deps_.alerts->resolved()) alert_json(w, a);
  w.end_array();
  w.end_object();

  // The last 15 minutes, one point per slot, for the charts.
  const auto series = windows.series(now_s, 900);
  w.key("series").begin_object();
  w.field("step_seconds", aggregate::LiveWindows::kSlotSeconds);
  auto column = [&](std::string_view name, auto get) {
    w.key(name).begin_array();
    for (const auto& s : series) w.value(get(s));
    w.end_array();
  };
  column("t", [](const aggregate::WindowSlot& s) { return s.epoch * aggregate::LiveWindows::kSlotSeconds; });
  column("lines", [](const aggregate::WindowSlot& s) { return s.lines; });
  column("requests", [](const aggregate::WindowSlot& s) { return s.requests; });
  column("errors", [](const aggregate::WindowSlot& s) { return s.errors; });
  column("p50", [](const aggregate::WindowSlot& s) { return s.response_ms.quantile(0.5); });
  column("p95", [](const aggregate::WindowSlot& s) { return s.response_ms.quantile(0.95); });
  column("p99", [](const aggregate::WindowSlot& s) { return s.response_ms.quantile(0.99); });
  w.key("levels").begin_object();
  for (size_t i = 0; i < parse::kLevelCount; ++i) {
    column(parse::kLevelNames[i], [i](const aggregate::WindowSlot& s) { return s.levels[i]; });
  }
  w.end_object();
  w.key("status_classes").begin_object();
  for (size_t i = 1; i < 6; ++i) {
    column(kClassNames[i], [i](const aggregate::WindowSlot& s) { return s.status_classes[i]; });
  }
  w.end_object();
  w.end_object();

  w.key("recent_errors").begin_array();
  for (const auto& e : windows.recent_errors()) {
    w.begin_object()
        .field("received", parse::format_rfc3339(e.received_us, 3))
        .field("level", e.level)
        .field("service", e.service)
        .field("message", e.message)
        .end_object();
  }
  w.end_array();
  w.end_object();
  return w.str();
}

std::string ApiHandler::metrics_text() const {
  PrometheusText p;
  const auto& c = deps_.pipeline->counters();
  p.family("logstreamer_ingest_lines", "counter", "Lines received over HTTP, by source and outcome.");
  for (size_t i = 0; i < engine::kIngestSourceCount; ++i) {
    const std::string_view src = engine::ingest_source_name(static_cast<engine::IngestSource>(i));
    p.sample("_total", {{"source", src}, {"outcome", "accepted"}}, static_cast<double>(c.accepted_lines[i].load()));
    p.sample("_total", {{"source", src}, {"outcome", "rejected"}}, static_cast<double>(c.rejected_lines[i].load()));
    p.sample("_total", {{"source", src}, {"outcome", "dropped"}}, static_cast<double>(c.dropped_lines[i].load()));
  }
  p.family("logstreamer_parsed_lines", "counter", "Lines parsed by the workers, by detected format.");
  for (size_t i = 0; i < parse::kFormatCount; ++i) {
    p.sample("_total", {{"format", parse::format_name(static_cast<parse::Format>(i))}},
             static_cast<double>(c.parsed_by_format[i].load()));
  }
  p.family("logstreamer_malformed_lines", "counter", "Lines that did not parse, by reason.");
  for (size_t i = 1; i < c.malformed_by_reason.size(); ++i) {
    p.sample("_total", {{"reason", parse::reason(static_cast<parse::ParseError>(i))}},
             static_cast<double>(c.malformed_by_reason[i].load()));
  }
  p.family("logstreamer_dropped_lines", "counter", "Lines lost before processing, by reason.");
  uint64_t queue_dropped = 0, queue_rejected = 0;
  for (size_t i = 0; i < engine::kIngestSourceCount; ++i) {
    queue_dropped += c.dropped_lines[i].load();
    queue_rejected += c.rejected_lines[i].load();
  }
  p.sample("_total", {{"reason", "queue_full_dropped"}}, static_cast<double>(queue_dropped));
  p.sample("_total", {{"reason", "queue_full_rejected"}}, static_cast<double>(queue_rejected));
  p.sample("_total", {{"reason", "logplex_drop_count"}}, static_cast<double>(logplex_.drop_count.load()));
  p.sample("_total", {{"reason", "logplex_lost_count"}}, static_cast<double>(logplex_.lost_count.load()));

  p.family("logstreamer_logplex_requests", "counter", "Logplex drain requests handled.");
  p.sample("_total", static_cast<double>(logplex_.requests.load()));
  p.family("logstreamer_logplex_frames", "counter", "Logplex frames accepted.");
  p.sample("_total", static_cast<double>(logplex_.frames.load()));
  p.family("logstreamer_logplex_malformed_frames", "counter", "Logplex bodies whose framing broke off.");
  p.sample("_total", static_cast<double>(logplex_.malformed_frames.load()));
  p.family("logstreamer_logplex_msg_count_mismatches", "counter",
           "Requests whose Logplex-Msg-Count differed from the frames in the body.");
  p.sample("_total", static_cast<double>(logplex_.msg_count_mismatches.load()));
  p.family("logstreamer_logplex_duplicate_requests", "counter",
           "Retried requests acknowledged without processing (same Logplex-Frame-Id).");
  p.sample("_total", static_cast<double>(logplex_.duplicates.load()));

  const core::QueueStats qs = deps_.pipeline->queue_stats();
  p.family("logstreamer_queue_lines", "gauge", "Lines waiting in the ingest queue.");
  p.sample("", static_cast<double>(qs.bytes));
  p.family("logstreamer_queue_bytes", "gauge", "Bytes of text waiting in the ingest queue.");
  p.sample("", static_cast<double>(deps_.pipeline->queued_bytes()));
  p.family("logstreamer_queue_capacity_lines", "gauge", "Capacity of the ingest queue, in lines.");
  p.sample("", static_cast<double>(deps_.pipeline->queue_capacity_lines()));
  p.family("logstreamer_queue_usage_ratio", "gauge", "Fill level of the ingest queue (0 to 1).");
  p.sample("", deps_.pipeline->queue_usage());
  p.family("logstreamer_workers", "gauge", "Parse workers running.");
  p.sample("", static_cast<double>(deps_.pipeline->workers()));
  p.family("logstreamer_processed_lines", "counter", "Lines processed by the workers.");
  p.sample("_total", static_cast<double>(c.processed_lines.load()));

  const aggregate::WindowSlot totals = deps_.pipeline->windows().totals();
  p.family("logstreamer_http_requests", "counter", "HTTP requests seen in the logs (router lines), by status class.");
  for (size_t i = 0; i < 6; ++i) {
    p.sample("_total", {{"status_class", i == 0 ? "unknown" : kClassNames[i]}},
             static_cast<double>(totals.status_classes[i]));
  }
  std::vector<std::pair<std::string, const aggregate::DynoWindow*>> dynos;
  for (const auto& [name, d] : totals.dynos) dynos.emplace_back(name, &d);
  std::sort(dynos.begin(), dynos.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  p.family("logstreamer_dyno_requests", "counter", "HTTP requests seen in the logs, by dyno.");
  for (const auto& [name, d] : dynos) p.sample("_total", {{"dyno", name}}, static_cast<double>(d->requests));
  p.family("logstreamer_dyno_errors", "counter", "HTTP requests that failed (5xx or H-code), by dyno.");
  for (const auto& [name, d] : dynos) p.sample("_total", {{"dyno", name}}, static_cast<double>(d->errors));
  p.family("logstreamer_router_response_time_seconds", "histogram",
           "Response times reported by the logs (Heroku router service= time).");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < aggregate::kResponseBucketsMs.size(); ++i) {
    cumulative += totals.response_buckets[i];
    p.sample("_bucket", {{"le", fmt::format("{}", aggregate::kResponseBucketsMs[i] / 1000)}},
             static_cast<double>(cumulative));
  }
  cumulative += totals.response_buckets.back();
  p.sample("_bucket", {{"le", "+Inf"}}, static_cast<double>(cumulative));
  p.sample("_sum", totals.response_ms.sum() / 1000);
  p.sample("_count", static_cast<double>(cumulative));

  p.family("logstreamer_http_responses", "counter", "Responses of this server, by endpoint and status class.");
  for (size_t e = 0; e < responses_.size(); ++e) {
    for (size_t k = 1; k < 6; ++k) {
      p.sample("_total", {{"endpoint", kEndpointNames[e]}, {"code", kClassNames[k]}},
               static_cast<double>(responses_[e][k].load()));
    }
  }
  if (deps_.server != nullptr) {
    const ServerCounters& s = *deps_.server;
    p.family("logstreamer_http_connections", "gauge", "Open client connections.");
    p.sample("", static_cast<double>(s.open_connections.load()));
    p.family("logstreamer_http_connections_refused", "counter", "Connections refused over the connection cap.");
    p.sample("_total", static_cast<double>(s.connections_refused.load()));
    p.family("logstreamer_http_timeouts", "counter", "Slow clients cut off by the read or idle timeout.");
    p.sample("_total", static_cast<double>(s.timeouts.load()));
  }
  if (deps_.db != nullptr) {
    const auto& d = deps_.db->counters();
    p.family("logstreamer_db_rows_written", "counter", "Rows committed to the database.");
    p.sample("_total", static_cast<double>(d.rows_written.load()));
    p.family("logstreamer_db_transactions", "counter", "Database transactions committed.");
    p.sample("_total", static_cast<double>(d.transactions.load()));
    p.family("logstreamer_db_failures", "counter", "Failed database transactions (each is retried).");
    p.sample("_total", static_cast<double>(d.failures.load()));
    p.family("logstreamer_db_queue_rows", "gauge", "Rows waiting for the database writer.");
    p.sample("", static_cast<double>(deps_.db->queued_rows()));
    p.family("logstreamer_db_queue_bytes", "gauge", "Bytes of rows waiting for the database writer.");
    p.sample("", static_cast<double>(deps_.db->queued_bytes()));
    p.family("logstreamer_db_up", "gauge", "1 while database writes succeed.");
    p.sample("", deps_.db->healthy() ? 1 : 0);
  }
  p.family("logstreamer_alerts_active", "gauge", "Alerts active now.");
  p.sample("", static_cast<double>(deps_.alerts->active().size()));

  const ProcessStats ps = read_process_stats();
  p.family("process_cpu_seconds", "counter", "Total user and system CPU time spent in seconds.");
  p.sample("_total", ps.cpu_seconds);
  p.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  p.sample("", static_cast<double>(ps.resident_bytes));
  p.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
  p.sample("", static_cast<double>(ps.virtual_bytes));
  p.family("process_open_fds", "gauge", "Number of open file descriptors.");
  p.sample("", static_cast<double>(ps.open_fds));
  p.family("process_max_fds", "gauge", "Maximum number of open file descriptors.");
  p.sample("", static_cast<double>(ps.max_fds));
  p.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
  p.sample("", ps.start_time_seconds);
  p.family("process_threads", "gauge", "Threads of the process.");
  p.sample("", static_cast<double>(ps.threads));
  return p.str();
}

}  // namespace logstreamer::server
