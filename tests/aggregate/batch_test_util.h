#pragma once
// Builds batches from strings for tests.
#include <cstring>
#include <string>

#include "core/batch.h"

namespace logstreamer::aggregate {

inline core::Batch make_batch(core::BufferPool& pool, const std::string& text, uint32_t source,
                              uint64_t seq, uint32_t skipped = 0) {
  core::PooledBuffer buf = pool.acquire();
  std::memcpy(buf.data(), text.data(), text.size());
  return core::Batch(std::move(buf), text.size(), core::BatchOrigin{source, seq},
                     core::SkippedLines{skipped});
}

}  // namespace logstreamer::aggregate
