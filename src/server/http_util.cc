#include "server/http_util.h"

#include <charconv>

#include <boost/beast/http.hpp>

#include "parse/timestamp.h"

namespace logstreamer::server {
namespace http = boost::beast::http;
namespace {

boost::beast::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Response json_reply(beast_http::status status, std::string body, unsigned version) {
  Response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  if (res.body().empty() || res.body().back() != '\n') res.body().push_back('\n');
  res.prepare_payload();
  return res;
}

Reply error_reply(beast_http::status status, std::string_view message, unsigned version) {
  Reply r{json_error(status, message, version), std::nullopt};
  r.response.set(http::field::cache_control, "no-store");
  return r;
}

Reply retry_reply(beast_http::status status, std::string_view message, unsigned version,
                  int retry_after_s) {
  Reply r = error_reply(status, message, version);
  r.response.set(http::field::retry_after, std::to_string(retry_after_s));
  return r;
}

std::string_view header(const Request& req, std::string_view name) {
  auto it = req.find(bsv(name));
  return it == req.end() ? std::string_view{}
                         : std::string_view(it->value().data(), it->value().size());
}

Target split_target(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
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
      } else if (raw[i] == '%' && i + 2 < raw.size() + 0 && hex_value(raw[i + 1]) >= 0 &&
                 hex_value(raw[i + 2]) >= 0) {
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

}  // namespace logstreamer::server
