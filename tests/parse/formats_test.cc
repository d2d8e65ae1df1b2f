// Accepted and rejected examples for every format, through auto-detection and
// through the forced format.
#include <random>

#include <gtest/gtest.h>

#include "parse/field_values.h"
#include "parse/line_parser.h"
#include "parse/syslog.h"
#include "parse/timestamp.h"

namespace logstreamer::parse {
namespace {

struct Accepted {
  const char* line;
  Format format;
  Level level;
  const char* service;
  const char* message;
  const char* time;  // RFC 3339, or "" for none
};

void PrintTo(const Accepted& a, std::ostream* os) { *os << a.line; }

class FormatAccepts : public testing::TestWithParam<Accepted> {
 protected:
  static void SetUpTestSuite() { set_syslog_reference_time(1705744800 + 86400 * 30); }  // 2024-02-19
};

void expect_record(const Accepted& c, const LogRecord& rec) {
  EXPECT_EQ(rec.format, c.format);
  EXPECT_EQ(rec.level, c.level);
  EXPECT_EQ(rec.service, c.service);
  EXPECT_EQ(rec.message, c.message);
  if (std::string_view(c.time).empty()) {
    EXPECT_FALSE(rec.has_time);
  } else {
    ASSERT_TRUE(rec.has_time);
    EXPECT_EQ(format_rfc3339(rec.unix_us), c.time);
  }
}

TEST_P(FormatAccepts, DetectedAndParsed) {
  const Accepted& c = GetParam();
  LineParser detect;
  LogRecord rec;
  ASSERT_EQ(detect.parse(c.line, rec), ParseError::kOk) << c.line;
  expect_record(c, rec);
}

TEST_P(FormatAccepts, ParsedWhenForced) {
  const Accepted& c = GetParam();
  LineParser forced(c.format);
  LogRecord rec;
  ASSERT_EQ(forced.parse(c.line, rec), ParseError::kOk) << c.line;
  expect_record(c, rec);
}

INSTANTIATE_TEST_SUITE_P(
    Examples, FormatAccepts,
    testing::Values(
        // plain
        Accepted{"INFO 2024-01-20T10:00:00Z auth-service User logged in", Format::kPlain, Level::kInfo,
                 "auth-service", "User logged in", "2024-01-20T10:00:00Z"},
        // json
        Accepted{R"({"ts":"2024-01-20T10:00:00.123Z","level":"warn","service":"billing","msg":"retry","attempt":3})",
                 Format::kJson, Level::kWarn, "billing", "retry", "2024-01-20T10:00:00.123Z"},
        Accepted{R"({"time":"2024-01-20T10:00:01Z","level":50,"app":"api","message":"boom"})", Format::kJson,
                 Level::kError, "api", "boom", "2024-01-20T10:00:01Z"},
        Accepted{R"({"severity":"CRITICAL","logger":"db","msg":"down"})", Format::kJson, Level::kFatal, "db",
                 "down", ""},
        Accepted{R"({"@timestamp":"2024-01-20T10:00:02Z","log":{"level":"error"},"service":{"name":"ecs"},"message":"nested"})",
                 Format::kJson, Level::kError, "ecs", "nested", "2024-01-20T10:00:02Z"},
        Accepted{R"({"log.level":"debug","service.name":"flat","msg":"esc \"q\" \u00e9"})", Format::kJson,
                 Level::kDebug, "flat", "esc \"q\" \xc3\xa9", ""},
        Accepted{R"(  {"lvl":10,"component":"c","msg":"t"}  )", Format::kJson, Level::kTrace, "c", "t", ""},
        // logfmt
        Accepted{R"(time=2024-01-20T10:00:00Z level=error service=api msg="db timeout" duration=1.2s)",
                 Format::kLogfmt, Level::kError, "api", "db timeout", "2024-01-20T10:00:00Z"},
        Accepted{R"(ts=2024-01-20T10:00:00Z lvl=warn app=web msg="quoted \"inner\" value" flag)", Format::kLogfmt,
                 Level::kWarn, "web", R"(quoted \"inner\" value)", "2024-01-20T10:00:00Z"},
        Accepted{"at=info component=cron", Format::kLogfmt, Level::kInfo, "cron", "at=info component=cron", ""},
        // syslog 5424
        Accepted{R"(<134>1 2024-01-20T10:00:00.123Z host1 auth-service 1234 ID47 [exampleSDID@32473 iut="3" eventSource="App\]"] message)",
                 Format::kSyslog5424, Level::kInfo, "auth-service", "message", "2024-01-20T10:00:00.123Z"},
        Accepted{"<11>1 2024-01-20T10:00:00+01:00 h app-x - - - disk failed", Format::kSyslog5424, Level::kError,
                 "app-x", "disk failed", "2024-01-20T09:00:00Z"},
        Accepted{"<12>1 - - - - - -", Format::kSyslog5424, Level::kWarn, "", "", ""},
        Accepted{"<190>1 2024-01-20T10:00:02+00:00 host app web.1 - ERROR payment failed", Format::kSyslog5424,
                 Level::kError, "web", "ERROR payment failed", "2024-01-20T10:00:02Z"},
        // syslog 3164
        Accepted{"<11>Jan 20 10:00:00 host1 payment-service[123]: card declined", Format::kSyslog3164,
                 Level::kError, "payment-service", "card declined", "2024-01-20T10:00:00Z"},
        Accepted{"Jan  5 09:01:02 host1 cron: job started", Format::kSyslog3164, Level::kInfo, "cron",
                 "job started", "2024-01-05T09:01:02Z"},
        Accepted{"Dec 31 23:59:59 h kernel: late", Format::kSyslog3164, Level::kInfo, "kernel", "late",
                 "2023-12-31T23:59:59Z"},  // a year back: not in the future
        // clf
        Accepted{R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=1 HTTP/1.0" 200 2326)",
                 Format::kClf, Level::kInfo, "http", "GET /apache_pb.gif", "2000-10-10T20:55:36Z"},
        Accepted{R"(www.example.com:443 10.0.0.1 - - [20/Jan/2024:10:00:00 +0000] "POST /api/pay HTTP/1.1" 502 0 "-" "curl/8.0" 1.250)",
                 Format::kClf, Level::kError, "www.example.com", "POST /api/pay", "2024-01-20T10:00:00Z"},
        Accepted{R"(::1 - - [20/Jan/2024:10:00:00 +0000] "-" 400 - "-" "-")", Format::kClf, Level::kWarn, "http",
                 "-", "2024-01-20T10:00:00Z"},
        // heroku
        Accepted{R"(2024-01-20T10:00:00.000000+00:00 heroku[router]: at=info method=GET path="/" host=app.herokuapp.com request_id=abc fwd="1.2.3.4" dyno=web.1 connect=0ms service=12ms status=200 bytes=1543 protocol=https)",
                 Format::kHeroku, Level::kInfo, "router", "/", "2024-01-20T10:00:00Z"},
        Accepted{R"(2024-01-20T10:00:00+00:00 heroku[router]: at=error code=H12 desc="Request timeout" method=GET path="/slow" dyno=web.2 service=30001ms status=503 bytes=0)",
                 Format::kHeroku, Level::kError, "router", "Request timeout", "2024-01-20T10:00:00Z"},
        Accepted{"2024-01-20T10:00:01+00:00 app[web.1]: [warn] cache cold", Format::kHeroku, Level::kWarn, "web",
                 "[warn] cache cold", "2024-01-20T10:00:01Z"},
        Accepted{"2024-01-20T10:00:01+00:00 heroku[worker.2]: State changed from up to down", Format::kHeroku,
                 Level::kInfo, "worker", "State changed from up to down", "2024-01-20T10:00:01Z"}));

