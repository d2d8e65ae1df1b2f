#pragma once
// MappedChunker: batches of whole lines straight from a memory-mapped regular
// file, with no copy.
//
// Why: reading copies every byte from the page cache into a buffer and then
// the worker reads it again; mapping lets the worker parse the page cache
// pages in place, which saved about a sixth of analyze's CPU time
// (docs/PERFORMANCE.md).
//
// Bounded memory: a batch covers at most `chunk` bytes, and when it is
// released the pages wholly inside it are dropped from this process
// (MADV_DONTNEED), so resident memory stays about (batches in flight) x chunk,
// whatever the file size. A line longer than `chunk` is skipped, scanning on
// without keeping its pages, and reported on the next batch like LineChunker
// does.
//
// Parts of the file not in the page cache yet are read in ahead of each
// chunk by ColdReadahead, as large folios (cold_readahead.h says why).
//
// Only for regular, uncompressed files. If the file shrinks while mapped
// (log rotation by truncation), TruncationGuard turns the would-be SIGBUS
// into zero bytes and sets `truncated`, which the source reports.
#include <atomic>
#include <functional>
#include <memory>
#include <stop_token>

#include "absl/status/status.h"
#include "core/batch.h"

namespace logstreamer::sources {

class MappedChunker {
 public:
  using Emit = std::function<bool(core::Batch)>;

  // `position` receives the bytes handed on so far (for progress);
  // `truncated` is set if the file shrinks while its batches are read, and
  // must outlive them.
  MappedChunker(uint32_t source_id, size_t chunk, std::atomic<uint64_t>& position,
                std::atomic<bool>* truncated = nullptr)
      : source_id_(source_id), chunk_(chunk), position_(position), truncated_(truncated) {}

  // Maps `fd` (of `size` bytes) and emits its lines. Returns an error only if
  // the mapping fails, before anything was emitted: the caller may then fall
  // back to reading.
  absl::Status run(int fd, uint64_t size, std::stop_token stop, const Emit& emit);

 private:
  uint32_t source_id_;
  size_t chunk_;
  std::atomic<uint64_t>& position_;
  std::atomic<bool>* truncated_;
};

}  // namespace logstreamer::sources
