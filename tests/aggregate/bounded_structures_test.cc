// The aggregates never grow without bound, and say so when a cap was reached.
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <map>
#include <random>

#include <string>

#include <gtest/gtest.h>

#include "aggregate/capped_counter.h"
#include "aggregate/malformed_samples.h"
#include "aggregate/minute_buckets.h"
#include "aggregate/top_messages.h"

namespace logstreamer::aggregate {
namespace {

TEST(CappedCounter, CountsPastTheCapGoToOverflow) {
  CappedCounter c(3);
  for (int i = 0; i < 10; ++i) c.add("svc" + std::to_string(i));
  c.add("svc0", 5);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.overflow(), 7u);
  EXPECT_EQ(c.get("svc0"), 6u);
  EXPECT_EQ(c.get("svc9"), 0u);
  const auto sorted = c.sorted();
  EXPECT_EQ(sorted.front().first, "svc0");
}

TEST(CappedCounter, FrontCacheStaysCorrectWithCollidingKeys) {
  // Many keys with the same length and similar bytes exercise cache slot reuse.
  CappedCounter c(100000);
  std::map<std::string, uint64_t> expected;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5000; ++i) {
      const std::string key = "service-" + std::to_string(i * 7919 % 5000);
      c.add(key);
      ++expected[key];
    }
  }
  for (const auto& [k, n] : expected) ASSERT_EQ(c.get(k), n) << k;
  uint64_t total = 0;
  for (const auto& [k, n] : c.sorted()) total += n;
  EXPECT_EQ(total, 15000u);
}

// The cache compares a key by two words and its middle: keys of every length
// that differ in exactly one byte, at every position, must stay apart.
TEST(CappedCounter, KeysDifferingInOneByteAtAnyPositionStayApart) {
  CappedCounter c(100000);
  std::map<std::string, uint64_t> expected;
  for (int round = 0; round < 2; ++round) {
    for (size_t len = 0; len <= 40; ++len) {
      const std::string base(len, 'k');
      c.add(base);
      ++expected[base];
      for (size_t pos = 0; pos < len; ++pos) {
        std::string key = base;
        key[pos] = 'x';
        c.add(key);
        ++expected[key];
      }
    }
  }
  for (const auto& [k, n] : expected) ASSERT_EQ(c.get(k), n) << "[" << k << "]";
  EXPECT_EQ(c.size(), expected.size());
}

// A key under 8 bytes is read as a whole word where that stays in its page:
// keys that end right before an inaccessible page (no read past it) and the
// same keys followed by other bytes count as one.
TEST(CappedCounter, ShortKeysAtAPageEndAndAmidOtherBytesCountAsOne) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  char* base = static_cast<char*>(
      mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(base, MAP_FAILED);
  ASSERT_EQ(mprotect(base + page, page, PROT_NONE), 0);
  CappedCounter c(100000);
  std::map<std::string, uint64_t> expected;
  std::mt19937 rng(3);
  for (int round = 0; round < 3; ++round) {
    for (size_t len = 0; len <= 20; ++len) {
      std::string key(len, 'a');
      for (char& ch : key) ch = static_cast<char>('a' + rng() % 3);
      char* at_end = base + page - len;
      std::memcpy(at_end, key.data(), len);
      c.add(std::string_view(at_end, len));
      char* amid = base + rng() % (page / 2);
      std::memcpy(amid, key.data(), len);
      std::memset(amid + len, static_cast<int>('a' + rng() % 3), 8);  // bytes a key could have
      c.add(std::string_view(amid, len));
      expected[key] += 2;
    }
  }
  munmap(base, 2 * page);
  for (const auto& [k, n] : expected) ASSERT_EQ(c.get(k), n) << "[" << k << "]";
  EXPECT_EQ(c.size(), expected.size());
}

// Moved top messages keep counting through their caches (which point into
// the map's nodes, and those move with the map): analyze moves the first
// worker's summary instead of copying it.
TEST(TopMessages, MovedCountsKeepCounting) {
  TopMessages a;
  for (int i = 0; i < 100; ++i) a.add("user " + std::to_string(i) + " logged in");
  a.add("Health check ok");
  TopMessages b = std::move(a);
  for (int i = 0; i < 50; ++i) b.add("user " + std::to_string(i) + " logged in");
  b.add("Health check ok");
  const auto top = b.top(10);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0], std::make_pair(std::string("user <n> logged in"), uint64_t{150}));
  EXPECT_EQ(top[1], std::make_pair(std::string("Health check ok"), uint64_t{2}));
}

