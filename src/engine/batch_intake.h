#pragma once
// BatchIntake: where serve's HTTP inputs hand an accepted request's batch.
// The single-process serve gives it to its IngestPipeline (parsed here);
// an ingest node of a cluster (serve --bus --role ingest) publishes it to
// the bus instead (bus/bus_publisher.h), for processors elsewhere.
//
// offer() never blocks for long (it runs on an HTTP I/O thread). When the
// batch carries an ack (core::DeliveryAck), the intake releases the
// pipeline's hold once it is done with the batch: processed and handed to
// the outputs, or stored on the bus.
#include "core/bounded_queue.h"

namespace logstreamer::engine {

struct IngestBatch;

class BatchIntake {
 public:
  virtual ~BatchIntake() = default;
  // kAccepted, kRejected (full: 429/503), kDroppedNewest (a drop policy),
  // kClosed (shutting down).
  virtual core::OfferResult offer(IngestBatch batch) = 0;
};

}  // namespace logstreamer::engine
