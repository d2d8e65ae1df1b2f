#include "sources/cold_readahead.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace logstreamer::sources {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

// A file on disk (/tmp: ext4 on the machines this runs on), written, synced
// and dropped from the page cache, so that "resident" means "read in since".
class ColdReadaheadTest : public testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/logstreamer-cold-XXXXXX";
    fd_ = mkstemp(tmpl);
    ASSERT_GE(fd_, 0);
    path_ = tmpl;
  }
  void TearDown() override {
    if (map_ != nullptr) munmap(map_, size_);
    close(fd_);
    unlink(path_.c_str());
  }

  void write_cold(uint64_t size) {
    const std::string block(kMiB, 'x');
    for (uint64_t done = 0; done < size; done += kMiB) {
      const size_t n = static_cast<size_t>(std::min(kMiB, size - done));
      ASSERT_EQ(write(fd_, block.data(), n), static_cast<ssize_t>(n));
    }
    size_ = size;
    ASSERT_EQ(fdatasync(fd_), 0);
    ASSERT_EQ(posix_fadvise(fd_, 0, 0, POSIX_FADV_DONTNEED), 0);
    map_ = static_cast<char*>(mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd_, 0));
    ASSERT_NE(map_, MAP_FAILED);
    ASSERT_EQ(resident_pages(0, size_), 0u)
        << "the file system kept the pages after POSIX_FADV_DONTNEED (tmpfs?): "
           "this test needs /tmp on a disk";
  }

  // Pages of [offset, offset + length) in the page cache (mincore does not
  // fault anything in).
  uint64_t resident_pages(uint64_t offset, uint64_t length) const {
    const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> state((length + page - 1) / page);
    EXPECT_EQ(mincore(map_ + offset, length, state.data()), 0);
    uint64_t n = 0;
    for (unsigned char s : state) n += s & 1;
    return n;
  }
  uint64_t pages(uint64_t bytes) const {
    const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    return (bytes + page - 1) / page;
  }

  int fd_ = -1;
  std::string path_;
  char* map_ = nullptr;
  uint64_t size_ = 0;
};

TEST_F(ColdReadaheadTest, ReadsInTheTwoMiBBlocksAroundAnUncachedRangeAndNoMore) {
  write_cold(16 * kMiB);
  ColdReadahead readahead(fd_, size_);
  readahead.fill(kMiB, kMiB + 10);  // [1 MiB, 2 MiB + 10): the blocks [0, 4 MiB)
  EXPECT_EQ(readahead.filled_bytes(), 4 * kMiB);
  EXPECT_EQ(resident_pages(0, 4 * kMiB), pages(4 * kMiB));
  // The kernel's own readahead may go a window further; not to the end.
  EXPECT_EQ(resident_pages(12 * kMiB, 4 * kMiB), 0u) << "read far past the blocks it was asked for";
}

TEST_F(ColdReadaheadTest, LeavesACachedRangeAlone) {
  write_cold(4 * kMiB);
  std::string buf(4 * kMiB, '\0');
  ASSERT_EQ(pread(fd_, buf.data(), buf.size(), 0), static_cast<ssize_t>(buf.size()));
  ASSERT_EQ(resident_pages(0, size_), pages(size_));
  ColdReadahead readahead(fd_, size_);
  readahead.fill(0, size_);
  EXPECT_EQ(readahead.filled_bytes(), 0u);
}

TEST_F(ColdReadaheadTest, ANewEndOfAGrownFileIsReadIn) {
  write_cold(4 * kMiB);
  std::string buf(3 * kMiB, '\0');  // the first 3 MiB cached, the last one not
  ASSERT_EQ(posix_fadvise(fd_, 0, 0, POSIX_FADV_RANDOM), 0);  // no readahead past them
  ASSERT_EQ(pread(fd_, buf.data(), buf.size(), 0), static_cast<ssize_t>(buf.size()));
  ASSERT_EQ(posix_fadvise(fd_, 0, 0, POSIX_FADV_NORMAL), 0);
  ASSERT_EQ(resident_pages(3 * kMiB, kMiB), 0u) << "the last MiB was read ahead";
  ColdReadahead readahead(fd_, size_);
  readahead.fill(0, 2 * kMiB);
  EXPECT_EQ(readahead.filled_bytes(), 0u) << "the first block was cached";
  readahead.fill(2 * kMiB, 2 * kMiB);  // its first page cached, its last not
  EXPECT_EQ(readahead.filled_bytes(), 2 * kMiB);
  EXPECT_EQ(resident_pages(0, size_), pages(size_));
}

TEST_F(ColdReadaheadTest, TheFilesEndBoundsTheRead) {
  write_cold(5 * kMiB + 100);
  ColdReadahead readahead(fd_, size_);
  readahead.fill(4 * kMiB + 10, 10 * kMiB);  // asks past the end
  EXPECT_EQ(readahead.filled_bytes(), kMiB + 100);
  EXPECT_EQ(resident_pages(4 * kMiB, kMiB + 100), pages(kMiB + 100));
  readahead.fill(size_, kMiB);  // at the end: nothing to read
  readahead.fill(size_ + kMiB, kMiB);
  EXPECT_EQ(readahead.filled_bytes(), kMiB + 100);
}

// Log rotation by truncation while the file is read: the pages past the new
// end no longer exist. Reading them in must fail quietly (no SIGBUS: nothing
// is touched), count nothing, and leave the rest readable.
TEST_F(ColdReadaheadTest, AFileTruncatedMeanwhileIsNotReadPastItsEnd) {
  write_cold(8 * kMiB);
  ColdReadahead readahead(fd_, size_);
  ASSERT_EQ(ftruncate(fd_, 3 * kMiB), 0);
  readahead.fill(4 * kMiB, 4 * kMiB);
  EXPECT_EQ(readahead.filled_bytes(), 0u);
  readahead.fill(0, 2 * kMiB);
  EXPECT_EQ(readahead.filled_bytes(), 2 * kMiB);
}

TEST(ColdReadaheadEmptyTest, AnEmptyFileOrABadDescriptorDoesNothing) {
  ColdReadahead empty(-1, 0);
  empty.fill(0, kMiB);
  EXPECT_EQ(empty.filled_bytes(), 0u);
  ColdReadahead bad(-1, kMiB);  // the mapping fails: fill() must not touch it
  bad.fill(0, kMiB);
  EXPECT_EQ(bad.filled_bytes(), 0u);
}

}  // namespace
}  // namespace logstreamer::sources
