#include "aggregate/message_shapes.h"

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "aggregate/message_template.h"
#include "aggregate/top_messages.h"
#include "simd/test_tiers.h"

namespace logstreamer::aggregate {
namespace {

// What a shape stands for: each marker byte becomes its mask.
std::string expand(const std::string& shape) {
  std::string out;
  for (char c : shape) {
    if (c == 1) {
      out += "<id>";
    } else if (c == 2) {
      out += "<n>";
    } else {
      out += c;
    }
  }
  return out;
}

std::string random_message(std::mt19937& rng, size_t max_len) {
  static const std::string alphabet =
      "aZq019 .-+%_=:/,;()[]\"'@#&|\t\xc3\xa9\xff"
      "5555mms";
  std::string m(rng() % (max_len + 1), ' ');
  for (auto& c : m) c = alphabet[rng() % alphabet.size()];
  return m;
}

// The shape is computed by bit arithmetic over whole blocks (tokens may
// cross from the first 64 bytes into the second); the template
// by the byte-at-a-time reference. They must agree on every message, and
// every tier's kernel must give the scalar kernel's shape, byte for byte.
TEST(MessageShapes, ShapeExpandsToTheTemplateOnEveryTier) {
  std::mt19937 rng(2024);
  std::unique_ptr<char[]> scratch(new char[kMaxTemplateBytes]);
  const std::vector<simd::Level> tiers = simd::tiers_under_test();
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> owned;
    for (int i = 0; i < 100; ++i) owned.push_back(random_message(rng, i % 2 ? 63 : 127));
    // Views into one buffer, each message followed by digits and letters (as
    // the next line of a batch is): a kernel that reads past a message in
    // place must not let those bytes change its shape.
    std::string arena;
    std::vector<size_t> offsets;
    for (const std::string& m : owned) {
      offsets.push_back(arena.size());
      arena += m;
      for (int k = 0; k < 20; ++k) arena += "9a.-%5"[rng() % 6];
    }
    std::vector<std::string_view> views;
    for (size_t i = 0; i < owned.size(); ++i)
      views.emplace_back(arena.data() + offsets[i], owned[i].size());
    const auto reference = MessageShapes::shapes_of(views, simd::Level::kScalar);
    for (size_t i = 0; i < owned.size(); ++i) {
      ASSERT_TRUE(reference[i].has_value()) << owned[i];
      ASSERT_EQ(expand(*reference[i]),
                std::string(detail::mask_message_scalar(owned[i], scratch.get())))
          << "[" << owned[i] << "]";
    }
    for (simd::Level tier : tiers) {
      const auto shapes = MessageShapes::shapes_of(views, tier);
      for (size_t i = 0; i < owned.size(); ++i) {
        ASSERT_EQ(shapes[i], reference[i])
            << simd::shape_kernel_name(tier) << ": [" << owned[i] << "]";
      }
    }
  }
}

// find_many() computes shapes in groups (eight short or four long messages
// in the lanes of one register): each message must get the shape it gets
// alone, and so its template, whatever shares its group: short and long
// messages mixed, groups cut short, messages without a shape among them.
TEST(MessageShapes, BatchedShapesEqualOneAtATime) {
  std::mt19937 rng(99);
  std::unique_ptr<char[]> scratch(new char[kMaxTemplateBytes]);
  std::string one;
  size_t compared = 0;
  for (int round = 0; round < 4000; ++round) {
    std::vector<std::string> owned;
    const size_t n = rng() % 70;  // 0 to 69: partial groups and a second chunk
    for (size_t i = 0; i < n; ++i) {
      owned.push_back(rng() % 8 == 0 ? std::string("marker \x01 ") + random_message(rng, 40)
                                     : random_message(rng, rng() % 4 == 0 ? 127 : 63));
    }
    const std::vector<std::string_view> views(owned.begin(), owned.end());
    const auto batched = MessageShapes::shapes_of(views);
    ASSERT_EQ(batched.size(), n);
    for (size_t i = 0; i < n; ++i) {
      const bool has = MessageShapes::shape_of(owned[i], one);
      ASSERT_EQ(batched[i].has_value(), has) << "[" << owned[i] << "]";
      if (!has) continue;
      ASSERT_EQ(*batched[i], one) << "[" << owned[i] << "]";
      ASSERT_EQ(expand(one), std::string(detail::mask_message_scalar(owned[i], scratch.get())));
      ++compared;
    }
  }
  EXPECT_GT(compared, 100000u);
}

TEST(MessageShapes, NoShapeForLongMessagesOrMarkerBytes) {
  const std::vector<std::string> messages = {std::string(63, 'a'),           std::string(64, 'a'),
                                             std::string(127, 'a'),          std::string(128, 'a'),
                                             std::string(100, 'a') + "\x02", "id \x01 here",
                                             std::string("nul \0 here", 10), ""};
  const std::vector<std::string_view> views(messages.begin(), messages.end());
  for (simd::Level tier : simd::tiers_under_test()) {
    const auto shapes = MessageShapes::shapes_of(views, tier);
    const char* name = simd::shape_kernel_name(tier);
    EXPECT_TRUE(shapes[0].has_value()) << name;
    EXPECT_TRUE(shapes[1].has_value()) << name;
    EXPECT_TRUE(shapes[2].has_value()) << name;
    EXPECT_FALSE(shapes[3].has_value()) << name;
    EXPECT_FALSE(shapes[4].has_value()) << name;
    EXPECT_FALSE(shapes[5].has_value()) << name;
    EXPECT_FALSE(shapes[6].has_value()) << name;
    ASSERT_TRUE(shapes[7].has_value()) << name;
    EXPECT_EQ(*shapes[7], "") << name;
  }
}

TEST(MessageShapes, FindsWhatWasRememberedOnEveryTier) {
  for (simd::Level tier : simd::tiers_under_test()) {
    SCOPED_TRACE(simd::shape_kernel_name(tier));
    MessageShapes shapes(simd::shape_lookup(tier));
    uint64_t a = 0, b = 0;
    // A wide shape (simd/message_shapes.h) keeps each byte in its place:
    // numbers of different lengths have different wide shapes.
    const bool wide = simd::wide_shapes(tier);
    EXPECT_EQ(shapes.find("User 42 logged in"), nullptr);
    shapes.remember(&a);
    EXPECT_EQ(shapes.find("User 17 logged in"), &a);       // same shape
    EXPECT_EQ(shapes.find("User 7a logged in"), nullptr);  // "<n>a": another shape
    shapes.remember(&b);
    EXPECT_EQ(shapes.find("User 3b logged in"), nullptr);  // "<n>b"
    EXPECT_EQ(shapes.find("User 9a logged in"), &b);
    EXPECT_EQ(shapes.find("User 123456789a logged in"), wide ? nullptr : &b);
    EXPECT_EQ(shapes.find("User 1 logged in"), wide ? nullptr : &a);
    EXPECT_EQ(shapes.find("User 99 logged in"), &a);
    const std::string long_a = std::string(70, 'x') + " request 12 took 5ms";
    const std::string long_b = std::string(70, 'x') + " request 34 took 6ms";
    const std::string long_c = std::string(70, 'x') + " request 345 took 60ms";
    EXPECT_EQ(shapes.find(long_a), nullptr);
    shapes.remember(&b);
    EXPECT_EQ(shapes.find(long_b), &b);
    EXPECT_EQ(shapes.find(long_c), wide ? nullptr : &b);
    EXPECT_EQ(shapes.find(long_b + "s"), nullptr);  // unit "mss": another shape
    shapes.clear();
    EXPECT_EQ(shapes.find("User 17 logged in"), nullptr);
  }
}

// Far more shapes than the cache has ways, short and long: every set fills,
// hits move ways to the front and inserts replace the last way. Whatever a
// tier's lookup returns must be the counter remembered for that very shape
// (never a neighbour's), one at a time and in groups, and a hot set must
// hit once remembered.
TEST(MessageShapes, LookupNeverReturnsAnotherShapesCounterOnEveryTier) {
  for (simd::Level tier : simd::tiers_under_test()) {
    SCOPED_TRACE(simd::shape_kernel_name(tier));
    std::mt19937 rng(11);
    std::vector<std::string> pool;
    std::map<std::string, size_t> seen;  // one message per template: distinct shapes
    std::unique_ptr<char[]> scratch(new char[kMaxTemplateBytes]);
    while (pool.size() < 6000) {
      // Some share a long prefix, so that shapes in one set differ only
      // late in their blocks; a third differ only in their last word.
      static const std::string prefix =
          "shared prefix of many messages, to the end of the block and on into the second";
      const unsigned kind = rng() % 3;
      std::string m = kind == 0 ? prefix.substr(0, rng() % prefix.size()) : std::string();
      if (kind == 2) {
        m = prefix.substr(0, 56);
        for (size_t k = 1 + rng() % 7; k > 0; --k) m += static_cast<char>('a' + rng() % 26);
        if (seen.emplace(std::string(detail::mask_message_scalar(m, scratch.get())), pool.size())
                .second) {
          pool.push_back(m);
        }
        continue;
      }
      const size_t words = 2 + rng() % 16;  // short and long messages
      for (size_t w = 0; w < words; ++w) {
        m += std::string(1 + rng() % 6, static_cast<char>('a' + rng() % 26));
        m += w % 3 == 1 ? " 42 " : " ";
      }
      m.resize(std::min<size_t>(m.size(), 127));
      if (seen.emplace(std::string(detail::mask_message_scalar(m, scratch.get())), pool.size())
              .second) {
        pool.push_back(m);
      }
    }
    std::vector<uint64_t> counters(pool.size());
    MessageShapes shapes(simd::shape_lookup(tier));
    size_t hot_hits = 0;
    for (int pass = 0; pass < 3; ++pass) {
      for (size_t i = 0; i < pool.size(); ++i) {
        uint64_t* found = shapes.find(pool[i]);
        if (found == nullptr) {
          shapes.remember(&counters[i]);
        } else {
          ASSERT_EQ(found, &counters[i]) << pool[i];
        }
        // A hot message between the others: it stays in its set's first way.
        const size_t hot = i % 8;
        uint64_t* hot_found = shapes.find(pool[hot]);
        if (hot_found == nullptr) {
          shapes.remember(&counters[hot]);
        } else {
          ASSERT_EQ(hot_found, &counters[hot]) << pool[hot];
          ++hot_hits;
        }
      }
      std::vector<std::string_view> views(pool.begin(), pool.end());
      std::vector<uint64_t*> out(views.size());
      for (size_t base = 0; base < views.size(); base += 64) {
        const size_t n = std::min<size_t>(64, views.size() - base);
        shapes.find_many(&views[base], n, &out[base]);
      }
      for (size_t i = 0; i < out.size(); ++i) {
        if (out[i] != nullptr) {
          ASSERT_EQ(out[i], &counters[i]) << pool[i];
        }
      }
    }
    EXPECT_GT(hot_hits, 3 * pool.size() * 9 / 10);
  }
}

// End to end: counts through the shape cache equal counts of the reference
// templates, with few enough distinct shapes to hit and enough to collide,
// and a capacity small enough to prune (which must clear the cache); one at
// a time, batched in place and batched as copies.
TEST(MessageShapes, TopMessagesCountsEqualTheReference) {
  for (size_t capacity : {size_t{100000}, size_t{40}}) {
    std::mt19937 rng(7);
    std::unique_ptr<char[]> scratch(new char[kMaxTemplateBytes]);
    std::vector<std::string> pool;
    for (int i = 0; i < 3000; ++i) pool.push_back(random_message(rng, 140));
    TopMessages top(capacity);
    std::map<std::string, uint64_t> expected;
    for (int i = 0; i < 200000; ++i) {
      const std::string& m = pool[rng() % (i % 2 ? 50 : pool.size())];  // a hot set and a long tail
      if (i % 3 == 0) {
        top.add(m);
      } else if (i % 3 == 1) {
        top.add_pending(m, nullptr);  // looked up in groups, as the batch loop does
      } else {
        std::string parser_buffer = m;  // reused for the next line, as a JSON parser's is
        top.add_pending_copy(parser_buffer);
        std::fill(parser_buffer.begin(), parser_buffer.end(), '7');
      }
      if (i % 1000 == 999) top.flush();
      ++expected[std::string(detail::mask_message_scalar(m, scratch.get()))];
    }
    top.flush();
    uint64_t total = top.pruned_count();
    for (const auto& [tmpl, n] : top.top(1000000)) {
      total += n;
      if (capacity > pool.size()) {
        ASSERT_EQ(n, expected[tmpl]) << tmpl;
      }
      ASSERT_LE(n, expected[tmpl]) << tmpl;  // pruned or not, never over
    }
    EXPECT_EQ(total, 200000u) << "capacity " << capacity;
  }
}

}  // namespace
}  // namespace logstreamer::aggregate
