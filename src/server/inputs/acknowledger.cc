#include "server/inputs/acknowledger.h"

#include <boost/beast/http.hpp>

#include "server/http_util.h"

namespace logstreamer::server {
namespace http = boost::beast::http;

std::optional<Reply> Acknowledger::check_key(const std::string& key, const Response& duplicate) {
  if (key.empty()) return std::nullopt;
  switch (seen_.claim(key)) {
    case FrameDedupe::Claim::kDone:
      return Reply{duplicate, std::nullopt, nullptr, {}};
    case FrameDedupe::Claim::kInFlight:
      // With --ack commit the first attempt may still fail: answering 200
      // now could lose its lines. Logplex retries a 5xx.
      if (options_.mode == AckMode::kCommit) {
        return retry_reply(http::status::service_unavailable, "this request is being stored, retry",
                           duplicate.version(), 1);
      }
      return Reply{duplicate, std::nullopt, nullptr, {}};
    case FrameDedupe::Claim::kNew:
      break;
  }
  if (options_.ledger != nullptr) {
    // Committed before a restart, or longer ago than the cache remembers.
    auto delivered = options_.ledger->was_delivered(key);
    if (!delivered.ok() && options_.mode == AckMode::kCommit) {
      // Unknown whether it was stored (the database is away): storing it
      // again could store it twice, so the sender retries later.
      seen_.release(key);
      return retry_reply(http::status::service_unavailable,
                         "cannot tell whether this request was stored, retry", duplicate.version(),
                         1);
    }
    if (delivered.ok() && *delivered) {
      seen_.mark_done(key);
      return Reply{duplicate, std::nullopt, nullptr, {}};
    }
  }
  return std::nullopt;
}

core::AckPtr Acknowledger::make_ack(const std::string& key) const {
  if (options_.mode != AckMode::kCommit) return nullptr;
  return std::make_shared<core::DeliveryAck>(key);
}

Reply Acknowledger::accepted(const core::AckPtr& ack, const std::string& key, Response ok,
                             std::function<void()> on_delivered) {
  if (ack == nullptr) {  // --ack queued
    if (!key.empty()) seen_.mark_done(key);
    if (on_delivered) on_delivered();
    return Reply{std::move(ok), std::nullopt, nullptr, {}};
  }
  const unsigned version = ok.version();
  auto pending = std::make_shared<PendingReply>();
  ack->on_done([this, pending, key, ok = std::move(ok), version,
                on_delivered = std::move(on_delivered)](bool delivered) {
    if (delivered) {
      if (!key.empty()) seen_.mark_done(key);
      if (on_delivered) on_delivered();
      pending->complete(ok);
      return;
    }
    if (!key.empty()) seen_.release(key);
    pending->complete(
        retry_reply(http::status::service_unavailable,
                    "not stored (shutting down, or the bus or database refused it), retry", version,
                    5)
            .response);
  });
  // What the sender hears if the commit takes longer than the timeout; the
  // lines may still be committed, and a retry is then a duplicate.
  Reply reply =
      retry_reply(http::status::service_unavailable, "not committed in time, retry", version, 1);
  reply.pending = std::move(pending);
  reply.pending_timeout = options_.timeout;
  return reply;
}

void Acknowledger::rejected(const std::string& key) {
  if (!key.empty()) seen_.release(key);
}

}  // namespace logstreamer::server
