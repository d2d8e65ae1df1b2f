#include "sources/mapped_file.h"

#include "sources/cold_readahead.h"
#include "sources/truncation_guard.h"

#include <cerrno>
#include <cstring>

#include <sys/mman.h>
#include <unistd.h>

namespace logstreamer::sources {
namespace {

// The whole mapping; unmapped when the last batch referring to it is gone.
struct Mapping {
  char* base = nullptr;
  size_t size = 0;
  int guard_slot = -1;
  ~Mapping() {
    TruncationGuard::unregister_mapping(guard_slot);
    if (base != nullptr) munmap(base, size);
  }
};

// One batch's range; drops the pages wholly inside it when released.
struct MappedRange {
  // Built in place by make_shared: a temporary's destructor would drop the
  // pages as soon as the batch was made.
  MappedRange(std::shared_ptr<Mapping> m, const char* b, const char* e)
      : mapping(std::move(m)), begin(b), end(e) {}
  MappedRange(const MappedRange&) = delete;
  MappedRange& operator=(const MappedRange&) = delete;
  ~MappedRange() { drop_pages(begin, end); }

  std::shared_ptr<Mapping> mapping;
  const char* begin;
  const char* end;

  static void drop_pages(const char* begin, const char* end) {
    static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const uintptr_t first = (reinterpret_cast<uintptr_t>(begin) + page - 1) & ~(page - 1);
    const uintptr_t last = reinterpret_cast<uintptr_t>(end) & ~(page - 1);
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
  }
};

}  // namespace

absl::Status MappedChunker::run(int fd, uint64_t size, std::stop_token stop, const Emit& emit) {
  if (size == 0) return absl::OkStatus();
  void* addr = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (addr == MAP_FAILED) return absl::InternalError(std::strerror(errno));
  auto mapping = std::make_shared<Mapping>();
  mapping->base = static_cast<char*>(addr);
  mapping->size = size;
  mapping->guard_slot = TruncationGuard::register_mapping(mapping->base, size, truncated_);
  madvise(addr, size, MADV_SEQUENTIAL);
  // Huge pages of the page cache would otherwise be mapped 2 MiB at a time
  // and survive the per-batch MADV_DONTNEED: resident memory then grew with
  // the input (290 MiB for 0.86 GB) instead of staying at a few batches.
  madvise(addr, size, MADV_NOHUGEPAGE);

  ColdReadahead readahead(fd, size);

  const char* const data = mapping->base;
  const char* const file_end = data + size;
  const char* pos = data;
  uint64_t seq = 0;
  core::SkippedLines skipped;
  while (pos < file_end && !stop.stop_requested()) {
    const size_t room = static_cast<size_t>(file_end - pos);
    readahead.fill(static_cast<uint64_t>(pos - data), std::min(room, chunk_));
    const char* end = file_end;
    if (room > chunk_) {
      const void* nl = memrchr(pos, '\n', chunk_);
      if (nl == nullptr) {
        // A line longer than a chunk: skip to its end, dropping its pages.
        skipped.begin_line(std::string_view(pos, core::SkippedLines::kHeadBytes));
        const char* scan = pos + chunk_;
        const char* line_end = nullptr;
        while (scan < file_end && line_end == nullptr) {
          const size_t window = std::min<size_t>(chunk_, static_cast<size_t>(file_end - scan));
          line_end = static_cast<const char*>(std::memchr(scan, '\n', window));
          MappedRange::drop_pages(scan - chunk_, line_end != nullptr ? line_end : scan);
          scan += window;
        }
        ++skipped.lines;
        const char* next = line_end != nullptr ? line_end + 1 : file_end;
        skipped.bytes += static_cast<uint64_t>(next - pos);
        pos = next;
        position_.store(static_cast<uint64_t>(pos - data), std::memory_order_relaxed);
        continue;
      }
      end = static_cast<const char*>(nl) + 1;
    }
    // The memrchr above faulted in the end of the chunk, and a fault maps
    // the whole large folio around it when the page cache holds them (after
    // a plain `cat`, say). Unmapped now, so batches waiting in the queue hold
    // no pages: peak RSS 21 instead of 41 MiB on the benchmark. (This used to
    // happen by accident, in a temporary MappedRange's destructor.)
    MappedRange::drop_pages(pos, end);
    auto range = std::make_shared<MappedRange>(mapping, pos, end);
    if (!emit(core::Batch(std::move(range), pos, static_cast<size_t>(end - pos),
                          core::BatchOrigin{source_id_, seq++}, std::move(skipped)))) {
      return absl::OkStatus();
    }
    skipped = {};
    pos = end;
    position_.store(static_cast<uint64_t>(pos - data), std::memory_order_relaxed);
  }
  if (skipped.lines > 0) {  // overlong last line: report it on an empty batch
    emit(core::Batch(mapping, file_end, 0, core::BatchOrigin{source_id_, seq++},
                     std::move(skipped)));
  }
  return absl::OkStatus();
}

}  // namespace logstreamer::sources
