#include "server/api_handler.h"

#include <charconv>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <boost/beast/http.hpp>

#include "core/wall_clock.h"
#include "server/dashboard_assets.h"
#include "server/events_view.h"
#include "server/gunzip.h"
#include "server/inputs/input_list.h"
#include "server/json_writer.h"
#include "sinks/summary_json.h"

namespace logstreamer::server {
namespace http = boost::beast::http;

namespace {

boost::beast::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

ApiHandler::ApiHandler(ApiDeps deps, Credentials creds, ApiOptions options)
    : deps_(std::move(deps)),
      auth_(std::move(creds)),
      options_(options),
      limiter_(options.api_rate, options.api_burst),
      started_unix_s_(core::unix_now_us() / 1000000) {
  InputContext ctx;
  ctx.pipeline = deps_.pipeline;
  ctx.intake = deps_.intake != nullptr ? deps_.intake : deps_.pipeline;
  ctx.gate = this;
  ctx.auth = &auth_;
  ctx.max_line_bytes = options_.max_line_bytes;
  ctx.ack = AckOptions{options_.ack, options_.ack_timeout, deps_.ledger, options_.dedupe_capacity};
  inputs_ = make_http_inputs(ctx);
  build_routes();
  responses_ = std::make_unique<std::array<std::atomic<uint64_t>, 6>[]>(endpoint_labels_.size());
}

void ApiHandler::build_routes() {
  using V = http::verb;
  for (const auto& input : inputs_) {
    HttpInput* in = input.get();
    endpoint_labels_.push_back(in->label());
    routes_.push_back({in->path(), V::post, Access::kWriter, endpoint_labels_.size() - 1,
                       [in](Request& req) { return in->handle(req); }});
  }
  auto endpoint = [&](std::string_view label) {
    endpoint_labels_.push_back(label);
    return endpoint_labels_.size() - 1;
  };
  const size_t metrics = endpoint("metrics"), api = endpoint("api"), stream = endpoint("stream"),
               health = endpoint("health");
  dashboard_endpoint_ = endpoint("dashboard");
  other_endpoint_ = endpoint("other");
  auto json = [](auto f) {
    return [f](Request& req) -> Reply {
      return {json_reply(http::status::ok, f(), req.version()), std::nullopt};
    };
  };
  routes_.push_back({"/healthz", V::get, Access::kOpen, health,
                     json([] { return std::string(R"({"status":"ok"})"); })});
  routes_.push_back({"/readyz", V::get, Access::kOpen, health, [this](Request& req) -> Reply {
                       std::string why;
                       const bool ok = ready(why);
                       JsonWriter w;
                       w.begin_object().field("ready", ok);
                       if (!ok) w.field("reason", why);
                       w.end_object();
                       return {json_reply(ok ? http::status::ok : http::status::service_unavailable,
                                          w.str(), req.version()),
                               std::nullopt};
                     }});
  routes_.push_back({"/metrics", V::get, Access::kReader, metrics, [this](Request& req) -> Reply {
                       Response res{http::status::ok, req.version()};
                       res.set(http::field::content_type,
                               "text/plain; version=0.0.4; charset=utf-8");
                       res.body() = metrics_text();
                       res.prepare_payload();
                       return {std::move(res), std::nullopt};
                     }});
  routes_.push_back({"/api/summary", V::get, Access::kReader, api, [this](Request& req) -> Reply {
                       auto body = summary_json();
                       if (!body.ok()) {
                         return retry_reply(http::status::service_unavailable,
                                            std::string(body.status().message()), req.version(), 1);
                       }
                       return {json_reply(http::status::ok, *body, req.version()), std::nullopt};
                     }});
  routes_.push_back(
      {"/api/stats", V::get, Access::kReader, api, json([this] { return stats_json(); })});
  routes_.push_back(
      {"/api/events", V::get, Access::kReader, api, [this](Request& req) { return events(req); }});
  routes_.push_back({"/api/stream", V::get, Access::kReader, stream, [this](Request&) -> Reply {
                       return {Response{},
                               EventStream{options_.stream_interval, [this] {
                                             return "event: stats\ndata: " + stats_json() + "\n\n";
                                           }}};
                     }});
  routes_.push_back({"/api/", V::get, Access::kReader, api, [](Request& req) {
                       return error_reply(http::status::not_found, "no such API endpoint",
                                          req.version());
                     }});
}

Reply ApiHandler::handle(Request& req, const ClientInfo&) {
  size_t endpoint = other_endpoint_;
  Reply reply = route(req, endpoint);
  const unsigned code = reply.stream ? 200 : static_cast<unsigned>(reply.response.result_int());
  const size_t code_class = code >= 100 && code < 600 ? code / 100 : 0;
  responses_[endpoint][code_class].fetch_add(1, std::memory_order_relaxed);
  return reply;
}

Reply ApiHandler::route(Request& req, size_t& endpoint) {
  const Target t = split_target(req);
  const auto method = req.method();
  const unsigned v = req.version();
  for (const Route& r : routes_) {
    const bool prefix = r.path.back() == '/';
    if (prefix ? t.path.substr(0, r.path.size()) != r.path : t.path != r.path) continue;
    endpoint = r.endpoint;
    if (method != r.method && !(r.method == http::verb::get && method == http::verb::head)) {
      Reply reply = error_reply(http::status::method_not_allowed, "method not allowed", v);
      reply.response.set(http::field::allow, r.method == http::verb::get ? "GET, HEAD" : "POST");
      return reply;
    }
    if (r.access == Access::kReader) {
      if (auto denied = check_reader(req)) return *denied;
    } else if (r.access == Access::kWriter) {
      if (auto denied = check_writer(req)) return *denied;
      if (deps_.bus != nullptr) {
        if (auto why = deps_.bus->refuses_writes()) {
          return error_reply(http::status::service_unavailable, *why, v);
        }
      }
      if (auto busy = check_storage(v)) return *busy;
    }
    return r.run(req);
  }
  if (const Asset* asset = find_asset(t.path)) {
    endpoint = dashboard_endpoint_;
    if (method != http::verb::get && method != http::verb::head) {
      Reply reply = error_reply(http::status::method_not_allowed, "method not allowed", v);
      reply.response.set(http::field::allow, "GET, HEAD");
      return reply;
    }
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
  // On a node of a bus cluster, a 2xx means stored on the bus, which holds
  // the lines through a database outage (and pushes back once full).
  if (deps_.bus != nullptr) return std::nullopt;
  for (const sinks::Output* o : deps_.outputs) {
    if (o->durable() && !o->healthy()) {
      return retry_reply(http::status::service_unavailable, "database unavailable, retry later",
                         version, 5);
    }
  }
  return std::nullopt;
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

Reply ApiHandler::events(const Request& req) {
  const unsigned v = req.version();
  if (deps_.events == nullptr) {
    return error_reply(http::status::not_found, "no database: start serve with --db to store events", v);
  }
  auto query = event_query_from(split_target(req).query);
  if (!query.ok())
    return error_reply(http::status::bad_request, std::string(query.status().message()), v);
  absl::StatusOr<sinks::EventPage> page;
  {
    std::lock_guard lock(events_mutex_);
    page = deps_.events->query_events(*query);
  }
  if (!page.ok()) return error_reply(http::status::service_unavailable, std::string(page.status().message()), v);
  return {json_reply(http::status::ok, events_json(*page), v), std::nullopt};
}

bool ApiHandler::ready(std::string& why) const {
  std::vector<std::string> reasons;
  if (draining_.load()) reasons.emplace_back("shutting down");
  const double usage = deps_.pipeline->queue_usage();
  if (usage > deps_.pipeline->options().high_water) {
    reasons.push_back(fmt::format("queue {:.0f}% full (high-water mark {:.0f}%)", usage * 100,
                                  deps_.pipeline->options().high_water * 100));
  }
  if (deps_.bus != nullptr) {
    if (auto why = deps_.bus->not_ready()) reasons.push_back(*why);
  }
  for (const sinks::Output* o : deps_.outputs) {
    if (o->healthy()) continue;
    const std::string detail = o->last_error();
    reasons.push_back(fmt::format("{} {} unavailable{}{}{}", o->durable() ? "database" : "output",
                                  o->name(), detail.empty() ? "" : " (", detail,
                                  detail.empty() ? "" : ")"));
  }
  why = fmt::format("{}", fmt::join(reasons, "; "));
  return reasons.empty();
}

std::vector<std::string> ApiHandler::input_routes() const {
  std::vector<std::string> routes;
  for (const auto& input : inputs_) routes.push_back(fmt::format("POST {}", input->path()));
  return routes;
}

absl::StatusOr<std::string> ApiHandler::summary_json() const {
  aggregate::Summary summary;
  if (deps_.bus != nullptr) {
    // The cluster's: what every processor committed.
    auto cluster = deps_.bus->cluster_summary();
    if (!cluster.ok()) return cluster.status();
    summary = std::move(*cluster);
  } else {
    summary = deps_.pipeline->summary();
  }
  sinks::RunReport report;
  report.summary = &summary;
  report.inputs = input_routes();
  report.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  report.top_n = options_.top_n;
  report.command = "serve";
  return sinks::summary_to_json(report);
}

}  // namespace logstreamer::server
