#pragma once
// serve's outputs, built from its configuration: the one place that knows
// which kinds exist. Adding an output is a class implementing sinks::Output
// and one line in build_outputs().
//
// Lifecycle: the caller owns the result, starts the outputs after the API is
// up, and closes every output (zero-loss) after the ingest pipeline has
// drained. `stores` outlive the outputs that write to them (declared first).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/serve_config.h"
#include "sinks/delivery_ledger.h"
#include "sinks/event_reader.h"
#include "sinks/output.h"
#include "sinks/row_store.h"

namespace logstreamer::cli {

struct ServeOutputs {
  std::vector<std::unique_ptr<sinks::RowStore>> stores;  // connections the outputs write through
  std::vector<std::unique_ptr<sinks::Output>> outputs;   // in the order rows are pushed
  std::unique_ptr<sinks::EventReader> events;            // for /api/events; null: none stored
  std::unique_ptr<sinks::DeliveryLedger> ledger;         // committed idempotency keys; null: none

  std::vector<sinks::Output*> list() const;
  std::vector<sinks::RowSink*> sinks() const;  // the same, as the pipeline takes them
};

// --db as logs may show it: a PostgreSQL URL without its password.
std::string describe_db(const std::string& db);

// `snapshot`: the /api/stats document, stored periodically by databases.
absl::StatusOr<ServeOutputs> build_outputs(const ServeConfig& cfg,
                                           std::function<std::string()> snapshot);

}  // namespace logstreamer::cli
