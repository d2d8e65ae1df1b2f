#include "engine/replay_chunks.h"

#include <fmt/format.h>

#include "sources/fd_stream.h"
#include "sources/input_stream.h"

namespace logstreamer::engine {

absl::StatusOr<std::vector<std::string>> load_replay_chunks(const std::string& path,
                                                            size_t chunk_size, size_t max_bytes) {
  auto opened = sources::open_file(path);
  if (!opened.ok()) return opened.status();
  const std::stop_token no_stop;
  auto compression = sources::sniff_compression(*opened->stream, no_stop);
  if (!compression.ok()) return compression.status();
  std::unique_ptr<sources::InputStream> in =
      sources::decompressed(std::move(opened->stream), *compression);

  std::string text;
  constexpr size_t kRead = 1 << 20;
  for (;;) {
    const size_t at = text.size();
    if (at > max_bytes) {
      return absl::ResourceExhaustedError(fmt::format(
          "larger than {} MiB: replay loads the whole file into memory", max_bytes >> 20));
    }
    text.resize(at + kRead);
    auto got = in->read(text.data() + at, kRead, no_stop);
    if (!got.ok()) return got.status();
    text.resize(at + *got);
    if (*got == 0) break;
  }
  if (!text.empty() && text.back() != '\n') text.push_back('\n');

  std::vector<std::string> chunks;
  size_t pos = 0;
  while (pos < text.size()) {
    // Whole lines up to chunk_size; at least one line, however long.
    size_t end = pos;
    while (end < text.size()) {
      const size_t nl = text.find('\n', end);
      const size_t next = nl + 1;
      if (next - pos > chunk_size && end > pos) break;
      end = next;
      if (end - pos >= chunk_size) break;
    }
    chunks.emplace_back(text, pos, end - pos);
    pos = end;
  }
  return chunks;
}

}  // namespace logstreamer::engine
