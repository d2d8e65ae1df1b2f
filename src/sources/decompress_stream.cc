#include "sources/decompress_stream.h"

#include <string>

namespace logstreamer::sources {
namespace {
constexpr size_t kInputChunk = 256 * 1024;
}

GzipStream::GzipStream(std::unique_ptr<InputStream> inner)
    : inner_(std::move(inner)), in_(kInputChunk) {
  // 15 + 32: largest window, and accept both gzip and zlib headers.
  inflateInit2(&zs_, 15 + 32);
}

GzipStream::~GzipStream() { inflateEnd(&zs_); }

absl::StatusOr<size_t> GzipStream::read(char* dst, size_t n, std::stop_token stop) {
  zs_.next_out = reinterpret_cast<Bytef*>(dst);
  zs_.avail_out = static_cast<uInt>(std::min<size_t>(n, UINT32_MAX));
  const uInt want = zs_.avail_out;
  while (true) {
    // Inflate first: zlib may hold output from input it has already taken.
    if (zs_.avail_in > 0 || member_open_) {
      if (!member_open_) {
        inflateReset(&zs_);  // the next member of a concatenated file
        member_open_ = true;
      }
      const int ret = inflate(&zs_, Z_NO_FLUSH);
      if (ret == Z_STREAM_END) {
        member_open_ = false;
      } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
        return absl::DataLossError(std::string("corrupt gzip data: ") +
                                   (zs_.msg != nullptr ? zs_.msg : "inflate failed"));
      }
      if (zs_.avail_out < want) return want - zs_.avail_out;
      if (zs_.avail_in > 0) continue;
    }
    if (inner_eof_) {
      if (member_open_) return absl::DataLossError("truncated gzip data");
      return 0;
    }
    auto got = inner_->read(reinterpret_cast<char*>(in_.data()), in_.size(), stop);
    if (!got.ok()) return got.status();
    if (*got == 0) {
      if (stop.stop_requested()) return 0;
      inner_eof_ = true;
      continue;
    }
    zs_.next_in = in_.data();
    zs_.avail_in = static_cast<uInt>(*got);
  }
}

ZstdStream::ZstdStream(std::unique_ptr<InputStream> inner)
    : inner_(std::move(inner)), in_buf_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {}

ZstdStream::~ZstdStream() { ZSTD_freeDCtx(dctx_); }

absl::StatusOr<size_t> ZstdStream::read(char* dst, size_t n, std::stop_token stop) {
  ZSTD_outBuffer out{dst, n, 0};
  while (true) {
    // Decompress first: the context may hold output from input already taken.
    if (in_.pos < in_.size || frame_hint_ != 0) {
      const size_t ret = ZSTD_decompressStream(dctx_, &out, &in_);
      if (ZSTD_isError(ret)) {
        return absl::DataLossError(std::string("corrupt zstd data: ") + ZSTD_getErrorName(ret));
      }
      frame_hint_ = ret;
      if (out.pos > 0) return out.pos;
      if (in_.pos < in_.size) continue;
    }
    if (inner_eof_) {
      if (frame_hint_ != 0) return absl::DataLossError("truncated zstd data");
      return 0;
    }
    auto got = inner_->read(in_buf_.data(), in_buf_.size(), stop);
    if (!got.ok()) return got.status();
    if (*got == 0) {
      if (stop.stop_requested()) return 0;
      inner_eof_ = true;
      continue;
    }
    in_ = ZSTD_inBuffer{in_buf_.data(), *got, 0};
  }
}

}  // namespace logstreamer::sources
