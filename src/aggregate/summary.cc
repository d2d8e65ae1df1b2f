#include "aggregate/summary.h"

#include <algorithm>

namespace logstreamer::aggregate {

Summary::Summary(const SummaryLimits& limits)
    : services(limits.max_services),
      per_minute(limits.max_minutes),
      top_messages(limits.max_templates),
      samples(limits.max_samples) {}

void Summary::merge(const Summary& other) {
  parsed += other.parsed;
  malformed += other.malformed;
  for (size_t i = 0; i < levels.size(); ++i) levels[i] += other.levels[i];
  for (size_t i = 0; i < formats.size(); ++i) formats[i] += other.formats[i];
  for (size_t i = 0; i < malformed_by_reason.size(); ++i) {
    malformed_by_reason[i] += other.malformed_by_reason[i];
  }
  services.merge(other.services);
  first_us = std::min(first_us, other.first_us);
  last_us = std::max(last_us, other.last_us);
  per_minute.merge(other.per_minute);
  top_messages.merge(other.top_messages);
  samples.merge(other.samples);
  ledger.merge(other.ledger);
  if (other.http) {
    if (!http) http = std::make_unique<HttpSummary>();
    http->merge(*other.http);
  }
}

void Summary::resolve_samples(const std::vector<std::string>& source_names) {
  for (auto& s : samples.samples()) {
    if (s.position.source_id < source_names.size()) s.file = source_names[s.position.source_id];
    s.line = ledger.line_number(s.position);
  }
}

}  // namespace logstreamer::aggregate
