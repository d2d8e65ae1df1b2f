#include "aggregate/http_summary.h"

#include "aggregate/absl_key.h"

namespace logstreamer::aggregate {

void HttpSummary::add(const parse::HttpFields& http) {
  ++requests;
  const int status = http.status;
  status_classes[status >= 100 && status < 600 ? static_cast<size_t>(status / 100) : 0]++;
  if (status > 0 && status < 1000) status_codes[static_cast<size_t>(status)]++;
  if (!http.method.empty()) methods.add(http.method);
  if (!http.path.empty()) paths.add(http.path);
  if (!http.error_code.empty()) error_codes.add(http.error_code);
  if (http.has_duration) response_ms.add(http.duration_ms);
  if (http.has_bytes) bytes += http.bytes;
  if (!http.dyno.empty()) {
    auto it = dynos.find(absl_key(http.dyno));
    if (it == dynos.end()) {
      if (dynos.size() >= kMaxDynos) {
        ++dynos_overflow;
        return;
      }
      it = dynos.emplace(std::string(http.dyno), DynoStats{}).first;
    }
    DynoStats& d = it->second;
    ++d.requests;
    if (status >= 500 || !http.error_code.empty()) ++d.errors;
    if (http.has_duration) d.response_ms.add(http.duration_ms);
  }
}

void HttpSummary::merge(const HttpSummary& other) {
  requests += other.requests;
  for (size_t i = 0; i < status_classes.size(); ++i) status_classes[i] += other.status_classes[i];
  for (size_t i = 0; i < status_codes.size(); ++i) status_codes[i] += other.status_codes[i];
  methods.merge(other.methods);
  paths.merge(other.paths);
  error_codes.merge(other.error_codes);
  response_ms.merge(other.response_ms);
  bytes += other.bytes;
  for (const auto& [name, stats] : other.dynos) {
    auto it = dynos.find(absl_key(name));
    if (it == dynos.end()) {
      if (dynos.size() >= kMaxDynos) {
        dynos_overflow += stats.requests;
        continue;
      }
      it = dynos.emplace(name, DynoStats{}).first;
    }
    it->second.requests += stats.requests;
    it->second.errors += stats.errors;
    it->second.response_ms.merge(stats.response_ms);
  }
  dynos_overflow += other.dynos_overflow;
}

}  // namespace logstreamer::aggregate
