#pragma once
// IngestInput: POST /ingest, lines from agents and scripts: NDJSON
// (application/x-ndjson or application/json, one object a line) or plain
// text (text/plain, any format, detected per line). Answers 202 with the
// counts accepted and refused.
//
// Lines are split by the shared rules (parse/line_loop.h: CR stripped, blank
// lines skipped but numbered); an over-long line, or a line that is not a
// JSON object in an NDJSON body, is refused at the edge: counted and sampled
// as malformed (once the request is taken: not again for each retry of a
// request refused with 429 or 503), not queued. An Idempotency-Key header makes a retry of the
// same request a duplicate, as Logplex-Frame-Id does for drains.
#include <atomic>

#include "server/inputs/http_input.h"

namespace logstreamer::server {

class IngestInput final : public HttpInput {
 public:
  explicit IngestInput(const InputContext& ctx) : ctx_(ctx), acks_(ctx.ack) {}

  std::string_view name() const override { return "ingest"; }
  std::string_view path() const override { return "/ingest"; }
  std::string_view label() const override { return "ingest"; }
  Reply handle(Request& req) override;

 private:
  InputContext ctx_;
  Acknowledger acks_;  // answers, and Idempotency-Key dedupe
  std::atomic<uint64_t> request_seq_{0};
};

}  // namespace logstreamer::server
