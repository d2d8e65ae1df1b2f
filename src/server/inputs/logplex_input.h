#pragma once
// LogplexInput: POST /logdrains, Heroku's HTTPS log drains
// (Content-Type: application/logplex-1, octet-counted frames).
//
// Heroku drops a batch for good on any 4xx but 429, so only a drain token not
// allowed (403) and a wrong media type (415) are 4xx here; bad framing is
// counted and sampled, and the frames before it are kept. A retried request
// (same Logplex-Frame-Id) is acknowledged without being processed again; with
// --ack commit the frame id is stored with the rows, so this holds across
// restarts (server/inputs/acknowledger.h).
#include <atomic>

#include "core/log_throttle.h"
#include "server/inputs/http_input.h"

namespace logstreamer::server {

class LogplexInput final : public HttpInput {
 public:
  explicit LogplexInput(const InputContext& ctx) : ctx_(ctx), acks_(ctx.ack) {}

  std::string_view name() const override { return "logdrain"; }
  std::string_view path() const override { return "/logdrains"; }
  std::string_view label() const override { return "logdrains"; }
  Reply handle(Request& req) override;
  void write_metrics(PrometheusText& p) const override;
  void upstream_drops(std::vector<std::pair<std::string_view, uint64_t>>& out) const override;

 private:
  void note_msg_count(std::string_view declared, uint64_t parsed, std::string_view frame_id);

  InputContext ctx_;
  Acknowledger acks_;  // answers, and Logplex-Frame-Id dedupe
  std::atomic<uint64_t> request_seq_{0};
  std::atomic<uint64_t> requests_{0}, frames_{0}, malformed_frames_{0}, msg_count_mismatches_{0},
      duplicates_{0};
  std::atomic<uint64_t> drop_count_{0}, lost_count_{0};  // what Logplex says it dropped or lost
  core::LogThrottle mismatch_log_;
};

}  // namespace logstreamer::server
