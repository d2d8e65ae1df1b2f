#pragma once
// Summary: everything analyze reports, as a mergeable value.
//
// Each worker fills its own Summary without locks; merge() combines them, and
// merging is associative and commutative for every count (top messages and
// capped keys stay exact while their caps are not reached). So the same code
// merges per-worker summaries now and per-process summaries later.
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "aggregate/capped_counter.h"
#include "aggregate/http_summary.h"
#include "aggregate/line_ledger.h"
#include "aggregate/malformed_samples.h"
#include "aggregate/minute_buckets.h"
#include "aggregate/top_messages.h"
#include "parse/format.h"
#include "parse/log_record.h"
#include "parse/parse_error.h"

namespace logstreamer::aggregate {

struct SummaryLimits {
  size_t max_services = 10000;
  size_t max_templates = 20000;
  size_t max_minutes = 100000;
  size_t max_samples = 10;
};

class Summary {
 public:
  explicit Summary(const SummaryLimits& limits = {});

  // Hot path: one call per parsed line. `readable_end`: how far past the
  // record's text memory may be read (the end of its batch); see mask_message().
  void add(const parse::LogRecord& rec, const char* readable_end = nullptr) {
    add_counts(rec);
    top_messages.add(rec.message, readable_end);
  }

  // The batch loops' add(): the message's template is counted later, with
  // others (TopMessages::add_pending), at the latest by end_batch(). A
  // message inside `batch` (which must stay valid until then) is used in
  // place and may be read to the batch's end; any other (in a parser's
  // buffer) is copied.
  void add_from_batch(const parse::LogRecord& rec, std::string_view batch) {
    add_counts(rec);
    const char* const end = batch.data() + batch.size();
    if (rec.message.data() >= batch.data() && rec.message.data() <= end) {
      top_messages.add_pending(rec.message, end);
    } else {
      top_messages.add_pending_copy(rec.message);
    }
  }
  void end_batch() { top_messages.flush(); }

  void add_malformed(const LinePosition& pos, parse::ParseError why, std::string_view line) {
    ++malformed;
    malformed_by_reason[static_cast<size_t>(why)]++;
    samples.add(pos, why, line);
  }

  void merge(const Summary& other);

  // Turns sample positions into file names and line numbers.
  void resolve_samples(const std::vector<std::string>& source_names);

  bool has_time() const { return first_us <= last_us; }
  uint64_t total_lines() const { return parsed + malformed; }

  uint64_t parsed = 0;
  uint64_t malformed = 0;
  std::array<uint64_t, parse::kLevelCount> levels{};
  std::array<uint64_t, parse::kFormatCount> formats{};
  std::array<uint64_t, static_cast<size_t>(parse::ParseError::kCount)> malformed_by_reason{};
  CappedCounter services;
  int64_t first_us = std::numeric_limits<int64_t>::max();
  int64_t last_us = std::numeric_limits<int64_t>::min();
  MinuteBuckets per_minute;
  TopMessages top_messages;
  MalformedSamples samples;
  LineLedger ledger;
  std::unique_ptr<HttpSummary> http;  // created at the first request: most runs have none

 private:
  // Inlined into both adds: one call less per line on the hot path.
  [[gnu::always_inline]] void add_counts(const parse::LogRecord& rec) {
    ++parsed;
    ++levels[static_cast<size_t>(rec.level)];
    ++formats[static_cast<size_t>(rec.format)];
    services.add(rec.service);
    if (rec.has_time) {
      first_us = std::min(first_us, rec.unix_us);
      last_us = std::max(last_us, rec.unix_us);
      per_minute.add(rec.unix_us, rec.level);
    }
    if (rec.http.present) [[unlikely]] {
      if (!http) http = std::make_unique<HttpSummary>();
      http->add(rec.http);
    }
  }
};

}  // namespace logstreamer::aggregate
