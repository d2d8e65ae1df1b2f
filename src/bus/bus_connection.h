#pragma once
// BusConnection: one connection to a NATS cluster with JetStream, and the
// stream and consumer serve uses, made at start when missing and checked
// when present (a stream made with other settings is a start-up error that
// names them: serve must not silently run with, say, one replica instead of
// three).
//
// The connection reconnects by itself, forever, to any server of the list;
// publishes and fetches fail fast while it is away (callers count and retry).
//
// Lifecycle: connect() once at start; the handle lives as long as serve.
// Thread-safe: the C client serialises use of one connection.
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "bus/bus_options.h"
#include "bus/nats_handles.h"

namespace logstreamer::bus {

class BusConnection {
 public:
  // Connects to `options.servers` and makes sure the stream (and, with
  // `need_consumer`, the consumer) exists as configured. Fails with one line
  // when no server answers or the stream differs.
  static absl::StatusOr<std::unique_ptr<BusConnection>> connect(const BusOptions& options,
                                                                bool need_consumer);
  ~BusConnection();

  natsConnection* nc() const { return nc_.get(); }
  jsCtx* js() const { return js_.get(); }
  const BusOptions& options() const { return options_; }
  bool connected() const;
  std::string connected_url() const;
  // Messages waiting for a processor and messages held unacknowledged.
  struct Lag {
    uint64_t pending = 0;
    int64_t ack_pending = 0;
    int64_t redelivered = 0;
  };
  absl::StatusOr<Lag> consumer_lag() const;

 private:
  explicit BusConnection(BusOptions options) : options_(std::move(options)) {}
  absl::Status ensure_stream();
  absl::Status ensure_consumer();

  BusOptions options_;
  NatsPtr<natsOptions> opts_;
  NatsPtr<natsConnection> nc_;
  NatsPtr<jsCtx> js_;
};

// The stream's settings as a sentence, for logs and mismatch errors.
std::string describe_stream(const BusOptions& options);

}  // namespace logstreamer::bus
