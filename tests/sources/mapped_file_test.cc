#include "sources/mapped_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace logstreamer::sources {
namespace {

class MappedFileTest : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/logstreamer-mapped-XXXXXX";
    fd_ = mkstemp(tmpl);
    path_ = tmpl;
  }
  void TearDown() override {
    close(fd_);
    unlink(path_.c_str());
  }
  void write_lines(size_t count) {
    std::string all;
    for (size_t i = 0; i < count; ++i) all += "line number " + std::to_string(i) + " with some padding text\n";
    ASSERT_EQ(write(fd_, all.data(), all.size()), static_cast<ssize_t>(all.size()));
    content_ = all;
  }
  int fd_ = -1;
  std::string path_;
  std::string content_;
};

TEST_F(MappedFileTest, BatchesAreWholeLinesAndCoverTheFile) {
  write_lines(20000);
  std::atomic<uint64_t> position{0};
  MappedChunker chunker(3, 64 * 1024, position);
  std::string joined;
  uint64_t expected_seq = 0;
  ASSERT_TRUE(chunker.run(fd_, content_.size(), {}, [&](core::Batch b) {
                EXPECT_EQ(b.origin().seq, expected_seq++);
                EXPECT_EQ(b.text().back(), '\n');
                joined += b.text();
                return true;
              }).ok());
  EXPECT_GT(expected_seq, 5u);
  EXPECT_EQ(joined, content_);
  EXPECT_EQ(position.load(), content_.size());
}

TEST_F(MappedFileTest, FileTruncatedWhileMappedReadsAsZerosAndIsReported) {
  write_lines(20000);  // about 850 KB: many pages
  std::atomic<uint64_t> position{0};
  std::atomic<bool> truncated{false};
  MappedChunker chunker(0, 64 * 1024, position, &truncated);
  std::vector<core::Batch> batches;
  ASSERT_TRUE(chunker.run(fd_, content_.size(), {}, [&](core::Batch b) {
                batches.push_back(std::move(b));
                return true;
              }).ok());
  ASSERT_EQ(ftruncate(fd_, 0), 0);  // logrotate copytruncate, mid-run
  // Reading the batches now would be SIGBUS without the guard.
  uint64_t zeros = 0, bytes = 0;
  for (const auto& b : batches) {
    for (char c : b.text()) {
      zeros += c == '\0';
      ++bytes;
    }
  }
  EXPECT_EQ(bytes, content_.size());
  EXPECT_GT(zeros, 0u);
  EXPECT_TRUE(truncated.load());
}

}  // namespace
}  // namespace logstreamer::sources
