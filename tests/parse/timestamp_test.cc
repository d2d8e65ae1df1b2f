#include "parse/timestamp.h"

#include <ctime>
#include <iterator>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace logstreamer::parse {
namespace {

// Independent reference: timegm from the C library.
int64_t utc_us(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1'000'000;
}

int64_t scan(std::string_view text, size_t* length = nullptr) {
  ParsedTime t;
  EXPECT_TRUE(scan_timestamp(text, t)) << text;
  if (length != nullptr) *length = t.length;
  return t.unix_us;
}

TEST(Timestamp, Rfc3339Forms) {
  EXPECT_EQ(scan("2024-01-20T10:00:00Z"), utc_us(2024, 1, 20, 10));
  EXPECT_EQ(scan("2024-01-20T10:00:00.123Z"), utc_us(2024, 1, 20, 10) + 123000);
  EXPECT_EQ(scan("2024-01-20T10:00:00.123456789Z"), utc_us(2024, 1, 20, 10) + 123456);
  EXPECT_EQ(scan("2024-01-20t10:00:00z"), utc_us(2024, 1, 20, 10));
  EXPECT_EQ(scan("2024-01-20T10:00:00+02:00"), utc_us(2024, 1, 20, 8));
  EXPECT_EQ(scan("2024-01-20T10:00:00-0530"), utc_us(2024, 1, 20, 15, 30));
  EXPECT_EQ(scan("2024-01-20T10:00:00.5+00:00"), utc_us(2024, 1, 20, 10) + 500000);
  EXPECT_EQ(scan("2024-01-20T10:00"), utc_us(2024, 1, 20, 10));
  EXPECT_EQ(scan("2024-01-20T10:00:00,250"), utc_us(2024, 1, 20, 10) + 250000);  // comma fraction
}

TEST(Timestamp, DateAloneAndDateSpaceTime) {
  size_t len = 0;
  EXPECT_EQ(scan("2025-01-01 ERROR payment", &len), utc_us(2025, 1, 1));
  EXPECT_EQ(len, 10u);
  EXPECT_EQ(scan("2025-01-01 10:30:15 ERROR", &len), utc_us(2025, 1, 1, 10, 30, 15));
  EXPECT_EQ(len, 19u);
  EXPECT_EQ(scan("2025-01-01"), utc_us(2025, 1, 1));
}

TEST(Timestamp, LeapDayAndCenturies) {
  EXPECT_EQ(scan("2024-02-29T00:00:00Z"), utc_us(2024, 2, 29));
  EXPECT_EQ(scan("2000-03-01T00:00:00Z"), utc_us(2000, 3, 1));
  EXPECT_EQ(scan("1969-12-31T23:59:59Z"), utc_us(1969, 12, 31, 23, 59, 59));
}

TEST(Timestamp, CacheDoesNotConfuseNeighbouringLines) {
  // Same minute prefix, different separators and seconds; then a new minute.
  EXPECT_EQ(scan("2024-01-20T10:00:01Z"), utc_us(2024, 1, 20, 10, 0, 1));
  EXPECT_EQ(scan("2024-01-20 10:00:02"), utc_us(2024, 1, 20, 10, 0, 2));
  EXPECT_EQ(scan("2024-01-20T10:00:03+01:00"), utc_us(2024, 1, 20, 9, 0, 3));
  EXPECT_EQ(scan("2024-01-20T10:01:00Z"), utc_us(2024, 1, 20, 10, 1, 0));
  EXPECT_EQ(scan("2024-01-21T10:01:00Z"), utc_us(2024, 1, 21, 10, 1, 0));
  ParsedTime t;
  EXPECT_FALSE(scan_timestamp("2024-01-21T10:01:99Z", t));  // cached prefix, bad seconds
}

// The inline fast path (the thread's cached minute, then ":SS.f...") must
// agree with the general scanner on a cold cache, accepting and rejecting
// alike; the texts are long enough (>= 28 bytes) for the fast path to look.
TEST(Timestamp, CachedMinuteFastPathAgreesWithTheGeneralScanner) {
  const std::string tails[] = {":07.1",
                               ":07.12",
                               ":07.123",
                               ":07.1234",
                               ":07.12345",
                               ":07.123456",
                               ":07.1234567",
                               ":07.12345678",
                               ":07.123456789",
                               ":07.1234567890",
                               ":07,250",
                               ":07.123Z",
                               ":07.123z",
                               ":07.5Z",
                               ":60.000",
                               ":61.000",
                               ":7a.000",
                               ":07.",
                               ":07.Z",
                               ":07.123+01:00",
                               ":07.123-0130",
                               ":07.123x",
                               ":07.123Zx",
                               ":07",
                               ":07Z",
                               "Z",
                               "",
                               ";07.123",
                               ":07:123"};
  const std::string enders[] = {" INFO payment-service x", "\tINFO payment-service x", ""};
  int fast = 0;
  for (const char* sep : {"T", "t", " "}) {
    for (const std::string& tail : tails) {
      for (const std::string& end : enders) {
        const std::string text = std::string("2024-01-20") + sep + "10:00" + tail + end;
        ParsedTime expected, got;
        detail::tl_minute_cache = detail::MinutePrefixCache{};
        const bool expected_ok = scan_timestamp_general(text, expected);
        ParsedTime prime;
        ASSERT_TRUE(scan_timestamp_general("2024-01-20T10:00:00Z", prime));  // caches the minute
        ParsedTime fast_result;
        if (detail::scan_timestamp_cached(text, fast_result)) {
          ++fast;
          EXPECT_TRUE(expected_ok) << text;
          EXPECT_EQ(fast_result.unix_us, expected.unix_us) << text;
          EXPECT_EQ(fast_result.length, expected.length) << text;
        }
        const bool ok = scan_timestamp(text, got);
        ASSERT_EQ(ok, expected_ok) << text;
        if (ok) {
          EXPECT_EQ(got.unix_us, expected.unix_us) << text;
          EXPECT_EQ(got.length, expected.length) << text;
        }
      }
    }
  }
  // ".1" to ".1234567", ",250", "Z"/"z" and the 60th second, each separator,
  // with a blank after: the fast path must have taken these.
  EXPECT_GE(fast, 3 * 2 * 12);
  EXPECT_EQ(scan("2024-01-20T10:00:07.123Z INFO payment-service x"),
            utc_us(2024, 1, 20, 10, 0, 7) + 123000);
}

TEST(Timestamp, Rejects) {
  ParsedTime t;
  for (const char* bad : {"", "2024", "2024-1-20", "2024-13-01", "2024-00-10", "2024-02-30T00:00:00Z",
                          "2024-01-32", "2024-01-20T25:00:00Z", "2024-01-20T10:60:00Z",
                          "2024-01-20T10:00:00.Z", "2024-01-20T10:00:00+2", "2024-01-20Tnoon",
                          "2024-01-20T10:00:00Zjunk", "20240120T100000Z", "abcd-ef-gh"}) {
    EXPECT_FALSE(scan_timestamp(bad, t)) << bad;
  }
}

TEST(Timestamp, FormatRoundTrips) {
  EXPECT_EQ(format_rfc3339(utc_us(2024, 1, 20, 10)), "2024-01-20T10:00:00Z");
  EXPECT_EQ(format_rfc3339(utc_us(2024, 1, 20, 10) + 123000), "2024-01-20T10:00:00.123Z");
  EXPECT_EQ(format_rfc3339(utc_us(2024, 1, 20, 10) + 123456), "2024-01-20T10:00:00.123456Z");
  EXPECT_EQ(format_rfc3339(utc_us(2024, 1, 20, 10), 3), "2024-01-20T10:00:00.000Z");
  EXPECT_EQ(format_rfc3339(utc_us(1969, 12, 31, 23, 59, 59)), "1969-12-31T23:59:59Z");
  for (int64_t us : {int64_t{0}, utc_us(2038, 1, 19, 3, 14, 8) + 1, utc_us(1999, 12, 31, 23, 59, 59)}) {
    EXPECT_EQ(scan(format_rfc3339(us)), us);
  }
}

}  // namespace
}  // namespace logstreamer::parse

