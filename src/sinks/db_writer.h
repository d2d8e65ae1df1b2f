#pragma once
// DbWriter: a database as one of serve's outputs (sinks/output.h). Workers
// push() parsed rows; one thread commits them in transactions of up to
// `batch_rows` rows or every `batch_timeout`, whichever comes first, and at
// once when senders wait for the commit (--ack commit) and nothing more is
// queued (group commit). The requests' acks (RowBatch::acks) are held until
// their rows are committed, and their keys are written in the same
// transaction.
//
// Nothing is lost to a database failure: a failed transaction is retried,
// with backoff from 50 ms to 5 s, until it commits or the writer is closed
// with a deadline. Meanwhile the queue fills, push() blocks the workers, the
// ingest queue fills behind them and HTTP answers 429/503 (the queue's policy
// decides), so the pressure reaches the senders instead of memory. healthy()
// turns false while commits fail, or while an idle writer's ping (every
// `ping_interval`) fails; /readyz and /metrics show it.
//
// The writer also owns the periodic jobs that touch the database: a metric
// snapshot every `snapshot_interval` (and a last one at close) and the
// retention sweep.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/bounded_queue.h"
#include "sinks/output.h"
#include "sinks/row_store.h"

namespace logstreamer::sinks {

struct DbWriterOptions {
  size_t batch_rows = 5000;
  std::chrono::milliseconds batch_timeout{200};
  // The queue ahead of the writer, in bytes of rows (RowBatch::approx_bytes).
  size_t queue_bytes = 128u << 20;
  std::chrono::milliseconds snapshot_interval{60000};
  std::chrono::seconds retention{7 * 24 * 3600};  // 0: keep everything
  std::chrono::milliseconds retention_sweep{60000};
  // Idempotency keys are kept this long (a retry after longer is stored again).
  std::chrono::milliseconds dedupe_window{3600000};
  std::chrono::milliseconds max_backoff{5000};
  // With nothing to commit, the database is pinged this often (health).
  std::chrono::milliseconds ping_interval{1000};
};

struct DbWriterCounters {
  std::atomic<uint64_t> rows_written{0};
  std::atomic<uint64_t> transactions{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<uint64_t> snapshots{0};
  std::atomic<bool> healthy{true};
};

class DbWriter final : public Output {
 public:
  using SnapshotFn = std::function<std::string()>;
  // `name`: the database kind, for labels ("sqlite").
  DbWriter(std::string name, RowStore& store, DbWriterOptions options,
           SnapshotFn snapshot = nullptr);
  ~DbWriter() override;

  std::string_view name() const override { return name_; }
  bool durable() const override { return true; }
  void start() override;
  void push(RowBatch rows) override;
  // Stops after committing everything queued; gives up retrying a failing
  // database at `deadline` (and says how many rows it could not store).
  uint64_t close(std::chrono::steady_clock::time_point deadline) override;
  bool healthy() const override { return counters_.healthy.load(std::memory_order_acquire); }
  OutputProbe probe() const override;
  std::string last_error() const override;

  const DbWriterCounters& counters() const { return counters_; }
  size_t queued_rows() const { return queued_rows_.load(std::memory_order_relaxed); }
  size_t queued_bytes() const { return queue_.stats().bytes; }

 private:
  static constexpr size_t kMaxQueuedBatches = 4096;
  void run();
  // Commits `rows`, retrying; false if the deadline passed first.
  bool commit(const RowBatch& rows);
  void periodic(std::chrono::steady_clock::time_point now);
  void ping(std::chrono::steady_clock::time_point now);
  void set_health(const absl::Status& st);

  std::string name_;
  RowStore& store_;
  DbWriterOptions options_;
  SnapshotFn snapshot_;
  core::BoundedQueue<RowBatch> queue_;
  DbWriterCounters counters_;
  std::thread thread_;
  std::atomic<int64_t> deadline_ns_{INT64_MAX};  // steady-clock ns; retries stop after it
  std::atomic<uint64_t> lost_rows_{0};
  std::atomic<size_t> queued_rows_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;  // guarded by error_mutex_
  std::chrono::steady_clock::time_point next_snapshot_, next_sweep_, next_key_sweep_, next_ping_;
};

}  // namespace logstreamer::sinks