struct Rejected {
  const char* line;
  ParseError why;
};

void PrintTo(const Rejected& r, std::ostream* os) { *os << r.line; }

class FormatRejects : public testing::TestWithParam<Rejected> {};

TEST_P(FormatRejects, WithTheRightReason) {
  LineParser detect;
  LogRecord rec;
  EXPECT_EQ(detect.parse(GetParam().line, rec), GetParam().why) << GetParam().line;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, FormatRejects,
    testing::Values(Rejected{R"({"level":"info","msg":"truncated")", ParseError::kInvalidJson},
                    Rejected{R"({"level":"info"} trailing)", ParseError::kInvalidJson},
                    Rejected{"{not json at all}", ParseError::kInvalidJson},
                    Rejected{"{\"msg\":\"bad \xff utf8\"}", ParseError::kInvalidJson},
                    Rejected{R"({"level":"loud","msg":"x"})", ParseError::kUnknownLevel},
                    Rejected{R"(level=info msg="unterminated)", ParseError::kBadKeyValue},
                    Rejected{"level=verbose msg=x", ParseError::kUnknownLevel},
                    Rejected{"<999>1 2024-01-20T10:00:00Z h a - - - m", ParseError::kBadSyslog},
                    Rejected{"<134>1 2024-01-20T10:00:00Z host", ParseError::kBadSyslog},
                    Rejected{"<134>1 yesterday h a p m - msg", ParseError::kBadTimestamp},
                    Rejected{R"(<134>1 2024-01-20T10:00:00Z h a p m [id k="unterminated)",
                             ParseError::kBadSyslog},
                    Rejected{"<11>Jan 99 10:00:00 host tag: m", ParseError::kBadTimestamp},
                    Rejected{"Jan 20 10:00:00 host-without-tag", ParseError::kMissingService},
                    Rejected{R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" abc 10)",
                             ParseError::kBadAccessLog},
                    Rejected{R"(1.2.3.4 - - [10/Foo/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 10)",
                             ParseError::kBadTimestamp},
                    Rejected{R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0)",
                             ParseError::kBadAccessLog},
                    Rejected{"2024-01-20T10:00:00+00:00 heroku[router]: method=GET msg=\"open",
                             ParseError::kBadKeyValue},
                    Rejected{"#!@ nothing here", ParseError::kUnknownFormat},
                    // logfmt: one pair of no known role, control bytes, keys outside the grammar
                    Rejected{"zz\x01\x02=\xff\xfe",
                             ParseError::kUnknownLevel},  // plain's verdict: no shape matched,
                    Rejected{"abc=\xff\xfe\x03junk", ParseError::kBadKeyValue},
                    Rejected{"word=value and then prose", ParseError::kBadKeyValue},
                    Rejected{"user=alice msg=\"tab\x01inside\"", ParseError::kBadKeyValue},
                    Rejected{"a=1 b\xc3\xa9=2", ParseError::kBadKeyValue},
                    Rejected{"a=1 b\"c=2", ParseError::kBadKeyValue}));