TEST(TopMessages, PrunesTheRareHalfWhenFullAndSaysItIsApproximate) {
  TopMessages top(100);
  for (int i = 0; i < 50; ++i) top.add_template("frequent", 1);
  for (int i = 0; i < 1000; ++i)
    top.add_template("rare " + std::string(1, static_cast<char>('a' + i % 26)) +
                         std::to_string(i * 31 % 977) + "x",
                     1);
  EXPECT_LE(top.size(), 100u);
  EXPECT_TRUE(top.approximate());
  EXPECT_GT(top.pruned_count(), 0u);
  EXPECT_EQ(top.top(1)[0], (std::pair<std::string, uint64_t>{"frequent", 50}));
}

TEST(TopMessages, ExactBelowCapacity) {
  TopMessages top(100);
  top.add("User 1 logged in");
  top.add("User 2 logged in");
  top.add("Cache miss");
  EXPECT_FALSE(top.approximate());
  const auto t = top.top(10);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0], (std::pair<std::string, uint64_t>{"User <n> logged in", 2}));
}

TEST(MinuteBuckets, BoundedNumberOfMinutes) {
  MinuteBuckets m(10);
  for (int i = 0; i < 20; ++i) m.add(int64_t{i} * 60'000'000, parse::Level::kInfo);
  EXPECT_EQ(m.size(), 10u);
  EXPECT_EQ(m.overflow(), 10u);
}

TEST(MinuteBuckets, FloorsNegativeTimesCorrectly) {
  EXPECT_EQ(MinuteBuckets::floor_minute(-1), -60);
  EXPECT_EQ(MinuteBuckets::floor_minute(59'999'999), 0);
  EXPECT_EQ(MinuteBuckets::floor_minute(60'000'000), 60);
}

// The cached minute is checked by a subtraction, not by flooring each time:
// the counts must still be those of floor_minute, across minute edges,
// negative times, far jumps and times that go back.
TEST(MinuteBuckets, CountsEqualFlooringEveryTime) {
  std::mt19937_64 rng(5);
  MinuteBuckets m;
  std::map<int64_t, std::array<uint64_t, parse::kLevelCount>> expected;
  int64_t t = -90'000'000;
  for (int i = 0; i < 200000; ++i) {
    switch (rng() % 8) {
      case 0:  // around an edge, either way
        t += static_cast<int64_t>(rng() % 120'000'000) - 60'000'000;
        break;
      case 1:  // a far jump, negative or positive
        t = static_cast<int64_t>(rng() % 400'000'000'000'000'000ULL) - 200'000'000'000'000'000LL;
        break;
      case 2:  // an exact edge or just before it
        t = (t / 60'000'000) * 60'000'000 - static_cast<int64_t>(rng() % 2);
        break;
      default:  // the usual: a little later
        t += static_cast<int64_t>(rng() % 1'000'000);
        break;
    }
    const auto level = static_cast<parse::Level>(rng() % parse::kLevelCount);
    m.add(t, level);
    ++expected[MinuteBuckets::floor_minute(t)][static_cast<size_t>(level)];
  }
  const auto got = m.sorted();
  ASSERT_EQ(got.size(), expected.size());
  auto want = expected.begin();
  for (const auto& [minute, counts] : got) {
    ASSERT_EQ(minute, want->first);
    uint64_t total = 0;
    for (size_t l = 0; l < parse::kLevelCount; ++l) {
      EXPECT_EQ(counts.levels[l], want->second[l]) << minute;
      total += want->second[l];
    }
    EXPECT_EQ(counts.total, total);
    ++want;
  }
}

TEST(MalformedSamples, KeepsTheFirstNInInputOrder) {
  MalformedSamples s(3);
  for (uint64_t line : {9u, 4u, 7u, 1u, 8u, 2u}) {
    s.add(LinePosition{0, 0, line}, parse::ParseError::kUnknownLevel, "x");
  }
  const auto sorted = s.sorted();
  ASSERT_EQ(sorted.size(), 3u);
  EXPECT_EQ(sorted[0].position.line_in_batch, 1u);
  EXPECT_EQ(sorted[1].position.line_in_batch, 2u);
  EXPECT_EQ(sorted[2].position.line_in_batch, 4u);
}

TEST(MalformedSamples, CutsLongLines) {
  MalformedSamples s(1);
  s.add(LinePosition{}, parse::ParseError::kUnknownLevel, std::string(10000, 'z'));
  EXPECT_EQ(s.sorted()[0].text.size(), MalformedSamples::kMaxSampleBytes);
}

}  // namespace
}  // namespace logstreamer::aggregate
