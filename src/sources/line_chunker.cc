#include "sources/line_chunker.h"

#include <cstring>

namespace logstreamer::sources {

bool LineChunker::emit_upto(size_t cut, const Emit& emit) {
  core::PooledBuffer next = pool_.acquire();
  const size_t carry = fill_ - cut;
  if (carry > 0) std::memcpy(next.data(), buf_.data() + cut, carry);
  core::Batch batch(std::move(buf_), cut, core::BatchOrigin{source_id_, seq_++},
                    std::move(skipped_));
  skipped_ = {};
  buf_ = std::move(next);
  fill_ = carry;
  return emit(std::move(batch));
}

absl::Status LineChunker::run(InputStream& in, std::stop_token stop, const Emit& emit) {
  buf_ = pool_.acquire();
  fill_ = 0;
  const size_t cap = buf_.capacity();
  bool skipping = false;  // inside a line longer than a buffer
  absl::Status status;

  while (!stop.stop_requested()) {
    auto got = in.read(buf_.data() + fill_, cap - fill_, stop);
    if (!got.ok()) {
      status = got.status();
      break;
    }
    if (*got == 0) {
      if (stop.stop_requested()) break;
      // End of input: the overlong line (if any) ended here, and the last line
      // may lack its newline.
      if (skipping) {
        ++skipped_.lines;
        fill_ = 0;
      }
      if (fill_ > 0 || skipped_.lines > 0) emit_upto(fill_, emit);
      return absl::OkStatus();
    }
    if (skipping) {
      const char* nl = static_cast<const char*>(std::memchr(buf_.data(), '\n', *got));
      if (nl == nullptr) {  // still inside the overlong line: discard
        skipped_.bytes += *got;
        continue;
      }
      skipping = false;
      ++skipped_.lines;
      skipped_.bytes += static_cast<uint64_t>(nl + 1 - buf_.data());
      const size_t rest = *got - static_cast<size_t>(nl + 1 - buf_.data());
      std::memmove(buf_.data(), nl + 1, rest);
      fill_ = rest;
    } else {
      fill_ += *got;
    }
    if (fill_ < cap && in.ready()) continue;  // keep filling: bigger batches

    const char* last_nl = static_cast<const char*>(memrchr(buf_.data(), '\n', fill_));
    if (last_nl == nullptr) {
      if (fill_ == cap) {  // a line longer than the buffer: skip the rest of it
        skipping = true;
        skipped_.begin_line(std::string_view(buf_.data(), fill_));
        skipped_.bytes += fill_;
        fill_ = 0;
      }
      continue;
    }
    if (!emit_upto(static_cast<size_t>(last_nl + 1 - buf_.data()), emit)) return absl::OkStatus();
  }
  // Stopped or failed: hand on the complete lines already read.
  if (fill_ > 0) {
    const char* last_nl = static_cast<const char*>(memrchr(buf_.data(), '\n', fill_));
    if (last_nl != nullptr) emit_upto(static_cast<size_t>(last_nl + 1 - buf_.data()), emit);
  }
  buf_ = core::PooledBuffer();
  return status;
}

}  // namespace logstreamer::sources
