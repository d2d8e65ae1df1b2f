#pragma once
// DeliveryLedger: which idempotency keys (Logplex frame ids, Idempotency-Key
// values) a durable output has committed, so that a request retried after a
// crash or a lost answer is acknowledged without being stored again. The
// keys are written in the same transaction as the rows (RowBatch::acks).
//
// Thread-safe (implementations serialise their own connection).
#include <string_view>

#include "absl/status/statusor.h"

namespace logstreamer::sinks {

class DeliveryLedger {
 public:
  virtual ~DeliveryLedger() = default;
  virtual absl::StatusOr<bool> was_delivered(std::string_view key) = 0;
};

}  // namespace logstreamer::sinks
