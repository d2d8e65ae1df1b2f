#include "server/inputs/logplex_input.h"

#include <charconv>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/beast/http.hpp>

#include "core/wall_clock.h"
#include "server/auth.h"
#include "server/http_util.h"
#include "server/inputs/logplex_frames.h"

namespace logstreamer::server {
namespace http = boost::beast::http;

Reply LogplexInput::handle(Request& req) {
  const unsigned v = req.version();
  if (!ctx_.auth->drain_token_allowed(header(req, "Logplex-Drain-Token"))) {
    return error_reply(http::status::forbidden, "drain token not allowed", v);
  }
  if (!media_type_is(header(req, "Content-Type"), "application/logplex-1")) {
    return error_reply(http::status::unsupported_media_type,
                       "Content-Type must be application/logplex-1", v);
  }
  if (auto r = ctx_.gate->decode_body(req)) return *r;
  requests_.fetch_add(1, std::memory_order_relaxed);

  const std::string frame_id(header(req, "Logplex-Frame-Id"));
  if (auto seen = acks_.check_key(
          frame_id,
          json_reply(http::status::ok, R"({"accepted":0,"malformed":0,"duplicate":true})", v))) {
    if (seen->response.result() == http::status::ok) {
      duplicates_.fetch_add(1, std::memory_order_relaxed);
    }
    return std::move(*seen);
  }

  auto lines = std::make_shared<std::string>();
  const LogplexSplit split = split_logplex(req.body(), *lines);
  const uint64_t seq = request_seq_.fetch_add(1, std::memory_order_relaxed);
  if (split.malformed > 0) malformed_frames_.fetch_add(split.malformed, std::memory_order_relaxed);
  const std::string_view count_header = header(req, "Logplex-Msg-Count");
  if (!count_header.empty()) note_msg_count(count_header, split.frames + split.malformed, frame_id);
  for (const auto& [name, counter] : {std::pair{"Logplex-Drop-Count", &drop_count_},
                                      std::pair{"Logplex-Lost-Count", &lost_count_}}) {
    const std::string_view h = header(req, name);
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(h.data(), h.data() + h.size(), n);
    if (!h.empty() && ec == std::errc()) counter->fetch_add(n, std::memory_order_relaxed);
  }

  core::AckPtr ack;
  if (split.frames > 0) {
    ack = acks_.make_ack(frame_id);
    if (auto retry = offer_lines(ctx_, lines, static_cast<uint32_t>(split.frames), seq, ack, v)) {
      acks_.rejected(frame_id);
      return std::move(*retry);
    }
  }
  // Only once the body is taken (queued, or with --ack commit committed): a
  // refused one (429, 503) comes again, and its broken framing must be
  // counted once, not per attempt.
  std::vector<RefusedLine> refused;
  if (split.malformed > 0)
    refused.emplace_back(split.frames, parse::ParseError::kBadFraming, split.sample);
  frames_.fetch_add(split.frames, std::memory_order_relaxed);
  return acks_.accepted(
      ack, frame_id,
      json_reply(http::status::ok,
                 fmt::format(R"({{"accepted":{},"malformed":{}}})", split.frames, split.malformed),
                 v),
      count_when_taken(ctx_, seq, std::move(refused)));
}

void LogplexInput::note_msg_count(std::string_view declared_text, uint64_t parsed,
                                  std::string_view frame_id) {
  uint64_t declared = 0;
  auto [p, ec] =
      std::from_chars(declared_text.data(), declared_text.data() + declared_text.size(), declared);
  if (ec == std::errc() && declared == parsed) return;
  msg_count_mismatches_.fetch_add(1, std::memory_order_relaxed);
  // Logged at most once a second: a misbehaving sender must not flood the log.
  if (mismatch_log_.allow()) {
    spdlog::warn("logplex: Logplex-Msg-Count says {}, body has {} frames (frame id '{}')",
                 declared_text, parsed, frame_id);
  }
}

void LogplexInput::write_metrics(PrometheusText& p) const {
  p.counter("logstreamer_logplex_requests", "Logplex drain requests handled.",
            static_cast<double>(requests_.load()));
  p.counter("logstreamer_logplex_frames", "Logplex frames accepted.",
            static_cast<double>(frames_.load()));
  p.counter("logstreamer_logplex_malformed_frames", "Logplex bodies whose framing broke off.",
            static_cast<double>(malformed_frames_.load()));
  p.counter("logstreamer_logplex_msg_count_mismatches",
            "Requests whose Logplex-Msg-Count differed from the frames in the body.",
            static_cast<double>(msg_count_mismatches_.load()));
  p.counter("logstreamer_logplex_duplicate_requests",
            "Retried requests acknowledged without processing (same Logplex-Frame-Id).",
            static_cast<double>(duplicates_.load()));
}

void LogplexInput::upstream_drops(std::vector<std::pair<std::string_view, uint64_t>>& out) const {
  out.emplace_back("logplex_drop_count", drop_count_.load());
  out.emplace_back("logplex_lost_count", lost_count_.load());
}

}  // namespace logstreamer::server
