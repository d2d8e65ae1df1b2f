#include "sources/synthetic_lines.h"

#include <array>
#include <iterator>
#include <string_view>

#include "parse/timestamp.h"

namespace logstreamer::sources {
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

constexpr std::array<std::string_view, 6> kAliasSpellings = {"warning", "err", "Crit", "info", "Debug",
                                                             "notice"};

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

void SyntheticLines::append_plain(fmt::memory_buffer& out) {
  now_us_ += static_cast<int64_t>(uniform(2000));
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
  const std::string_view service = kServices[uniform(kServices.size())];
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

}  // namespace logstreamer::sources