TEST(Logfmt, TwoPairsOrOneKnownKeyMakeALine) {
  LineParser p;
  LogRecord rec;
  EXPECT_EQ(p.parse("user=alice action=login", rec), ParseError::kOk);
  EXPECT_EQ(rec.format, Format::kLogfmt);
  EXPECT_EQ(p.parse("msg=hello", rec), ParseError::kOk);
  EXPECT_EQ(rec.message, "hello");
  EXPECT_EQ(p.parse("level=warn", rec), ParseError::kOk);
  EXPECT_EQ(rec.level, Level::kWarn);
  EXPECT_EQ(p.parse("k.e-y/x_1=caf\xc3\xa9 other=\"quoted value\"", rec), ParseError::kOk);
  EXPECT_EQ(p.parse("empty= next=\"\"", rec), ParseError::kOk);
  // One pair of no known role, even followed by bare words: not logfmt.
  EXPECT_EQ(p.parse("x=1", rec), ParseError::kBadKeyValue);
  EXPECT_EQ(p.parse("x=1 bare words", rec), ParseError::kBadKeyValue);
}

TEST(Logfmt, RandomBytesParseAsNothing) {
  // Lines of random bytes, cut at newlines as a reader would: no format may
  // claim any of them. (Deterministic seed; 20,000 lines.)
  std::mt19937 rng(7);
  LineParser p;
  LogRecord rec;
  size_t parsed = 0, lines = 0;
  std::string line;
  while (lines < 20000) {
    const char c = static_cast<char>(rng() & 0xff);
    if (c != '\n') {
      line += c;
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) {
      ++lines;
      if (p.parse(line, rec) == ParseError::kOk) {
        ++parsed;
        ADD_FAILURE() << "parsed as " << kFormatNames[static_cast<size_t>(rec.format)] << ": "
                      << line.size() << " bytes";
      }
    }
    line.clear();
  }
  EXPECT_EQ(parsed, 0u);
}

