#pragma once
// LogRecord: what a parser extracts from one line.
//
// Lifetime: `service` and `message` are views into the line that was parsed
// (itself a view into a Batch buffer). They are valid only while that batch is
// alive, so an aggregator copies what it keeps.
#include <cstdint>
#include <string_view>

#include "parse/format.h"
#include "parse/level.h"

namespace logstreamer::parse {

struct LogRecord {
  Format format = Format::kPlain;
  Level level = Level::kInfo;
  bool has_time = false;
  int64_t unix_us = 0;
  std::string_view service;
  std::string_view message;
};

}  // namespace logstreamer::parse
