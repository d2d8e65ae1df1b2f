#include "engine/synthetic_lines.h"

#include <array>
#include <iterator>
#include <string_view>

#include "parse/timestamp.h"

namespace logstreamer::engine {
namespace {

constexpr std::array<std::string_view, 12> kServices = {
    "auth-service",  "payment-service", "api-gateway",  "user-service",
    "order-service", "inventory",       "notification", "search-service",
    "cache-service", "billing",         "scheduler",    "web"};

// {} placeholders are filled with numbers or ids in append_message.
constexpr std::array<std::string_view, 20> kMessages = {
    "User {} logged in",
    "User {} logged out after {} minutes",
    "GET /api/v1/orders/{} completed in {}ms",
    "POST /api/v1/payments returned {} in {}ms",
    "Payment {} failed: card declined",
    "Cache miss for key user:{}",
    "Connection pool exhausted, {} waiters",
    "Retrying request {} (attempt {})",
    "Order {} shipped to warehouse {}",
    "Slow query took {}ms on table orders",
    "Session {} expired",
    "Health check ok",
    "Scheduled job cleanup finished, {} rows deleted",
    "Token refresh for client {} succeeded",
    "Disk usage at {} percent",
    "Request {} timed out after {}ms",
    "Request {} completed: method=GET path=/api/v1/items/{} status=200 duration={}ms",
    "Background job {} processed {} records from queue order-events",
    "Rate limit exceeded for api key {}, retry after {} seconds",
    "Config reloaded from /etc/app/settings.yaml, {} keys changed",
};

constexpr std::array<std::string_view, 6> kAliasSpellings = {"warning", "err",   "Crit",
                                                             "info",    "Debug", "notice"};

}  // namespace

SyntheticLines::SyntheticLines(const SyntheticOptions& options)
    : options_(options), state_(options.seed), now_us_(options.start_unix_s * 1'000'000) {}

parse::Level SyntheticLines::pick_level() {
  const uint64_t r = uniform(1000);
  if (r < 700) return parse::Level::kInfo;
  if (r < 800) return parse::Level::kDebug;
  if (r < 900) return parse::Level::kWarn;
  if (r < 970) return parse::Level::kError;
  if (r < 990) return parse::Level::kTrace;
  return parse::Level::kFatal;
}

void SyntheticLines::append_message(fmt::memory_buffer& out) {
  const std::string_view tmpl = kMessages[uniform(kMessages.size())];
  size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] == '{' && i + 1 < tmpl.size() && tmpl[i + 1] == '}') {
      if (uniform(4) == 0) {
        fmt::format_to(std::back_inserter(out), "{:08x}", static_cast<uint32_t>(next_random()));
      } else {
        fmt::format_to(std::back_inserter(out), "{}", uniform(100000));
      }
      i += 2;
    } else {
      out.push_back(tmpl[i++]);
    }
  }
}

void SyntheticLines::append_malformed(fmt::memory_buffer& out) {
  static constexpr std::array<std::string_view, 4> kBad = {
      "this line has no level or timestamp", "INFO not-a-timestamp auth-service oops",
      "2024-13-45T99:00:00Z INFO web bad date", "VERBOSE 2024-01-20T10:00:00Z web unknown level"};
  out.append(kBad[uniform(kBad.size())]);
  out.push_back('\n');
}

std::string_view SyntheticLines::pick_service() { return kServices[uniform(kServices.size())]; }

void SyntheticLines::advance_time() { now_us_ += static_cast<int64_t>(uniform(2000)); }

int SyntheticLines::pick_status() {
  const uint64_t r = uniform(100);
  if (r < 80) return 200;
  if (r < 85) return 304;
  if (r < 93) return 404;
  if (r < 96) return 401;
  if (r < 99) return 500;
  return 503;
}

void SyntheticLines::append_mixed(fmt::memory_buffer& out) {
  append(static_cast<parse::Format>(uniform(parse::kFormatCount)), out);
}

