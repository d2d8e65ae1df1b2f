#pragma once
// The lines of a real log file as events for `bench --replay FILE`: the file
// is read as analyze reads it (plain, gzip or zstd, told by its first bytes)
// and cut into chunks of whole lines of at most `chunk_size` bytes (a longer
// line is a chunk of its own), which the streams then emit in file order.
//
// Bounded: the whole file is held in memory, so one larger than `max_bytes`
// (after decompression) is refused with a clear error rather than read.
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace logstreamer::engine {

absl::StatusOr<std::vector<std::string>> load_replay_chunks(const std::string& path,
                                                            size_t chunk_size, size_t max_bytes);

}  // namespace logstreamer::engine
