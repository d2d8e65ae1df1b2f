// COPY text encoding and the daily partitions' names and days: what
// PostgreSQL receives must read back as the same text (or U+FFFD where
// PostgreSQL cannot hold the bytes), and every time must fall on one day.
#include <gtest/gtest.h>

#include "sinks/pg_copy_text.h"
#include "sinks/pg_connection.h"
#include "sinks/pg_schema.h"

namespace logstreamer::sinks {
namespace {

std::string field(std::string_view v, bool null_if_empty = false) {
  std::string out;
  append_copy_text(out, v, null_if_empty);
  return out;
}

TEST(PgCopyText, PlainTextIsCopiedAsItIs) {
  EXPECT_EQ(field("GET /api/users 200"), "GET /api/users 200");
  EXPECT_EQ(field("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");  // valid UTF-8 kept
}

TEST(PgCopyText, EscapesTheFourSpecialBytes) {
  EXPECT_EQ(field("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e");
}

TEST(PgCopyText, EmptyIsNullOnlyWhenAsked) {
  EXPECT_EQ(field("", true), "\\N");
  EXPECT_EQ(field("", false), "");
  EXPECT_EQ(field("\\N", true), "\\\\N");  // the text "\N" is not NULL
}

TEST(PgCopyText, InvalidUtf8AndNulBecomeReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(field("caf\xe9!"), "caf" + fffd + "!");
  EXPECT_EQ(field(std::string_view("a\0b", 3)), "a" + fffd + "b");
  EXPECT_EQ(field("\xc0\xaf"), fffd + fffd);            // overlong '/'
  EXPECT_EQ(field("\xed\xa0\x80"), fffd + fffd + fffd);  // a surrogate
  EXPECT_EQ(field("x\xe2\x82"), "x" + fffd + fffd);      // cut short
  EXPECT_EQ(pg_text("k\xff\ty"), "k" + fffd + "\ty");    // parameters: replaced, not escaped
}

TEST(PgCopyText, NumbersReadBack) {
  std::string out;
  append_copy_int(out, -1705744800000000);
  out.push_back(' ');
  append_copy_double(out, 0.1);
  out.push_back(' ');
  append_copy_double(out, 30001);
  EXPECT_EQ(out, "-1705744800000000 0.1 30001");
}

TEST(PgCopyText, RowsSeparateFieldsAndWriteNullsForAbsentValues) {
  std::string out;
  CopyRow(out)
      .integer(7)
      .text("")
      .text("a\tb", false)
      .real(1.5)
      .integer(-1, false)
      .real(0, false)
      .end();
  CopyRow(out).text("x").end();
  EXPECT_EQ(out, "7\t\\N\ta\\tb\t1.5\t\\N\t\\N\nx\n");
}

TEST(PgPartitions, DaysAreUtcAndFloorBeforeEpoch) {
  EXPECT_EQ(day_of(0), 0);
  EXPECT_EQ(day_of(kUsPerDay - 1), 0);
  EXPECT_EQ(day_of(kUsPerDay), 1);
  EXPECT_EQ(day_of(-1), -1);
  EXPECT_EQ(partition_name("events", day_of(1705744800000000)), "events_p20240120");
  EXPECT_EQ(partition_name("http_requests", 0), "http_requests_p19700101");
  EXPECT_EQ(partition_name("events", -1), "events_p19691231");
}

TEST(PgConnection, LogsNeverShowThePassword) {
  EXPECT_EQ(PgConnection::redacted_url("postgres://u:s3cret@db.example.com:5432/logs?sslmode=require"),
            "postgres://u:***@db.example.com:5432/logs?sslmode=require");
  EXPECT_EQ(PgConnection::redacted_url("postgres://u@host/db"), "postgres://u@host/db");
  EXPECT_EQ(PgConnection::redacted_url("postgresql://host:5432/db"), "postgresql://host:5432/db");
  EXPECT_EQ(PgConnection::redacted_url("postgres://u@host/db?password=s3cret&sslmode=require"),
            "postgres://u@host/db?password=***&sslmode=require");
}

}  // namespace
}  // namespace logstreamer::sinks
