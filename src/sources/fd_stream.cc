#include "sources/fd_stream.h"

#include <cerrno>
#include <cstring>

#include <poll.h>
#include <unistd.h>

namespace logstreamer::sources {

FdStream::FdStream(int fd, bool regular_file) : fd_(fd), regular_(regular_file) {}

FdStream::~FdStream() {
  if (fd_ > STDERR_FILENO) close(fd_);
}

absl::StatusOr<size_t> FdStream::read_fd(char* dst, size_t n, std::stop_token stop) {
  while (true) {
    if (!regular_) {
      // Wait in short slices so a stop request is noticed within 100 ms.
      pollfd p{fd_, POLLIN, 0};
      const int r = poll(&p, 1, 100);
      if (r < 0 && errno != EINTR) return absl::InternalError(std::strerror(errno));
      if (r <= 0) {
        if (stop.stop_requested()) return 0;
        continue;
      }
    }
    const ssize_t got = ::read(fd_, dst, n);
    if (got >= 0) {
      raw_bytes_.fetch_add(static_cast<uint64_t>(got), std::memory_order_relaxed);
      return static_cast<size_t>(got);
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) continue;
    return absl::InternalError(std::strerror(errno));
  }
}

absl::StatusOr<std::string_view> FdStream::peek(size_t n, std::stop_token stop) {
  n = std::min(n, sizeof(peeked_));
  while (peeked_len_ < n) {
    auto got = read_fd(peeked_ + peeked_len_, n - peeked_len_, stop);
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    peeked_len_ += *got;
  }
  return std::string_view(peeked_, peeked_len_);
}

absl::StatusOr<size_t> FdStream::read(char* dst, size_t n, std::stop_token stop) {
  if (peeked_pos_ < peeked_len_) {
    const size_t take = std::min(n, peeked_len_ - peeked_pos_);
    std::memcpy(dst, peeked_ + peeked_pos_, take);
    peeked_pos_ += take;
    return take;
  }
  return read_fd(dst, n, stop);
}

bool FdStream::ready() {
  if (regular_ || peeked_pos_ < peeked_len_) return true;
  pollfd p{fd_, POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

}  // namespace logstreamer::sources
