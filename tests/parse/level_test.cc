#include "parse/level.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace logstreamer::parse {
namespace {

struct Case {
  const char* token;
  Level level;
};

class LevelAliases : public testing::TestWithParam<Case> {};

TEST_P(LevelAliases, NormaliseInAnyCase) {
  const Case& c = GetParam();
  std::string token = c.token;
  EXPECT_EQ(parse_level(token), c.level) << token;
  for (auto& ch : token) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(parse_level(token), c.level) << token;
  token[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(token[0])));
  EXPECT_EQ(parse_level(token), c.level) << token;
}

INSTANTIATE_TEST_SUITE_P(
    AllAliases, LevelAliases,
    testing::Values(Case{"trace", Level::kTrace}, Case{"trc", Level::kTrace},
                    Case{"debug", Level::kDebug}, Case{"dbg", Level::kDebug},
                    Case{"info", Level::kInfo}, Case{"inf", Level::kInfo},
                    Case{"information", Level::kInfo}, Case{"notice", Level::kNotice},
                    Case{"warn", Level::kWarn}, Case{"warning", Level::kWarn},
                    Case{"error", Level::kError}, Case{"err", Level::kError},
                    Case{"fatal", Level::kFatal}, Case{"ftl", Level::kFatal},
                    Case{"crit", Level::kFatal}, Case{"critical", Level::kFatal},
                    Case{"panic", Level::kFatal}, Case{"emerg", Level::kFatal},
                    Case{"emergency", Level::kFatal}, Case{"alert", Level::kFatal}));

TEST(Level, RejectsEverythingElse) {
  for (const char* bad : {"", "i", "in", "infoo", "verbose", "warnings", "ERROR:", "[INFO]", "INF0",
                          "2024", "informational", "crit1cal", "in fo", "\xc3\xa9rror"}) {
    EXPECT_EQ(parse_level(bad), std::nullopt) << bad;
  }
}

// The lookup is a perfect hash: every other token must miss, including the
// ones that share its slot. All tokens of up to 4 letters, either case mix.
TEST(Level, NoTokenOfUpToFourLettersIsMistaken) {
  const std::set<std::string> known = {"trc", "dbg", "info", "inf", "warn", "err", "ftl", "crit"};
  std::string token;
  for (int len = 1; len <= 4; ++len) {
    int total = 1;
    for (int i = 0; i < len; ++i) total *= 26;
    for (int code = 0; code < total; ++code) {
      token.assign(static_cast<size_t>(len), 'a');
      for (int i = 0, c = code; i < len; ++i, c /= 26) token[static_cast<size_t>(i)] = static_cast<char>('a' + c % 26);
      const bool expected = known.count(token) > 0;
      ASSERT_EQ(parse_level(token).has_value(), expected) << token;
      token[0] = static_cast<char>(token[0] - 'a' + 'A');
      ASSERT_EQ(parse_level(token).has_value(), expected) << token;
    }
  }
}

TEST(Level, NamesAreCanonical) {
  EXPECT_EQ(level_name(Level::kWarn), "WARN");
  EXPECT_EQ(level_name(Level::kFatal), "FATAL");
  for (size_t i = 0; i < kLevelCount; ++i) {
    EXPECT_EQ(parse_level(kLevelNames[i]), static_cast<Level>(i));
  }
}

}  // namespace
}  // namespace logstreamer::parse
