#include "sinks/json_escape.h"

#include <gtest/gtest.h>

#include "aggregate/summary.h"
#include "sinks/console_report.h"
#include "sinks/summary_json.h"

namespace logstreamer::sinks {
namespace {

std::string json(std::string_view s) {
  fmt::memory_buffer out;
  append_json_string(out, s);
  return fmt::to_string(out);
}

TEST(JsonEscape, EscapesSpecialsAndControlBytes) {
  EXPECT_EQ(json("plain"), "\"plain\"");
  EXPECT_EQ(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json("tab\tnl\ncr\r"), "\"tab\\tnl\\ncr\\r\"");
  EXPECT_EQ(json(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
}

TEST(JsonEscape, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(json("bad\xff byte"), "\"bad\\ufffd byte\"");
  EXPECT_EQ(json("\xc3"), "\"\\ufffd\"");              // truncated sequence
  EXPECT_EQ(json("\xc0\xaf"), "\"\\ufffd\\ufffd\"");   // overlong '/'
  EXPECT_EQ(json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
}

TEST(Printable, NeutralisesTerminalControlSequences) {
  EXPECT_EQ(printable("\x1b[31mred", 100), "?[31mred");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
}

TEST(ConsoleReport, NumbersAreGroupedAndScaled) {
  EXPECT_EQ(with_commas(0), "0");
  EXPECT_EQ(with_commas(999), "999");
  EXPECT_EQ(with_commas(1000), "1,000");
  EXPECT_EQ(with_commas(14080), "14,080");
  EXPECT_EQ(with_commas(1234567), "1,234,567");
  EXPECT_EQ(human_bytes(1.5e9), "1.50 GB");
  EXPECT_EQ(human_count(1.42e7), "14.20M");
}

TEST(SummaryJson, EmptySummaryIsValidJsonWithNullTimestamps) {
  aggregate::Summary s;
  RunReport r;
  r.summary = &s;
  const std::string out = summary_to_json(r);
  EXPECT_NE(out.find("\"first_timestamp\":null"), std::string::npos);
  EXPECT_NE(out.find("\"total_lines\":0"), std::string::npos);
  EXPECT_NE(out.find("\"interrupted\":false"), std::string::npos);
}

}  // namespace
}  // namespace logstreamer::sinks
