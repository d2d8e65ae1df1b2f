#include "parse/plain.h"

#include <iterator>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "parse/line_parser.h"
#include "parse/timestamp.h"

namespace logstreamer::parse {
namespace {

struct Accepted {
  const char* line;
  Level level;
  const char* time;  // RFC 3339 of the expected instant
  const char* service;
  const char* message;
};

class PlainAccepts : public testing::TestWithParam<Accepted> {};

TEST_P(PlainAccepts, ExtractsEveryField) {
  const Accepted& c = GetParam();
  LogRecord rec;
  ASSERT_EQ(parse_plain(c.line, rec), ParseError::kOk) << c.line;
  EXPECT_EQ(rec.format, Format::kPlain);
  EXPECT_EQ(rec.level, c.level);
  EXPECT_TRUE(rec.has_time);
  EXPECT_EQ(format_rfc3339(rec.unix_us), c.time);
  EXPECT_EQ(rec.service, c.service);
  EXPECT_EQ(rec.message, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    BothOrders, PlainAccepts,
    testing::Values(
        Accepted{"INFO 2024-01-20T10:00:00Z auth-service User logged in", Level::kInfo,
                 "2024-01-20T10:00:00Z", "auth-service", "User logged in"},
        Accepted{"2025-01-01 ERROR payment-service Payment failed", Level::kError,
                 "2025-01-01T00:00:00Z", "payment-service", "Payment failed"},
        Accepted{"2025-01-01 10:00:00.250 warning cache-service Eviction storm", Level::kWarn,
                 "2025-01-01T10:00:00.250Z", "cache-service", "Eviction storm"},
        Accepted{"2024-01-20T10:00:00.123+02:00 crit scheduler  Job   missed  ", Level::kFatal,
                 "2024-01-20T08:00:00.123Z", "scheduler", "Job   missed"},
        Accepted{"err\t2024-01-20T10:00:00Z\tworker\tboom", Level::kError, "2024-01-20T10:00:00Z",
                 "worker", "boom"},
        Accepted{"DEBUG 2024-01-20 10:00:01 svc", Level::kDebug, "2024-01-20T10:00:01Z", "svc", ""},
        Accepted{"notice 2024-01-20 svc message with 2024-01-20 inside", Level::kNotice,
                 "2024-01-20T00:00:00Z", "svc", "message with 2024-01-20 inside"}));

struct Rejected {
  const char* line;
  ParseError why;
};

class PlainRejects : public testing::TestWithParam<Rejected> {};

TEST_P(PlainRejects, WithTheRightReason) {
  LogRecord rec;
  EXPECT_EQ(parse_plain(GetParam().line, rec), GetParam().why) << GetParam().line;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, PlainRejects,
    testing::Values(Rejected{"VERBOSE 2024-01-20T10:00:00Z svc msg", ParseError::kUnknownLevel},
                    Rejected{"this line has no level", ParseError::kUnknownLevel},
                    Rejected{"INFO not-a-time svc msg", ParseError::kBadTimestamp},
                    Rejected{"INFO", ParseError::kBadTimestamp},
                    Rejected{"2024-13-45T99:00:00Z INFO web bad date", ParseError::kBadTimestamp},
                    Rejected{"2024-01-20T10:00:00Z LOUD svc msg", ParseError::kUnknownLevel},
                    Rejected{"2024-01-20T10:00:00Z INFO", ParseError::kMissingService},
                    Rejected{"INFO 2024-01-20T10:00:00Z   ", ParseError::kMissingService}));

// The mask-based parser must agree with the byte-at-a-time one on every line:
// random fields, blank runs and lengths, so that fields end before, at and
// after byte 64 of the line, and lines of up to 64 bytes end inside the mask.
TEST(Plain, MaskParserMatchesScalarReference) {
  const char* levels[] = {"INFO", "warn", "Error", "err", "WARNING", "trace", "crit", "x", "INFOS", "2024", "", "emergency"};
  const char* times[] = {"2024-01-20T10:00:00Z", "2024-01-20 10:00:00.250", "2025-01-01", "2024-01-20T10:00:00.123+02:00",
                         "2024-13-45", "2024-01-20T10:00", "20x4-01-01", "2024-01-20T10:00:00.123456789Z"};
  const char* blanks[] = {" ", "\t", "  ", " \t "};
  std::mt19937 rng(99);
  const auto pick = [&](const auto& options) { return std::string(options[rng() % std::size(options)]); };
  const auto word = [&](size_t max_len) {
    std::string w(rng() % (max_len + 1), 'a');
    for (auto& c : w) c = "abcXYZ019-._:/"[rng() % 14];
    return w;
  };
  for (int iter = 0; iter < 200000; ++iter) {
    std::string line;
    const bool time_first = rng() % 2 == 0;
    line = time_first ? pick(times) + pick(blanks) + pick(levels) : pick(levels) + pick(blanks) + pick(times);
    if (rng() % 8 != 0) line += pick(blanks) + word(rng() % 2 ? 12 : 60);                 // service
    if (rng() % 4 != 0) line += pick(blanks) + word(30) + " " + word(30) + " " + word(10);  // message
    if (rng() % 4 == 0) line += pick(blanks);                                              // trailing blanks
    if (line.empty()) continue;
    LogRecord fast, ref;
    const ParseError fast_err = parse_plain(line, fast);
    const ParseError ref_err = detail::parse_plain_scalar(line, ref);
    ASSERT_EQ(fast_err, ref_err) << "[" << line << "]";
    if (ref_err != ParseError::kOk) continue;
    ASSERT_EQ(fast.level, ref.level) << line;
    ASSERT_EQ(fast.unix_us, ref.unix_us) << line;
    ASSERT_EQ(fast.service, ref.service) << line;
    ASSERT_EQ(fast.message, ref.message) << line;
  }
}

TEST(LineParser, AutoAndForcedPlainAgree) {
  LineParser auto_parser, plain_parser(Format::kPlain);
  LogRecord a, b;
  const char* line = "WARN 2024-01-20T10:00:00Z api slow";
  ASSERT_EQ(auto_parser.parse(line, a), ParseError::kOk);
  ASSERT_EQ(plain_parser.parse(line, b), ParseError::kOk);
  EXPECT_EQ(a.service, b.service);
  EXPECT_EQ(a.level, b.level);
}

TEST(LineParser, ForcedPlainRejectsOtherFormats) {
  LineParser parser(Format::kPlain);
  LogRecord rec;
  EXPECT_NE(parser.parse("{\"level\":\"info\"}", rec), ParseError::kOk);
  EXPECT_NE(parser.parse("time=2024-01-20T10:00:00Z level=info", rec), ParseError::kOk);
}

TEST(Format, NamesRoundTrip) {
  EXPECT_EQ(format_from_name("plain"), Format::kPlain);
  EXPECT_EQ(format_from_name("nope"), std::nullopt);
}

}  // namespace
}  // namespace logstreamer::parse
