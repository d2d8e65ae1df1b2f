#include "simd/bytes.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "simd/test_tiers.h"

namespace logstreamer::simd {
namespace {

// Memory whose last byte is followed by an inaccessible page: a kernel that
// reads one byte past what it was given crashes the test.
class GuardedBuffer {
 public:
  GuardedBuffer() {
    page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    base_ = static_cast<char*>(mmap(nullptr, 2 * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    EXPECT_NE(base_, MAP_FAILED);
    EXPECT_EQ(mprotect(base_ + page_, page_, PROT_NONE), 0);
  }
  ~GuardedBuffer() { munmap(base_, 2 * page_); }
  // n bytes ending exactly at the guard page.
  char* tail(size_t n) { return base_ + page_ - n; }
  // The start of the readable page, with `junk` bytes (the needle, blanks,
  // equal bytes) after the n bytes a test puts there: a kernel that reads
  // ahead in place must mask them off.
  char* front(size_t n, char junk) {
    std::memset(base_ + n, junk, 128);
    return base_;
  }

 private:
  size_t page_ = 0;
  char* base_ = nullptr;
};

TEST(SimdBytes, EqualAgreesWithMemcmpAtEveryLengthAndNeverReadsPast) {
  GuardedBuffer ga, gb;
  std::mt19937 rng(7);
  for (size_t n = 0; n <= 300; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      char* a = ga.tail(n);
      char* b = gb.tail(n);
      for (size_t i = 0; i < n; ++i) a[i] = b[i] = static_cast<char>(rng());
      if (n > 0 && trial % 2 == 1) b[rng() % n] ^= static_cast<char>(1 + rng() % 255);
      const bool expected = std::memcmp(a, b, n) == 0;
      EXPECT_EQ(equal(a, b, n), expected) << n;
      char* fa = ga.front(n, 'x');
      char* fb = gb.front(n, 'y');  // differs past the end: must not matter
      std::memmove(fa, a, n);
      std::memmove(fb, b, n);
      for (Level tier : tiers_under_test()) {
        EXPECT_EQ(detail::equal_for(tier, fa, fb, n), expected)
            << n << " in place " << level_name(tier);
      }
      for (Level tier : tiers_under_test()) {
        EXPECT_EQ(detail::equal_for(tier, a, b, n), expected) << n << " " << level_name(tier);
      }
    }
  }
}

TEST(SimdBytes, FindAgreesWithMemchrAtEveryLengthAndNeverReadsPast) {
  GuardedBuffer g;
  std::mt19937 rng(11);
  for (size_t n = 0; n <= 300; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      char* p = g.tail(n);
      for (size_t i = 0; i < n; ++i) p[i] = static_cast<char>('a' + rng() % 26);
      if (n > 0 && trial % 4 != 0) p[rng() % n] = '\n';  // one in four has none
      if (n > 0 && trial % 4 == 3) p[rng() % n] = '\n';  // some have two: the first counts
      const char* expected = static_cast<const char*>(std::memchr(p, '\n', n));
      EXPECT_EQ(find(p, p + n, '\n'), expected) << n;
      char* f = g.front(n, '\n');  // needles right after the end
      std::memmove(f, p, n);
      const char* expected_front = static_cast<const char*>(std::memchr(f, '\n', n));
      for (Level tier : tiers_under_test()) {
        EXPECT_EQ(detail::find_for(tier, f, f + n, '\n'), expected_front)
            << n << " in place " << level_name(tier);
      }
      for (Level tier : tiers_under_test()) {
        EXPECT_EQ(detail::find_for(tier, p, p + n, '\n'), expected) << n << " " << level_name(tier);
      }
    }
  }
}

TEST(SimdBytes, BlankMaskAgreesWithAByteLoopAtEveryLengthAndNeverReadsPast) {
  GuardedBuffer g;
  std::mt19937 rng(13);
  const std::vector<Level> tiers = tiers_under_test();
  for (size_t n = 0; n <= 100; ++n) {
    for (int trial = 0; trial < 30; ++trial) {
      char* p = g.tail(n);
      for (size_t i = 0; i < n; ++i) p[i] = " \tab\n\x09\x20\x00\xa0"[rng() % 9];
      uint64_t expected = 0;
      for (size_t i = 0; i < n && i < 64; ++i) {
        if (p[i] == ' ' || p[i] == '\t') expected |= uint64_t{1} << i;
      }
      EXPECT_EQ(blank_mask(p, n), expected) << n;
      char* f = g.front(n, ' ');  // blanks right after the end
      std::memmove(f, p, n);
      for (Level tier : tiers_under_test()) {
        EXPECT_EQ(detail::blank_mask_for(tier, f, n), expected)
            << n << " in place " << level_name(tier);
      }
      for (Level tier : tiers) {
        EXPECT_EQ(detail::blank_mask_for(tier, p, n), expected) << n << " " << level_name(tier);
      }
    }
  }
}

// find_line_end() is find('\n') and blank_mask() of the same bytes in one
// pass: both answers, on every tier, with newlines and blanks on either side
// of the 64-byte block edge and right after the end.
TEST(SimdBytes, FindLineEndIsFindAndBlankMaskAtEveryLengthAndNeverReadsPast) {
  GuardedBuffer g;
  std::mt19937 rng(17);
  for (size_t n = 0; n <= 200; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      char* p = g.tail(n);
      for (size_t i = 0; i < n; ++i) p[i] = " \tab\r:9"[rng() % 7];
      if (n > 0 && trial % 4 != 0) p[rng() % n] = '\n';
      if (n > 0 && trial % 4 == 3) p[rng() % n] = '\n';
      const char* expected = static_cast<const char*>(std::memchr(p, '\n', n));
      uint64_t expected_blanks = 0;
      for (size_t i = 0; i < n && i < 64; ++i) {
        if (p[i] == ' ' || p[i] == '\t') expected_blanks |= uint64_t{1} << i;
      }
      uint64_t blanks = ~uint64_t{0};
      EXPECT_EQ(find_line_end(p, p + n, blanks), expected) << n;
      EXPECT_EQ(blanks, expected_blanks) << n;
      for (char junk : {' ', '\n'}) {  // blanks or newlines right after the end
        char* f = g.front(n, junk);
        std::memmove(f, p, n);
        const char* expected_front = expected != nullptr ? f + (expected - p) : nullptr;
        for (Level tier : tiers_under_test()) {
          blanks = ~uint64_t{0};
          EXPECT_EQ(detail::find_line_end_for(tier, f, f + n, blanks), expected_front)
              << n << " in place " << level_name(tier);
          EXPECT_EQ(blanks, expected_blanks) << n << " in place " << level_name(tier);
        }
      }
      for (Level tier : tiers_under_test()) {
        blanks = ~uint64_t{0};
        EXPECT_EQ(detail::find_line_end_for(tier, p, p + n, blanks), expected)
            << n << " " << level_name(tier);
        EXPECT_EQ(blanks, expected_blanks) << n << " " << level_name(tier);
      }
    }
  }
}

TEST(SimdLevel, ActiveLevelIsSupportedAndNamed) {
  EXPECT_TRUE(cpu_supports(active_level()));
  EXPECT_TRUE(cpu_supports(Level::kScalar));
  EXPECT_STRNE(level_name(active_level()), "");
  for (Level l : kAllLevels) EXPECT_EQ(parse_level(level_name(l)), l);
  EXPECT_EQ(parse_level("avx3"), std::nullopt);
  // Tiers are ordered: a CPU with one has every tier below it (on x86-64).
  if (cpu_supports(Level::kAvx512)) {
    EXPECT_TRUE(cpu_supports(Level::kAvx2));
  }
  if (cpu_supports(Level::kAvx2)) {
    EXPECT_TRUE(cpu_supports(Level::kSse2));
  }
  const std::vector<Level> tiers = tiers_under_test();
  std::string names;
  for (Level l : tiers) names += std::string(" ") + level_name(l);
  RecordProperty("tiers", names);
  std::cout << "tiers under test:" << names << " (CPU: " << cpu_features() << ")\n";
  EXPECT_FALSE(tiers.empty());
}

}  // namespace
}  // namespace logstreamer::simd
