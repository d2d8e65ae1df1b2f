#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include "sources/fd_stream.h"
#include "sources/input_stream.h"

namespace logstreamer::sources {
namespace {

class TempFile {
 public:
  explicit TempFile(const std::string& bytes) {
    char tmpl[] = "/tmp/logstreamer-test-XXXXXX";
    const int fd = mkstemp(tmpl);
    path_ = tmpl;
    EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    close(fd);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string sample_text(size_t lines) {
  std::mt19937 rng(42);
  std::string s;
  for (size_t i = 0; i < lines; ++i) s += "INFO 2024-01-20T10:00:00Z svc message " + std::to_string(rng()) + "\n";
  return s;
}

std::string gzip(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
  return out;
}

// Opens, sniffs and reads a whole file through the public entry points.
absl::StatusOr<std::string> read_all(const std::string& path, Compression* seen = nullptr) {
  auto file = open_file(path);
  if (!file.ok()) return file.status();
  auto compression = sniff_compression(*file->stream, std::stop_token{});
  if (!compression.ok()) return compression.status();
  if (seen != nullptr) *seen = *compression;
  auto stream = decompressed(std::move(file->stream), *compression);
  std::string out;
  char buf[4096];
  while (true) {
    auto got = stream->read(buf, sizeof(buf), std::stop_token{});
    if (!got.ok()) return got.status();
    if (*got == 0) return out;
    out.append(buf, *got);
  }
}

TEST(InputStream, PlainFileReadsBackExactly) {
  const std::string text = sample_text(1000);
  TempFile f(text);
  Compression c;
  EXPECT_EQ(read_all(f.path(), &c).value(), text);
  EXPECT_EQ(c, Compression::kNone);
}

TEST(InputStream, GzipIsDetectedByContentAndDecompressed) {
  const std::string text = sample_text(5000);
  TempFile f(gzip(text));  // no .gz suffix: detection is by magic bytes
  Compression c;
  EXPECT_EQ(read_all(f.path(), &c).value(), text);
  EXPECT_EQ(c, Compression::kGzip);
}

TEST(InputStream, ConcatenatedGzipMembersAreAllRead) {
  const std::string a = sample_text(100), b = sample_text(50);
  TempFile f(gzip(a) + gzip(b));
  EXPECT_EQ(read_all(f.path()).value(), a + b);
}

TEST(InputStream, ZstdIsDetectedAndDecompressed) {
  const std::string text = sample_text(5000);
  TempFile f(zstd(text) + zstd("tail\n"));
  Compression c;
  EXPECT_EQ(read_all(f.path(), &c).value(), text + "tail\n");
  EXPECT_EQ(c, Compression::kZstd);
}

TEST(InputStream, TruncatedGzipIsAnErrorNotSilentData) {
  const std::string gz = gzip(sample_text(2000));
  TempFile f(gz.substr(0, gz.size() / 2));
  auto r = read_all(f.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("gzip"), std::string::npos);
}

TEST(InputStream, CorruptZstdIsAnError) {
  std::string z = zstd(sample_text(2000));
  for (size_t i = 8; i < z.size(); i += 7) z[i] ^= 0x5a;
  TempFile f(z);
  EXPECT_FALSE(read_all(f.path()).ok());
}

TEST(InputStream, MissingFileAndDirectoryGiveTheOsReason) {
  auto missing = open_file("/nonexistent/file.log");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(std::string(missing.status().message()), "No such file or directory");
  auto dir = open_file("/tmp");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(std::string(dir.status().message()), "Is a directory");
}

TEST(InputStream, RawBytesCountsCompressedInput) {
  const std::string gz = gzip(sample_text(3000));
  TempFile f(gz);
  auto file = open_file(f.path());
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->size, gz.size());
  FdStream* raw = file->stream.get();
  auto stream = decompressed(std::move(file->stream), Compression::kGzip);
  char buf[65536];
  while (stream->read(buf, sizeof(buf), std::stop_token{}).value() > 0) {
  }
  EXPECT_EQ(raw->raw_bytes(), gz.size());
}

}  // namespace
}  // namespace logstreamer::sources
