#include "server/inputs/logplex_frames.h"

#include <gtest/gtest.h>

namespace logstreamer::server {
namespace {

std::string frame(std::string_view msg) {
  return std::to_string(msg.size()) + " " + std::string(msg);
}

TEST(LogplexFrames, SplitsByCountNotByLines) {
  const std::string a = "<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed\n";
  const std::string b = "<40>1 2012-11-30T06:45:26+00:00 host app web.3 - two\nlines inside\n";
  std::string lines;
  const LogplexSplit s = split_logplex(frame(a) + frame(b), lines);
  EXPECT_EQ(s.frames, 2u);
  EXPECT_EQ(s.malformed, 0u);
  // One line per frame: the newline inside the second frame became a space.
  EXPECT_EQ(lines,
            "<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed\n"
            "<40>1 2012-11-30T06:45:26+00:00 host app web.3 - two lines inside\n");
}

TEST(LogplexFrames, AcceptsAFrameWithoutTrailingNewline) {
  // Logplex's own L10 overflow notice has no newline.
  const std::string l10 =
      "<172>1 2012-12-10T19:24:12.114578+00:00 heroku logplex - - Error L10 (output buffer "
      "overflow): 1 messages dropped";
  const std::string app = "<190>1 2012-12-10T19:24:13+00:00 host app web.1 - hello\n";
  std::string lines;
  const LogplexSplit s = split_logplex(frame(app) + frame(l10), lines);
  EXPECT_EQ(s.frames, 2u);
  EXPECT_EQ(s.malformed, 0u);
  EXPECT_EQ(lines.substr(lines.find('\n') + 1), l10 + "\n");
}

TEST(LogplexFrames, KeepsFramesBeforeBrokenFramingAndSamplesTheRest) {
  const std::string ok = "<190>1 2012-12-10T19:24:13+00:00 host app web.1 - fine\n";
  for (const std::string& bad : {std::string("abc def"), std::string("12"),
                                 std::string("999 short"), std::string("5x hello")}) {
    std::string lines;
    const LogplexSplit s = split_logplex(frame(ok) + bad, lines);
    EXPECT_EQ(s.frames, 1u) << bad;
    EXPECT_EQ(s.malformed, 1u) << bad;
    EXPECT_FALSE(s.error.empty()) << bad;
    EXPECT_EQ(s.sample, bad.substr(0, 120)) << bad;
    EXPECT_EQ(lines, ok);
  }
}

TEST(LogplexFrames, EmptyBodyHasNoFrames) {
  std::string lines;
  const LogplexSplit s = split_logplex("", lines);
  EXPECT_EQ(s.frames, 0u);
  EXPECT_EQ(s.malformed, 0u);
  EXPECT_TRUE(lines.empty());
}

TEST(LogplexFrames, HugeLengthIsMalformedNotAnOverflow) {
  std::string lines;
  const LogplexSplit s = split_logplex("99999999999999999999 x", lines);
  EXPECT_EQ(s.frames, 0u);
  EXPECT_EQ(s.malformed, 1u);
}

}  // namespace
}  // namespace logstreamer::server
