#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/decompress_stream.h"
#include "sources/fd_stream.h"
#include "sources/input_stream.h"

namespace logstreamer::sources {
namespace {

constexpr unsigned char kGzipMagic[] = {0x1f, 0x8b};
constexpr unsigned char kZstdMagic[] = {0x28, 0xb5, 0x2f, 0xfd};

bool starts_with(std::string_view head, const unsigned char* magic, size_t n) {
  return head.size() >= n && std::memcmp(head.data(), magic, n) == 0;
}

}  // namespace

absl::StatusOr<OpenedFile> open_file(const std::string& path) {
  int fd = STDIN_FILENO;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return absl::NotFoundError(std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    const int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
    if (fd != STDIN_FILENO) ::close(fd);
    return absl::InvalidArgumentError(std::strerror(err));
  }
  const bool regular = S_ISREG(st.st_mode);
  if (regular) posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return OpenedFile{std::make_unique<FdStream>(fd, regular),
                    regular ? static_cast<uint64_t>(st.st_size) : 0};
}

absl::StatusOr<Compression> sniff_compression(FdStream& file, std::stop_token stop) {
  // Ask for one byte first: a plain-text pipe that sent "x\n" and went quiet
  // must not be held up waiting for a fourth byte.
  auto head = file.peek(1, stop);
  if (head.ok() && !head->empty() && ((*head)[0] == '\x1f' || (*head)[0] == '\x28')) {
    head = file.peek(sizeof(kZstdMagic), stop);
  }
  if (!head.ok()) return head.status();
  if (starts_with(*head, kGzipMagic, sizeof(kGzipMagic))) return Compression::kGzip;
  if (starts_with(*head, kZstdMagic, sizeof(kZstdMagic))) return Compression::kZstd;
  return Compression::kNone;
}

std::unique_ptr<InputStream> decompressed(std::unique_ptr<FdStream> file, Compression compression) {
  switch (compression) {
    case Compression::kGzip:
      return std::make_unique<GzipStream>(std::move(file));
    case Compression::kZstd:
      return std::make_unique<ZstdStream>(std::move(file));
    case Compression::kNone:
      break;
  }
  return file;
}

}  // namespace logstreamer::sources
