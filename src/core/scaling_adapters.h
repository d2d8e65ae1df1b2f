#pragma once
// The Autoscaler's two views (core/autoscaler.h) of the usual pair: a
// BoundedQueue as the backlog, a WorkerPool as the workers. Shared by the
// streaming engine (bench) and the ingest pipeline (serve).
#include "core/autoscaler.h"
#include "core/bounded_queue.h"
#include "core/worker_pool.h"

namespace logstreamer::core {

template <typename T>
struct QueueBacklog : Backlog {
  const BoundedQueue<T>* q = nullptr;
  double usage() const override { return q->usage(); }
};

struct PoolWorkers : ScalableWorkers {
  WorkerPool* pool = nullptr;
  size_t workers() const override { return pool->active(); }
  void add_worker() override { pool->spawn(1); }
  void remove_worker() override { pool->retire_one(); }
};

}  // namespace logstreamer::core
