#pragma once
// Helpers for comparing Summaries field by field in tests.
#include <gtest/gtest.h>

#include "aggregate/summary.h"

namespace logstreamer::aggregate {

inline void expect_same_summary(const Summary& a, const Summary& b) {
  EXPECT_EQ(a.parsed, b.parsed);
  EXPECT_EQ(a.malformed, b.malformed);
  EXPECT_EQ(a.levels, b.levels);
  EXPECT_EQ(a.formats, b.formats);
  EXPECT_EQ(a.malformed_by_reason, b.malformed_by_reason);
  EXPECT_EQ(a.services.sorted(), b.services.sorted());
  EXPECT_EQ(a.first_us, b.first_us);
  EXPECT_EQ(a.last_us, b.last_us);
  const auto ma = a.per_minute.sorted(), mb = b.per_minute.sorted();
  ASSERT_EQ(ma.size(), mb.size());
  for (size_t i = 0; i < ma.size(); ++i) {
    EXPECT_EQ(ma[i].first, mb[i].first);
    EXPECT_EQ(ma[i].second.total, mb[i].second.total);
    EXPECT_EQ(ma[i].second.levels, mb[i].second.levels);
  }
  EXPECT_EQ(a.top_messages.top(1000), b.top_messages.top(1000));
  const auto sa = a.samples.sorted(), sb = b.samples.sorted();
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].file, sb[i].file);
    EXPECT_EQ(sa[i].line, sb[i].line);
    EXPECT_EQ(sa[i].reason, sb[i].reason);
    EXPECT_EQ(sa[i].text, sb[i].text);
  }
}

}  // namespace logstreamer::aggregate
