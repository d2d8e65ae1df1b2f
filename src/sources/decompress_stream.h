#pragma once
// Streaming decompressors over another InputStream. Both accept concatenated
// members/frames (as `cat a.gz b.gz` or pigz produce) and fail with a clear
// reason on corrupt or truncated input instead of returning garbage.
#include <memory>
#include <vector>

#include <zlib.h>
#include <zstd.h>

#include "sources/input_stream.h"

namespace logstreamer::sources {

class GzipStream final : public InputStream {
 public:
  explicit GzipStream(std::unique_ptr<InputStream> inner);
  ~GzipStream() override;
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  absl::StatusOr<size_t> read(char* dst, size_t n, std::stop_token stop) override;
  bool ready() override { return zs_.avail_in > 0 || inner_->ready(); }
  uint64_t raw_bytes() const override { return inner_->raw_bytes(); }

 private:
  std::unique_ptr<InputStream> inner_;
  std::vector<unsigned char> in_;
  z_stream zs_{};
  bool member_open_ = false;  // inside a gzip member that has not ended yet
  bool inner_eof_ = false;
};

class ZstdStream final : public InputStream {
 public:
  explicit ZstdStream(std::unique_ptr<InputStream> inner);
  ~ZstdStream() override;
  ZstdStream(const ZstdStream&) = delete;
  ZstdStream& operator=(const ZstdStream&) = delete;

  absl::StatusOr<size_t> read(char* dst, size_t n, std::stop_token stop) override;
  bool ready() override { return in_.pos < in_.size || inner_->ready(); }
  uint64_t raw_bytes() const override { return inner_->raw_bytes(); }

 private:
  std::unique_ptr<InputStream> inner_;
  std::vector<char> in_buf_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  size_t frame_hint_ = 0;  // non-zero while a frame is incomplete
  bool inner_eof_ = false;
};

}  // namespace logstreamer::sources
