#include "server/inputs/ingest_input.h"

#include <memory>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <boost/beast/http.hpp>

#include "parse/line_loop.h"
#include "server/http_util.h"

namespace logstreamer::server {
namespace http = boost::beast::http;
namespace {

// One DOM parser per I/O thread validates NDJSON lines at the edge.
simdjson::dom::parser& ndjson_validator() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

Reply IngestInput::handle(Request& req) {
  const unsigned v = req.version();
  const std::string_view ct = header(req, "Content-Type");
  const bool ndjson =
      media_type_is(ct, "application/x-ndjson") || media_type_is(ct, "application/json");
  if (!ndjson && !media_type_is(ct, "text/plain")) {
    return error_reply(http::status::unsupported_media_type,
                       "Content-Type must be application/x-ndjson or text/plain", v);
  }
  if (auto r = ctx_.gate->decode_body(req)) return *r;
  const std::string_view idempotency = header(req, "Idempotency-Key");
  const std::string key =
      idempotency.empty() ? std::string() : "ingest:" + std::string(idempotency);
  if (auto seen =
          acks_.check_key(key, json_reply(http::status::accepted,
                                          R"({"accepted":0,"malformed":0,"duplicate":true})", v))) {
    return std::move(*seen);
  }
  const uint64_t seq = request_seq_.fetch_add(1, std::memory_order_relaxed);

  auto lines = std::make_shared<std::string>();
  lines->reserve(req.body().size() + 1);
  uint32_t accepted = 0, malformed = 0;
  // Reported once the request is taken (queued, or with --ack commit
  // committed): a request refused (429, 503) comes again, and its refused
  // lines must be counted once, not per attempt.
  std::vector<RefusedLine> refused;
  parse::split_lines(req.body(), [&](std::string_view line, uint64_t line_index) {
    parse::ParseError why = parse::ParseError::kOk;
    if (line.size() > ctx_.max_line_bytes) {
      why = parse::ParseError::kLineTooLong;
    } else if (ndjson) {
      simdjson::dom::element doc;
      if (ndjson_validator().parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS ||
          !doc.is_object()) {
        why = parse::ParseError::kInvalidJson;
      }
    }
    if (why != parse::ParseError::kOk) {
      ++malformed;
      refused.emplace_back(line_index, why, line);
      return;
    }
    lines->append(line);
    lines->push_back('\n');
    ++accepted;
  });
  core::AckPtr ack;
  if (accepted > 0) {
    ack = acks_.make_ack(key);
    if (auto retry = offer_lines(ctx_, lines, accepted, seq, ack, v)) {
      acks_.rejected(key);
      return std::move(*retry);
    }
  }
  return acks_.accepted(
      ack, key,
      json_reply(http::status::accepted,
                 fmt::format(R"({{"accepted":{},"malformed":{}}})", accepted, malformed), v),
      count_when_taken(ctx_, seq, std::move(refused)));
}

}  // namespace logstreamer::server
