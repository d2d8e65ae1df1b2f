#include "server/gunzip.h"

#include <zlib.h>

namespace logstreamer::server {

GunzipResult gunzip_bounded(std::string_view in, size_t max_out, std::string& out) {
  z_stream zs{};
  // 16 + MAX_WBITS: gzip framing only (a deflate body would be another encoding).
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return GunzipResult::kCorrupt;
  out.clear();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  GunzipResult result = GunzipResult::kOk;
  for (;;) {
    if (out.size() >= max_out + 1) {
      result = GunzipResult::kTooLarge;
      break;
    }
    const size_t at = out.size();
    const size_t grow = std::min<size_t>(std::max<size_t>(in.size() * 4, 64 << 10), max_out + 1 - at);
    out.resize(at + grow);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    zs.avail_out = static_cast<uInt>(grow);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(at + grow - zs.avail_out);
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members are legal: go on if input remains.
      if (zs.avail_in == 0) break;
      if (inflateReset(&zs) != Z_OK) {
        result = GunzipResult::kCorrupt;
        break;
      }
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      result = GunzipResult::kCorrupt;
      break;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {  // truncated input
      result = GunzipResult::kCorrupt;
      break;
    }
  }
  inflateEnd(&zs);
  if (result == GunzipResult::kOk && out.size() > max_out) result = GunzipResult::kTooLarge;
  return result;
}

}  // namespace logstreamer::server