TEST(HttpFields, RouterLineCarriesTheRequest) {
  LineParser p;
  LogRecord rec;
  ASSERT_EQ(p.parse(R"(2024-01-20T10:00:00+00:00 heroku[router]: at=error code=H12 desc="Request timeout" method=POST path="/pay?x=1" dyno=web.2 connect=1ms service=30001ms status=503 bytes=12)", rec),
            ParseError::kOk);
  EXPECT_TRUE(rec.http.present);
  EXPECT_EQ(rec.http.status, 503);
  EXPECT_EQ(rec.http.method, "POST");
  EXPECT_EQ(rec.http.path, "/pay");
  EXPECT_EQ(rec.http.dyno, "web.2");
  EXPECT_EQ(rec.http.error_code, "H12");
  EXPECT_TRUE(rec.http.has_duration);
  EXPECT_DOUBLE_EQ(rec.http.duration_ms, 30001);
  EXPECT_EQ(rec.http.bytes, 12u);
}

TEST(HttpFields, AccessLogAndStructuredLines) {
  LineParser p;
  LogRecord rec;
  ASSERT_EQ(p.parse(R"(1.2.3.4 - - [20/Jan/2024:10:00:00 +0000] "GET /a/b?q=1 HTTP/1.1" 404 17 "-" "ua" 0.250)", rec),
            ParseError::kOk);
  EXPECT_TRUE(rec.http.present);
  EXPECT_EQ(rec.http.status, 404);
  EXPECT_EQ(rec.http.path, "/a/b");
  EXPECT_DOUBLE_EQ(rec.http.duration_ms, 250);
  EXPECT_EQ(rec.level, Level::kWarn);

  ASSERT_EQ(p.parse(R"({"status":200,"method":"GET","path":"/x","response_time":"15ms","bytes":"99"})", rec),
            ParseError::kOk);
  EXPECT_TRUE(rec.http.present);
  EXPECT_DOUBLE_EQ(rec.http.duration_ms, 15);
  EXPECT_EQ(rec.http.bytes, 99u);

  ASSERT_EQ(p.parse("method=GET status=201 path=/y request_time=0.5s msg=ok", rec), ParseError::kOk);
  EXPECT_TRUE(rec.http.present);
  EXPECT_DOUBLE_EQ(rec.http.duration_ms, 500);

  // A status without a method is not a request; nor is a plain line.
  ASSERT_EQ(p.parse("status=200 msg=ok", rec), ParseError::kOk);
  EXPECT_FALSE(rec.http.present);
  ASSERT_EQ(p.parse("INFO 2024-01-20T10:00:00Z svc GET /x 200", rec), ParseError::kOk);
  EXPECT_FALSE(rec.http.present);
}

TEST(JsonLineParser, PaddedAndUnpaddedInputAgree) {
  // In a bigger buffer (padding available) and alone (copied): same result.
  const std::string line = R"({"level":"error","service":"s","msg":"m"})";
  const std::string buffer = line + "\n" + std::string(100, 'x');
  LineParser p;
  LogRecord a, b;
  ASSERT_EQ(p.parse(std::string_view(buffer.data(), line.size()), a, buffer.data() + buffer.size()),
            ParseError::kOk);
  EXPECT_EQ(a.service, "s");
  ASSERT_EQ(p.parse(line, b), ParseError::kOk);
  EXPECT_EQ(b.message, "m");
}

}  // namespace
}  // namespace logstreamer::parse

namespace logstreamer::parse {
namespace {

TEST(FieldValues, DurationsWithUnitsAndNothingElse) {
  EXPECT_EQ(duration_ms("12ms"), 12);
  EXPECT_EQ(duration_ms("1.5s"), 1500);
  EXPECT_EQ(duration_ms("250us"), 0.25);
  EXPECT_EQ(duration_ms("2m"), 120000);
  EXPECT_EQ(duration_ms("7"), 7);
  for (const char* bad : {"", "ms", "-1ms", "12parsecs", "nan", "NaN", "inf", "infms", "1e999"}) {
    EXPECT_EQ(duration_ms(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace logstreamer::parse
