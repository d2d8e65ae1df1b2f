#include "sinks/summary_json.h"

#include <gtest/gtest.h>

#include "aggregate/summary.h"

namespace logstreamer::sinks {
namespace {

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
