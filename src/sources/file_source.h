#pragma once
// FileSource: a file, or stdin, as batches of whole lines. A plain regular
// file is memory-mapped and cut in place (MappedChunker); anything else (pipes,
// gzip, zstd, or a file that cannot be mapped) is read in large chunks
// (LineChunker), decompressed on the fly when its first bytes say so.
#include <string>

#include "core/source.h"
#include "sources/fd_stream.h"
#include "sources/input_stream.h"

namespace logstreamer::sources {

class FileSource final : public core::Source {
 public:
  // `file` comes from open_file(), so that open errors surface before the run.
  FileSource(std::string name, uint32_t source_id, OpenedFile file, core::BufferPool& pool);

  const std::string& name() const override { return name_; }
  absl::Status run(core::BatchQueue& out, std::stop_token stop) override;
  uint64_t bytes_consumed() const override {
    return raw_->raw_bytes() + mapped_bytes_.load(std::memory_order_relaxed);
  }
  uint64_t bytes_total() const override { return size_; }
  absl::Status final_status() const override;

 private:
  std::string name_;
  uint32_t source_id_;
  std::unique_ptr<FdStream> file_;
  const FdStream* raw_;  // the file under any decompressor; owned through file_ or stream_
  std::unique_ptr<InputStream> stream_;
  uint64_t size_;
  core::BufferPool& pool_;
  std::atomic<uint64_t> mapped_bytes_{0};
  std::atomic<bool> truncated_{false};  // the mapped file shrank while being read
};

}  // namespace logstreamer::sources
