#pragma once
// A scripted InputStream for tests: returns the given pieces one read at a time
// (each read returns at most one piece), optionally failing at the end.
#include <deque>
#include <string>

#include "sources/input_stream.h"

namespace logstreamer::sources {

class FakeStream final : public InputStream {
 public:
  explicit FakeStream(std::deque<std::string> pieces, bool fail_at_end = false, bool pipe_like = false)
      : pieces_(std::move(pieces)), fail_at_end_(fail_at_end), pipe_like_(pipe_like) {}

  absl::StatusOr<size_t> read(char* dst, size_t n, std::stop_token) override {
    if (pieces_.empty()) {
      if (fail_at_end_) return absl::DataLossError("disk on fire");
      return 0;
    }
    std::string& p = pieces_.front();
    const size_t take = std::min(n, p.size());
    p.copy(dst, take);
    p.erase(0, take);
    if (p.empty()) pieces_.pop_front();
    raw_ += take;
    return take;
  }
  // A pipe-like stream says "nothing more right now" after each piece.
  bool ready() override { return !pipe_like_; }
  uint64_t raw_bytes() const override { return raw_; }

 private:
  std::deque<std::string> pieces_;
  bool fail_at_end_, pipe_like_;
  uint64_t raw_ = 0;
};

}  // namespace logstreamer::sources
