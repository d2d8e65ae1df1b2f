#pragma once
// Output: one of serve's destinations for parsed rows. The ingest workers
// push() every round's rows to each output in turn (engine/ingest_pipeline.h);
// /readyz, /metrics and /api/stats read every output's probe. Adding a
// destination is one class implementing this, plus one line where serve
// builds its outputs (cli/serve_outputs.cc).
//
// Contract, for every implementation:
//  - push() takes ownership of the rows and may block: a slow destination
//    slows the workers, which fills the ingest queue, which answers senders
//    429: backpressure, never unbounded memory.
//  - close(deadline) is the zero-loss end: it returns once everything pushed
//    before it is delivered (committed), or when `deadline` passes, and says
//    how many rows it could not deliver. push() after close() loses the rows
//    and counts them in that number.
//  - healthy() is false while deliveries fail; a durable output that is not
//    healthy makes serve answer 503 to senders (nothing more is acknowledged
//    while it cannot be stored).
//
// Thread-safety: push() from any worker; probe()/healthy() from any thread;
// start() and close() once each, from the thread that owns the output.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "sinks/row_sink.h"

namespace logstreamer::sinks {

// An output's counters, read live (labels of /metrics: output="NAME").
struct OutputProbe {
  uint64_t rows_written = 0;  // delivered (committed)
  uint64_t transactions = 0;  // deliveries that succeeded
  uint64_t failures = 0;      // deliveries that failed (each is retried)
  uint64_t queued_rows = 0;   // pushed, not yet delivered
  uint64_t queued_bytes = 0;
  uint64_t duplicates_skipped = 0;  // bus messages another processor had stored
  bool healthy = true;
};

class Output : public RowSink {
 public:
  // A short name for labels and logs: "sqlite".
  virtual std::string_view name() const = 0;
  // Durable: rows are stored for good once delivered (a database). Serve
  // refuses writes while a durable output is unhealthy.
  virtual bool durable() const = 0;
  virtual void start() = 0;
  virtual uint64_t close(std::chrono::steady_clock::time_point deadline) = 0;
  virtual bool healthy() const = 0;
  // Why it is not healthy (the last failure, one line); empty when healthy.
  virtual std::string last_error() const { return {}; }
  virtual OutputProbe probe() const = 0;
};

}  // namespace logstreamer::sinks
