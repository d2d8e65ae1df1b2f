#include "text/json_escape.h"

#include <gtest/gtest.h>

#include "text/number_format.h"

namespace logstreamer::text {
namespace {

std::string json(std::string_view s) {
  fmt::memory_buffer out;
  text::append_json_string(out, s);
  return fmt::to_string(out);
}

TEST(JsonEscape, EscapesSpecialsAndControlBytes) {
  EXPECT_EQ(json("plain"), "\"plain\"");
  EXPECT_EQ(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json("tab\tnl\ncr\r"), "\"tab\\tnl\\ncr\\r\"");
  EXPECT_EQ(json(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
}

TEST(JsonEscape, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(json("bad\xff byte"), "\"bad\\ufffd byte\"");
  EXPECT_EQ(json("\xc3"), "\"\\ufffd\"");                        // truncated sequence
  EXPECT_EQ(json("\xc0\xaf"), "\"\\ufffd\\ufffd\"");             // overlong '/'
  EXPECT_EQ(json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
}

TEST(Printable, NeutralisesTerminalControlSequences) {
  EXPECT_EQ(text::printable("\x1b[31mred", 100), "?[31mred");
  EXPECT_EQ(text::printable("abcdef", 3), "abc...");
}

TEST(NumberFormat, NumbersAreGroupedAndScaled) {
  EXPECT_EQ(with_commas(0), "0");
  EXPECT_EQ(with_commas(999), "999");
  EXPECT_EQ(with_commas(1000), "1,000");
  EXPECT_EQ(with_commas(14080), "14,080");
  EXPECT_EQ(with_commas(1234567), "1,234,567");
  EXPECT_EQ(human_bytes(1.5e9), "1.50 GB");
  EXPECT_EQ(human_count(1.42e7), "14.20M");
}

}  // namespace
}  // namespace logstreamer::text
