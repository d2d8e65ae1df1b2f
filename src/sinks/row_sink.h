#pragma once
// RowSink: where the ingest workers hand parsed rows (the database writer).
// push() may block: that is how a slow database slows the workers down, and
// through the ingest queue, the senders.
#include "sinks/event_rows.h"

namespace logstreamer::sinks {

class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void push(RowBatch rows) = 0;
};

}  // namespace logstreamer::sinks
