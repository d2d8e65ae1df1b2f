#include "sources/file_source.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include "sources/line_chunker.h"
#include "sources/mapped_file.h"

namespace logstreamer::sources {

FileSource::FileSource(std::string name, uint32_t source_id, OpenedFile file,
                       core::BufferPool& pool)
    : name_(std::move(name)),
      source_id_(source_id),
      file_(std::move(file.stream)),
      raw_(file_.get()),
      size_(file.size),
      pool_(pool) {}

absl::Status FileSource::run(core::BatchQueue& out, std::stop_token stop) {
  auto compression = sniff_compression(*file_, stop);
  if (!compression.ok()) return compression.status();
  const auto emit = [&out](core::Batch batch) { return out.push(std::move(batch)); };
  if (*compression == Compression::kNone && file_->regular() && size_ > 0) {
    // Batches are cut at the pool's buffer size, as the read path would.
    MappedChunker mapped(source_id_, pool_.capacity(), mapped_bytes_, &truncated_);
    if (mapped.run(file_->fd(), size_, stop, emit).ok()) return absl::OkStatus();
    // The mapping failed before anything was emitted: read instead.
  }
  stream_ = decompressed(std::move(file_), *compression);
  LineChunker chunker(pool_, source_id_);
  return chunker.run(*stream_, stop, emit);
}

absl::Status FileSource::final_status() const {
  // Either check can catch a file truncated mid-run (log rotation by
  // copytruncate): the SIGBUS guard saw a fault in the mapping, or the file
  // is simply shorter now than when it was opened (some kernels hand out
  // zero pages past the new end instead of faulting).
  struct stat st {};
  const bool shrank = size_ > 0 && fstat(raw_->fd(), &st) == 0 && static_cast<uint64_t>(st.st_size) < size_;
  if (truncated_.load(std::memory_order_acquire) || shrank) {
    return absl::DataLossError(fmt::format("file shrank from {} to {} bytes while being read (truncated?); "
                                           "lines past the cut were not analysed",
                                           size_, shrank ? static_cast<uint64_t>(st.st_size) : 0));
  }
  return absl::OkStatus();
}

}  // namespace logstreamer::sources
