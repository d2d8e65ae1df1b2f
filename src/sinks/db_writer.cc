#include "sinks/db_writer.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/wall_clock.h"

namespace logstreamer::sinks {
namespace {

int64_t steady_ns(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// Moves `from`'s rows to the end of `into`, which is reserved for a whole
// transaction up front: growing it batch by batch moved every row ~8 times.
void append(RowBatch& into, RowBatch&& from, size_t reserve_rows) {
  if (into.events.capacity() == 0) {
    into.events.reserve(reserve_rows);
    into.requests.reserve(reserve_rows / 2);
  }
  const auto events_at = static_cast<uint32_t>(into.events.size());
  const auto requests_at = static_cast<uint32_t>(into.requests.size());
  std::move(from.events.begin(), from.events.end(), std::back_inserter(into.events));
  std::move(from.requests.begin(), from.requests.end(), std::back_inserter(into.requests));
  std::move(from.acks.begin(), from.acks.end(), std::back_inserter(into.acks));
  for (ClaimPart& part : from.parts) {
    part.events_begin += events_at;
    part.events_end += events_at;
    part.requests_begin += requests_at;
    part.requests_end += requests_at;
    into.parts.push_back(std::move(part));
  }
}

void release_all(const RowBatch& rows, bool committed) {
  for (const core::AckPtr& ack : rows.acks) ack->release(committed);
}

}  // namespace

DbWriter::DbWriter(std::string name, RowStore& store, DbWriterOptions options, SnapshotFn snapshot)
    : name_(std::move(name)),
      store_(store),
      options_(options),
      snapshot_(std::move(snapshot)),
      // Items are the workers' row batches, weighed in bytes: memory is
      // bounded however long the lines are.
      queue_(kMaxQueuedBatches, core::FullPolicy::kBlock, options.queue_bytes) {}

DbWriter::~DbWriter() { close(std::chrono::steady_clock::now()); }

OutputProbe DbWriter::probe() const {
  OutputProbe p;
  p.rows_written = counters_.rows_written.load(std::memory_order_relaxed);
  p.transactions = counters_.transactions.load(std::memory_order_relaxed);
  p.failures = counters_.failures.load(std::memory_order_relaxed);
  p.queued_rows = queued_rows();
  p.queued_bytes = queued_bytes();
  p.duplicates_skipped = store_.skipped_parts();
  p.healthy = healthy();
  return p;
}

std::string DbWriter::last_error() const {
  if (healthy()) return {};
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void DbWriter::start() {
  const auto now = std::chrono::steady_clock::now();
  next_snapshot_ = now + options_.snapshot_interval;
  next_sweep_ = now;  // sweep once at start-up
  next_key_sweep_ = now;
  next_ping_ = now + options_.ping_interval;
  thread_ = std::thread([this] { run(); });
}

void DbWriter::push(RowBatch rows) {
  const size_t n = rows.size();
  // Hold every request until its rows are committed (before the pipeline
  // releases its own hold, so an ack cannot complete early).
  for (const core::AckPtr& ack : rows.acks) ack->add_hold();
  queued_rows_.fetch_add(n, std::memory_order_relaxed);
  if (queue_.offer(rows, rows.approx_bytes()) != core::OfferResult::kAccepted) {
    queued_rows_.fetch_sub(n, std::memory_order_relaxed);
    // Only after close(): the pipeline drains into the writer before closing it.
    lost_rows_.fetch_add(n, std::memory_order_relaxed);
    release_all(rows, false);
    spdlog::error("database writer closed: {} rows not stored", n);
  }
}

uint64_t DbWriter::close(std::chrono::steady_clock::time_point deadline) {
  deadline_ns_.store(steady_ns(deadline), std::memory_order_release);
  queue_.close();
  if (thread_.joinable()) thread_.join();
  return lost_rows_.load();
}

void DbWriter::set_health(const absl::Status& st) {
  if (st.ok()) {
    if (!counters_.healthy.exchange(true)) {
      spdlog::info("database: answers again");
      std::lock_guard lock(error_mutex_);
      last_error_.clear();
    }
    return;
  }
  {
    std::lock_guard lock(error_mutex_);
    last_error_ = std::string(st.message());
  }
  if (counters_.healthy.exchange(false))
    spdlog::error("database: {} (retrying)", std::string(st.message()));
}

bool DbWriter::commit(const RowBatch& rows) {
  auto backoff = std::chrono::milliseconds(50);
  for (;;) {
    const absl::Status st = store_.write(rows);
    set_health(st);
    if (st.ok()) {
      counters_.rows_written.fetch_add(rows.size(), std::memory_order_relaxed);
      counters_.transactions.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    counters_.failures.fetch_add(1, std::memory_order_relaxed);
    const auto wake = std::chrono::steady_clock::now() + backoff;
    if (steady_ns(wake) > deadline_ns_.load(std::memory_order_acquire)) return false;
    std::this_thread::sleep_until(wake);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

void DbWriter::ping(std::chrono::steady_clock::time_point now) {
  if (now < next_ping_) return;
  next_ping_ = now + options_.ping_interval;
  set_health(store_.ping());
}

void DbWriter::periodic(std::chrono::steady_clock::time_point now) {
  if (snapshot_ && now >= next_snapshot_) {
    next_snapshot_ = now + options_.snapshot_interval;
    if (store_.write_snapshot(core::unix_now_us(), snapshot_()).ok()) counters_.snapshots.fetch_add(1);
  }
  if (options_.retention.count() > 0 && now >= next_sweep_) {
    next_sweep_ = now + options_.retention_sweep;
    const int64_t cutoff =
        core::unix_now_us() - std::chrono::duration_cast<std::chrono::microseconds>(options_.retention).count();
    if (auto st = store_.delete_before(cutoff); !st.ok()) spdlog::warn("database retention: {}", std::string(st.message()));
  }
  if (options_.dedupe_window.count() > 0 && now >= next_key_sweep_) {
    next_key_sweep_ = now + options_.retention_sweep;
    const int64_t cutoff =
        core::unix_now_us() -
        std::chrono::duration_cast<std::chrono::microseconds>(options_.dedupe_window).count();
    if (auto st = store_.delete_keys_before(cutoff); !st.ok()) {
      spdlog::warn("database key pruning: {}", std::string(st.message()));
    }
  }
}

void DbWriter::run() {
  RowBatch pending;
  auto first_at = std::chrono::steady_clock::now();
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    periodic(now);
    if (pending.empty() && queue_.size() == 0) ping(now);
    auto wait = options_.batch_timeout;
    if (!pending.empty()) {
      wait = std::max(std::chrono::milliseconds(0),
                      std::chrono::duration_cast<std::chrono::milliseconds>(first_at + options_.batch_timeout - now));
    }
    auto rows = queue_.pop_for(wait);
    if (rows) {
      queued_rows_.fetch_sub(rows->size(), std::memory_order_relaxed);
      if (pending.empty()) first_at = std::chrono::steady_clock::now();
      append(pending, std::move(*rows), options_.batch_rows + 1024);
    }
    const bool closed_and_empty = !rows && queue_.closed();
    // Group commit for waiting senders: once nothing more is queued, commit
    // now rather than at the timeout; under load the queue refills while a
    // commit runs, so transactions grow by themselves.
    const bool senders_waiting = !pending.acks.empty() && queue_.size() == 0;
    const bool due =
        !pending.empty() &&
        (pending.size() >= options_.batch_rows || closed_and_empty || senders_waiting ||
         std::chrono::steady_clock::now() >= first_at + options_.batch_timeout);
    if (due) {
      const bool committed = commit(pending);
      if (!committed) {
        lost_rows_.fetch_add(pending.size(), std::memory_order_relaxed);
        spdlog::error("database: gave up at shutdown, {} rows not stored", pending.size());
      }
      release_all(pending, committed);  // answers the requests that waited for this commit
      pending = RowBatch{};
    }
    if (closed_and_empty && pending.empty()) break;
  }
  // The last snapshot, after the last rows.
  if (snapshot_ && store_.write_snapshot(core::unix_now_us(), snapshot_()).ok()) counters_.snapshots.fetch_add(1);
}

}  // namespace logstreamer::sinks
