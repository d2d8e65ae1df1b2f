#include "server/inputs/http_input.h"

#include <boost/beast/http.hpp>

#include "aggregate/malformed_samples.h"
#include "core/wall_clock.h"
#include "server/http_util.h"

namespace logstreamer::server {
namespace http = boost::beast::http;

std::optional<Reply> HttpInput::offer_lines(const InputContext& ctx,
                                            std::shared_ptr<std::string> lines, uint32_t count,
                                            uint64_t seq, core::AckPtr ack, unsigned version) {
  engine::IngestBatch batch;
  const char* data = lines->data();
  const size_t size = lines->size();
  batch.text =
      core::Batch(std::shared_ptr<const void>(std::move(lines)), data, size, {source_, seq});
  batch.source = source_;
  batch.lines = count;
  batch.request_seq = seq;
  batch.received_us = core::unix_now_us();
  batch.ack = std::move(ack);
  const core::OfferResult r = ctx.intake->offer(std::move(batch));
  // The pipeline counts what is offered to it; what goes to the bus is
  // counted here, so that an ingest node's outcomes are not all zero.
  if (ctx.intake != ctx.pipeline && ctx.pipeline != nullptr)
    ctx.pipeline->count_offered(source_, count, r);
  switch (r) {
    case core::OfferResult::kAccepted:
    case core::OfferResult::kDroppedNewest:  // a drop policy the operator chose: counted,
                                             // acknowledged
      return std::nullopt;
    case core::OfferResult::kRejected:
      return retry_reply(http::status::too_many_requests, "queue full, retry later", version, 1);
    case core::OfferResult::kClosed:
      break;
  }
  return retry_reply(http::status::service_unavailable, "shutting down", version, 5);
}

HttpInput::RefusedLine::RefusedLine(uint64_t index, parse::ParseError reason, std::string_view line)
    : line_index(index),
      why(reason),
      text(line.substr(0, aggregate::MalformedSamples::kMaxSampleBytes)) {}

std::function<void()> HttpInput::count_when_taken(const InputContext& ctx, uint64_t seq,
                                                  std::vector<RefusedLine> refused) const {
  if (refused.empty()) return {};
  return [pipeline = ctx.pipeline, source = source_, seq, refused = std::move(refused)] {
    for (const RefusedLine& r : refused)
      pipeline->add_malformed(source, seq, r.line_index, r.why, r.text);
  };
}

}  // namespace logstreamer::server
