#pragma once
// FdStream: an InputStream over a file descriptor (file, pipe, terminal).
#include <atomic>
#include <string_view>

#include "sources/input_stream.h"

namespace logstreamer::sources {

class FdStream final : public InputStream {
 public:
  // Takes ownership of `fd` unless it is stdin.
  FdStream(int fd, bool regular_file);
  ~FdStream() override;
  FdStream(const FdStream&) = delete;
  FdStream& operator=(const FdStream&) = delete;

  absl::StatusOr<size_t> read(char* dst, size_t n, std::stop_token stop) override;
  bool ready() override;
  uint64_t raw_bytes() const override { return raw_bytes_.load(std::memory_order_relaxed); }
  int fd() const { return fd_; }
  bool regular() const { return regular_; }

  // Makes at least `n` leading bytes (fewer at end of input) visible through
  // peeked() without consuming them: the next read() returns them first. Used
  // to sniff compression magic. n <= 8.
  absl::StatusOr<std::string_view> peek(size_t n, std::stop_token stop);

 private:
  absl::StatusOr<size_t> read_fd(char* dst, size_t n, std::stop_token stop);

  int fd_;
  bool regular_;
  std::atomic<uint64_t> raw_bytes_{0};
  char peeked_[8] = {};
  size_t peeked_len_ = 0;
  size_t peeked_pos_ = 0;
};

}  // namespace logstreamer::sources