void SyntheticLines::append(parse::Format format, fmt::memory_buffer& out) {
  if (format == parse::Format::kPlain) {
    append_plain(out);
    return;
  }
  advance_time();
  auto it = std::back_inserter(out);
  const parse::Level level = pick_level();
  const std::string_view lname = parse::level_name(level);
  const std::string_view service = pick_service();
  static constexpr std::string_view kPaths[] = {"/",      "/api/v1/orders", "/api/v1/users",
                                                "/login", "/static/app.js", "/api/v1/payments",
                                                "/health"};
  static constexpr std::string_view kMethods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
  // syslog severities for our levels (TRACE/DEBUG 7 ... FATAL 2)
  static constexpr int kSeverity[] = {7, 7, 6, 5, 4, 3, 2};
  switch (format) {
    case parse::Format::kJson: {
      fmt::format_to(it, R"({{"ts":"{}","level":"{}","service":"{}","msg":")",
                     parse::format_rfc3339(now_us_, 3), fmt::format("{}", lname), service);
      append_message(out);
      fmt::format_to(it, R"(","request_id":"{:08x}","attempt":{}}})",
                     static_cast<uint32_t>(next_random()), uniform(5));
      break;
    }
    case parse::Format::kLogfmt: {
      fmt::format_to(it, R"(time={} level={} service={} msg=")", parse::format_rfc3339(now_us_, 3),
                     lname, service);
      append_message(out);
      fmt::format_to(it, R"(" duration={}ms)", uniform(2000));
      break;
    }
    case parse::Format::kSyslog5424: {
      fmt::format_to(it, "<{}>1 {} host{} {} {} - - ",
                     16 * 8 + kSeverity[static_cast<size_t>(level)],
                     parse::format_rfc3339(now_us_, 6), uniform(8), service, 1000 + uniform(9000));
      append_message(out);
      break;
    }
    case parse::Format::kSyslog3164: {
      // Jan 20 10:00:00: the bench data stays in January 2024.
      const std::string ts = parse::format_rfc3339(now_us_);
      fmt::format_to(
          it, "<{}>Jan {} {} host{} {}[{}]: ", 16 * 8 + kSeverity[static_cast<size_t>(level)],
          std::string_view(ts).substr(8, 2), std::string_view(ts).substr(11, 8), uniform(8),
          service, 1000 + uniform(9000));
      append_message(out);
      break;
    }
    case parse::Format::kClf: {
      const std::string ts = parse::format_rfc3339(now_us_);
      fmt::format_to(
          it,
          R"(10.{}.{}.{} - - [{}/Jan/2024:{} +0000] "{} {}?page={} HTTP/1.1" {} {} "-" "Mozilla/5.0" {:.3f})",
          uniform(256), uniform(256), uniform(256), std::string_view(ts).substr(8, 2),
          std::string_view(ts).substr(11, 8), kMethods[uniform(std::size(kMethods))],
          kPaths[uniform(std::size(kPaths))], uniform(10), pick_status(), uniform(50000),
          static_cast<double>(uniform(3000)) / 1000.0);
      break;
    }
    case parse::Format::kHeroku: {
      const std::string ts = parse::format_rfc3339(now_us_, 6);
      if (uniform(2) == 0) {
        const int status = pick_status();
        const bool timeout = status == 503;
        fmt::format_to(
            it,
            R"({}+00:00 heroku[router]: at={} {}method={} path="{}" host=app.herokuapp.com request_id={:08x} fwd="10.0.0.{}" dyno=web.{} connect={}ms service={}ms status={} bytes={} protocol=https)",
            std::string_view(ts).substr(0, ts.size() - 1), timeout ? "error" : "info",
            timeout ? R"(code=H12 desc="Request timeout" )" : "",
            kMethods[uniform(std::size(kMethods))], kPaths[uniform(std::size(kPaths))],
            static_cast<uint32_t>(next_random()), uniform(256), 1 + uniform(4), uniform(3),
            timeout ? 30000 : uniform(800), status, uniform(20000));
      } else {
        fmt::format_to(it, "{}+00:00 app[{}.{}]: {} ",
                       std::string_view(ts).substr(0, ts.size() - 1),
                       uniform(3) == 0 ? "worker" : "web", 1 + uniform(4), lname);
        append_message(out);
      }
      break;
    }
    case parse::Format::kPlain:
      break;
  }
  out.push_back('\n');
}

void SyntheticLines::append_plain(fmt::memory_buffer& out) {
  advance_time();
  if (options_.malformed_ratio > 0 &&
      static_cast<double>(uniform(1'000'000)) < options_.malformed_ratio * 1e6) {
    append_malformed(out);
    return;
  }
  const parse::Level level = pick_level();
  std::string_view level_text = parse::level_name(level);
  if (options_.level_aliases && uniform(3) == 0) {
    // An alias spelling that maps back to a level; use it only when it does.
    const std::string_view alias = kAliasSpellings[uniform(kAliasSpellings.size())];
    if (parse::parse_level(alias) == level) level_text = alias;
  }
  const std::string_view service = pick_service();
  const std::string ts = parse::format_rfc3339(now_us_, 3);  // "2024-01-20T10:00:00.123Z"
  auto it = std::back_inserter(out);
  const uint64_t layout = options_.layout == PlainLayout::kMixed
                              ? uniform(3)
                              : static_cast<uint64_t>(options_.layout) - 1;
  switch (layout) {
    case 0:  // LEVEL RFC3339 SERVICE MESSAGE
      fmt::format_to(it, "{} {} {} ", level_text, ts, service);
      break;
    case 1:  // RFC3339 LEVEL SERVICE MESSAGE
      fmt::format_to(it, "{} {} {} ", ts, level_text, service);
      break;
    default:  // "date time" LEVEL SERVICE MESSAGE
      fmt::format_to(it, "{} {} {} {} ", std::string_view(ts).substr(0, 10),
                     std::string_view(ts).substr(11, 12), level_text, service);
      break;
  }
  append_message(out);
  out.push_back('\n');
}

}  // namespace logstreamer::engine
