#include "aggregate/message_template.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "simd/test_tiers.h"

namespace logstreamer::aggregate {
namespace {

std::string mask(std::string_view m) {
  std::unique_ptr<char[]> scratch(new char[kMaxTemplateBytes]);
  return std::string(mask_message(m, scratch.get()));
}

TEST(MessageTemplate, MasksNumbersAndIds) {
  EXPECT_EQ(mask("User 12345 logged in"), "User <n> logged in");
  EXPECT_EQ(mask("User 7 logged in"), "User <n> logged in");
  EXPECT_EQ(mask("order=ab12cd shipped in 1.5s"), "order=<id> shipped in <n>s");
  EXPECT_EQ(mask("took 250ms"), "took <n>ms");
  EXPECT_EQ(mask("disk at 93%"), "disk at <n>%");
  EXPECT_EQ(mask("delta -3 and +4"), "delta <n> and <n>");
  EXPECT_EQ(mask("id 550e8400-e29b-41d4-a716-446655440000 seen"), "id <id> seen");
  EXPECT_EQ(mask("key user:42 missing"), "key user:<n> missing");
  EXPECT_EQ(mask("GET /api/v1/orders/981"), "GET /api/<id>/orders/<n>");
  EXPECT_EQ(mask("from 10.0.0.1:8080"), "from <n>:<n>");
  EXPECT_EQ(mask("[req-8f3a] done (3 tries)"), "[<id>] done (<n> tries)");
  EXPECT_EQ(mask("12345"), "<n>");
  EXPECT_EQ(mask("a1 b2 c3 d4 e5 f6 g7 h8 i9"), "<id> <id> <id> <id> <id> <id> <id> <id> <id>");
}

TEST(MessageTemplate, WithoutDigitsTheMessageIsReturnedAsIs) {
  const std::string_view m = "Health check ok";
  std::unique_ptr<char[]> scratch(new char[kMaxTemplateBytes]);
  const std::string_view out = mask_message(m, scratch.get());
  EXPECT_EQ(out, m);
  EXPECT_EQ(out.data(), m.data());  // no copy
  EXPECT_EQ(mask(""), "");
}

TEST(MessageTemplate, SameTemplateForDifferentValues) {
  EXPECT_EQ(mask("Payment 1 failed after 20ms"), mask("Payment 99999 failed after 3ms"));
  EXPECT_NE(mask("Payment 1 failed"), mask("Payment 1 succeeded"));
}

TEST(MessageTemplate, WorstCaseFitsTheScratchBuffer) {
  std::string m;
  while (m.size() < 2 * kMaxTemplateInput) m += "1 ";
  const std::string out = mask(m);
  EXPECT_LE(out.size(), kMaxTemplateBytes);
  EXPECT_EQ(out.substr(0, 8), "<n> <n> ");
}

TEST(MessageTemplate, LongMessagesAreCut) {
  const std::string m(1000, 'a');
  EXPECT_EQ(mask(m).size(), kMaxTemplateInput);
}

}  // namespace
}  // namespace logstreamer::aggregate

namespace logstreamer::aggregate {
namespace {

// The bit-mask implementation must agree with the byte-at-a-time reference on
// any input: random bytes drawn from every character class, all lengths.
TEST(MessageTemplate, BitMaskVersionMatchesScalarReference) {
  const std::string alphabet =
      "aZq019 .-+%_=:/,;()[]\"'@#&|\t\xc3\xa9\xff"
      "5555";
  const std::vector<simd::Level> levels = simd::tiers_under_test();
  std::mt19937 rng(12345);
  std::unique_ptr<char[]> a(new char[kMaxTemplateBytes]), b(new char[kMaxTemplateBytes]);
  for (int iter = 0; iter < 200000; ++iter) {
    const size_t len = rng() % 260;  // past one window and past kMaxTemplateInput
    std::string m(len, ' ');
    for (auto& c : m) c = alphabet[rng() % alphabet.size()];
    const std::string ref(detail::mask_message_scalar(m, b.get()));
    ASSERT_EQ(std::string(mask_message(m, a.get())), ref) << "message: [" << m << "]";
    // In place inside a bigger buffer, with random bytes (the next lines)
    // after it, and with just too little readable space for in-place loads.
    std::string buffer = m;
    for (int k = 0; k < 70; ++k) buffer += alphabet[rng() % alphabet.size()];
    const std::string_view in_place(buffer.data(), m.size());
    for (simd::Level level : levels) {
      const char* name = simd::level_name(level);
      ASSERT_EQ(std::string(detail::mask_message_with(level, m, a.get())), ref) << name << ": [" << m << "]";
      ASSERT_EQ(std::string(detail::mask_message_with(level, in_place, a.get(), buffer.data() + buffer.size())), ref)
          << name << " in place: [" << m << "]";
      ASSERT_EQ(std::string(detail::mask_message_with(level, in_place, a.get(), buffer.data() + m.size() + 63)), ref)
          << name << " short padding: [" << m << "]";
    }
  }
}

}  // namespace
}  // namespace logstreamer::aggregate