namespace logstreamer::parse {
namespace {

// Seconds and fraction are read by a word-at-a-time path when the text is
// long enough and by the general scanner otherwise. Random tails, alone and
// followed by more of the line, must give the same verdict, and valid ones
// the value computed here digit by digit.
TEST(Timestamp, SecondsAndFractionAgreeOnEveryPath) {
  std::mt19937 rng(5);
  const std::string zones[] = {"", "Z", "z", "+02:00", "-0530", "x", "Z1"};
  for (int iter = 0; iter < 100000; ++iter) {
    const int ss = static_cast<int>(rng() % 62);
    std::string ts = "2024-01-20T10:00:" + std::string(ss < 10 ? "0" : "") + std::to_string(ss);
    std::string digits;
    const int sep = static_cast<int>(rng() % 4);
    if (sep != 0) {
      digits.assign(rng() % 11, '0');
      for (auto& c : digits) c = static_cast<char>('0' + rng() % 10);
      ts += (sep == 1 ? "," : ".") + digits;
    }
    const std::string& zone = zones[rng() % std::size(zones)];
    ts += zone;

    ParsedTime alone, in_line;
    const bool ok_alone = scan_timestamp(ts, alone);
    const bool ok_in_line = scan_timestamp(ts + " web-service GET /x 200", in_line);
    ASSERT_EQ(ok_alone, ok_in_line) << ts;
    const bool fraction_ok = sep == 0 || (!digits.empty() && digits.size() <= 9);
    const bool zone_ok = zone != "x" && zone != "Z1";
    ASSERT_EQ(ok_alone, ss <= 60 && fraction_ok && zone_ok) << ts;
    if (!ok_alone) continue;
    ASSERT_EQ(alone.unix_us, in_line.unix_us) << ts;
    ASSERT_EQ(alone.length, ts.size()) << ts;
    ASSERT_EQ(in_line.length, ts.size()) << ts;
    int64_t micros = 0;
    for (size_t i = 0; i < 6; ++i) micros = micros * 10 + (i < digits.size() ? digits[i] - '0' : 0);
    int64_t offset_s = 0;
    if (zone == "+02:00") offset_s = -2 * 3600;
    if (zone == "-0530") offset_s = 5 * 3600 + 30 * 60;
    const int64_t expected = (1705744800LL + ss + offset_s) * 1'000'000 + micros;  // 2024-01-20T10:00:00Z
    ASSERT_EQ(alone.unix_us, expected) << ts;
  }
}

}  // namespace
}  // namespace logstreamer::parse
