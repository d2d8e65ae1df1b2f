#include "parse/line_loop.h"

#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parse/line_parser.h"

namespace logstreamer::parse {
namespace {

// A plain line with fields of random widths, so that its blanks fall on
// either side of byte 64 and its end anywhere in a 64-byte block.
std::string random_plain_line(std::mt19937& rng) {
  static const char* kLevels[] = {"INFO", "warn", "ERROR", "debug"};
  std::string line;
  if (rng() % 2) {
    line = "2024-01-20T10:00:0" + std::to_string(rng() % 10) + ".123Z";
    line += std::string(1 + rng() % 3, rng() % 2 ? ' ' : '\t');
    line += kLevels[rng() % 4];
  } else {
    line = kLevels[rng() % 4];
    line += std::string(1 + rng() % 3, ' ');
    line += "2024-01-20 10:00:01.5";
  }
  line += std::string(1 + rng() % 40, ' ');
  line += "svc-" + std::string(rng() % 30, 'x');
  for (size_t words = rng() % 6; words > 0; --words) {
    line += std::string(1 + rng() % 2, ' ') + std::string(1 + rng() % 12, 'm');
  }
  if (rng() % 4 == 0) line += "  ";  // trailing blanks, trimmed from the message
  if (rng() % 4 == 0) line += "\r";  // CRLF
  return line;
}

// Lines of every format and some of none, starting with letters and digits
// as plain lines do: the batch loop's inline plain attempt must fall back to
// detection exactly as detection alone decides.
std::string random_other_line(std::mt19937& rng) {
  static const char* kLines[] = {
      "time=2024-01-20T10:00:00Z level=info service=web msg=\"hello there\"",
      "level=warn msg=x",
      "2024-01-20T10:00:00.123456+00:00 app[web.1]: at=info method=GET path=/ status=200",
      "127.0.0.1 - - [20/Jan/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12",
      "host.example - - [20/Jan/2024:10:00:00 +0000] \"GET /x HTTP/1.1\" 404 0",
      "Jan 20 10:00:00 host sshd[42]: Accepted publickey",
      "<34>1 2024-01-20T10:00:00Z host app 1 - - message",
      "{\"level\":\"error\",\"msg\":\"boom\",\"service\":\"api\"}",
      "INFO not-a-time svc message",
      "2024-01-20 10:00:00 NOPE svc message",
      "hello world",
      "12345",
      "2024-99-99T10:00:00Z INFO svc broken date",
  };
  return kLines[rng() % std::size(kLines)];
}

// The batch loop hands the parser each line's blank mask, found with the
// line's end (simd::find_line_end) and cut to the line: every record must be
// what parsing that line alone gives, on the tier in use (the other tiers
// run this test too: LOGSTREAMER_SIMD in the fallback test).
TEST(LineLoop, RecordsEqualParsingEachLineAlone) {
  std::mt19937 rng(5);
  std::vector<std::string> lines;
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    lines.push_back(i % 97 == 0  ? std::string(rng() % 3, ' ')
                    : i % 5 == 0 ? random_other_line(rng)
                                 : random_plain_line(rng));
    text += lines.back() + "\n";
  }
  text += random_plain_line(rng);  // the last line without a newline
  lines.push_back(text.substr(text.rfind('\n') + 1));
  LineParser batch_parser, alone_parser;
  LogRecord record, alone;
  size_t seen = 0, malformed = 0;
  const uint64_t count = for_each_line(
      text, 1 << 20, batch_parser, text.data() + text.size(), record,
      [&](const LogRecord& rec, std::string_view line, uint64_t index) {
        ++seen;
        std::string own = lines.at(index);
        if (!own.empty() && own.back() == '\r') own.pop_back();
        ASSERT_EQ(line, own);
        ASSERT_EQ(alone_parser.parse(own, alone), ParseError::kOk) << own;
        EXPECT_EQ(rec.format, alone.format) << own;
        EXPECT_EQ(rec.has_time, alone.has_time) << own;
        EXPECT_EQ(rec.http.present, alone.http.present) << own;
        EXPECT_EQ(rec.http.status, alone.http.status) << own;
        EXPECT_EQ(rec.level, alone.level) << own;
        EXPECT_EQ(rec.unix_us, alone.unix_us) << own;
        EXPECT_EQ(rec.service, alone.service) << own;
        EXPECT_EQ(rec.message, alone.message) << own;
      },
      [&](ParseError why, std::string_view line, uint64_t index) {
        ++malformed;
        ASSERT_EQ(line, lines.at(index));
        EXPECT_EQ(why, alone_parser.parse(line, alone)) << line;
      });
  EXPECT_EQ(count, lines.size());
  EXPECT_GT(seen, lines.size() * 3 / 4);
  EXPECT_GT(malformed, 0u);  // the lines of no format were seen as such
}

}  // namespace
}  // namespace logstreamer::parse
