#pragma once
// InputStream: a byte stream a source reads from (a file, stdin, a
// decompressor over either).
//
// read() fills up to `n` bytes and returns how many; 0 means end of input, or
// that `stop` was requested while waiting (the caller tells the two apart by
// asking the token). Reads from pipes and terminals wait at most ~100 ms at a
// time so a stop request is honoured promptly. Errors come back as a status
// whose message is a short reason ("Permission denied", "corrupt gzip data").
//
// Not thread-safe: one reader thread owns a stream. raw_bytes() alone may be
// read from another thread (progress reporting).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>

#include "absl/status/statusor.h"

namespace logstreamer::sources {

class InputStream {
 public:
  virtual ~InputStream() = default;
  virtual absl::StatusOr<size_t> read(char* dst, size_t n, std::stop_token stop) = 0;
  // True when more bytes can be had without waiting (always true for regular
  // files until their end). Lets the chunker hand over a partial batch when a
  // pipe goes quiet instead of holding lines back.
  virtual bool ready() = 0;
  // Bytes consumed from the underlying file or pipe (compressed bytes for
  // compressed input).
  virtual uint64_t raw_bytes() const = 0;
};

enum class Compression { kNone, kGzip, kZstd };

class FdStream;

struct OpenedFile {
  std::unique_ptr<FdStream> stream;
  uint64_t size = 0;  // raw size for regular files, 0 when unknown
};

// Opens a path ("-" is stdin) without reading from it, so a missing or
// unreadable file is reported before any work starts. The error's message is
// the OS's reason ("No such file or directory").
absl::StatusOr<OpenedFile> open_file(const std::string& path);

// Tells the compression from the first bytes (not from the file name), without
// consuming them. Runs on the reader thread: on a pipe the first bytes may take
// a while to arrive, and `stop` interrupts the wait.
absl::StatusOr<Compression> sniff_compression(FdStream& file, std::stop_token stop);

// Wraps `file` in the decompressor for `compression` (or returns it as it is).
std::unique_ptr<InputStream> decompressed(std::unique_ptr<FdStream> file, Compression compression);

}  // namespace logstreamer::sources
