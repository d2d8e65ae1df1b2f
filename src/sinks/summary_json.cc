#include "sinks/summary_json.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <vector>

#include "parse/timestamp.h"
#include "text/json_escape.h"

namespace logstreamer::sinks {
namespace {

using fmt::format_to;

void key(fmt::memory_buffer& out, std::string_view k) {
  text::append_json_string(out, k);
  out.push_back(':');
}

void time_or_null(fmt::memory_buffer& out, bool has, int64_t us) {
  if (has) {
    text::append_json_string(out, parse::format_rfc3339(us));
  } else {
    out.append(std::string_view("null"));
  }
}

template <typename Array>
void level_object(fmt::memory_buffer& out, const Array& levels, bool skip_zero) {
  out.push_back('{');
  bool first = true;
  for (size_t i = 0; i < parse::kLevelCount; ++i) {
    if (skip_zero && levels[i] == 0) continue;
    if (!first) out.push_back(',');
    first = false;
    key(out, parse::kLevelNames[i]);
    format_to(std::back_inserter(out), "{}", levels[i]);
  }
  out.push_back('}');
}

template <typename Counter>
void counter_object(fmt::memory_buffer& out, const Counter& counter) {
  out.push_back('{');
  bool first = true;
  for (const auto& [name, n] : counter.sorted()) {
    if (!first) out.push_back(',');
    first = false;
    key(out, name);
    format_to(std::back_inserter(out), "{}", n);
  }
  out.push_back('}');
}

void sketch_object(fmt::memory_buffer& out, const aggregate::LatencySketch& s) {
  auto it = std::back_inserter(out);
  format_to(it, "{{\"relative_error\":{},\"zero\":{},\"sum\":{:.6f},\"max\":{:.6f},\"bins\":[",
            aggregate::LatencySketch::kRelativeError, s.zero_count(), s.sum(), s.max());
  bool first = true;
  for (const auto& [index, n] : s.bins()) {
    format_to(it, "{}[{},{}]", first ? "" : ",", index, n);
    first = false;
  }
  out.append(std::string_view("]}"));
}

void http_object(fmt::memory_buffer& out, const aggregate::HttpSummary& h, size_t top_n) {
  auto it = std::back_inserter(out);
  format_to(it, "{{\"requests\":{},\"status_classes\":{{", h.requests);
  static constexpr std::string_view kClasses[] = {"unknown", "1xx", "2xx", "3xx", "4xx", "5xx"};
  bool first = true;
  for (size_t i = 0; i < h.status_classes.size(); ++i) {
    if (h.status_classes[i] == 0 && (i < 2)) continue;  // 2xx..5xx always, the others when seen
    format_to(it, "{}\"{}\":{}", first ? "" : ",", kClasses[i], h.status_classes[i]);
    first = false;
  }
  out.append(std::string_view("},\"status_codes\":{"));
  first = true;
  for (size_t code = 0; code < h.status_codes.size(); ++code) {
    if (h.status_codes[code] == 0) continue;
    format_to(it, "{}\"{}\":{}", first ? "" : ",", code, h.status_codes[code]);
    first = false;
  }
  out.append(std::string_view("},\"methods\":"));
  counter_object(out, h.methods);
  out.append(std::string_view(",\"top_paths\":["));
  first = true;
  for (const auto& [path, n] : h.paths.sorted(top_n)) {
    if (!first) out.push_back(',');
    first = false;
    out.append(std::string_view("{\"path\":"));
    text::append_json_string(out, path);
    format_to(it, ",\"count\":{}}}", n);
  }
  const auto& r = h.response_ms;
  format_to(it,
            "],\"response_time_ms\":{{\"count\":{},\"p50\":{:.3f},\"p90\":{:.3f},\"p95\":{:.3f},"
            "\"p99\":{:.3f},\"max\":{:.3f},\"mean\":{:.3f},\"sketch\":",
            r.count(), r.quantile(0.5), r.quantile(0.9), r.quantile(0.95), r.quantile(0.99), r.max(), r.mean());
  sketch_object(out, r);
  format_to(it, "}},\"bytes\":{},\"error_codes\":", h.bytes);
  counter_object(out, h.error_codes);
  out.append(std::string_view(",\"per_dyno\":{"));
  std::vector<const std::pair<const std::string, aggregate::DynoStats>*> dynos;
  for (const auto& d : h.dynos) dynos.push_back(&d);
  std::sort(dynos.begin(), dynos.end(), [](auto* a, auto* b) { return a->first < b->first; });
  first = true;
  for (const auto* d : dynos) {
    if (!first) out.push_back(',');
    first = false;
    key(out, d->first);
    format_to(it, "{{\"requests\":{},\"errors\":{},\"p95\":{:.3f},\"sketch\":", d->second.requests,
              d->second.errors, d->second.response_ms.quantile(0.95));
    sketch_object(out, d->second.response_ms);
    out.push_back('}');
  }
  format_to(it, "}},\"paths_overflow\":{},\"dynos_overflow\":{}}}", h.paths.overflow(), h.dynos_overflow);
}

// [[name, count], ...] for every entry, as merge_state stores them.
template <typename Entries>  // pairs of (a string or a view, a count)
void pair_array(fmt::memory_buffer& out, const Entries& entries) {
  out.push_back('[');
  bool first = true;
  for (const auto& [name, n] : entries) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('[');
    text::append_json_string(out, name);
    format_to(std::back_inserter(out), ",{}]", n);
  }
  out.push_back(']');
}

}  // namespace

std::string summary_to_json(const RunReport& report) {
  const aggregate::Summary& s = *report.summary;
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  out.push_back('{');
  format_to(it, "\"version\":1,\"total_lines\":{},\"parsed\":{},\"malformed\":{},",
            s.total_lines(), s.parsed, s.malformed);

  key(out, "malformed_by_reason");
  out.push_back('{');
  bool first = true;
  for (size_t i = 1; i < s.malformed_by_reason.size(); ++i) {
    if (s.malformed_by_reason[i] == 0) continue;
    if (!first) out.push_back(',');
    first = false;
    key(out, parse::kParseErrorReasons[i]);
    format_to(it, "{}", s.malformed_by_reason[i]);
  }
  out.append(std::string_view("},"));

  key(out, "levels");
  level_object(out, s.levels, false);
  out.push_back(',');

  key(out, "services");
  out.push_back('{');
  first = true;
  for (const auto& [name, n] : s.services.sorted()) {
    if (!first) out.push_back(',');
    first = false;
    key(out, name);
    format_to(it, "{}", n);
  }
  format_to(it, "}},\"services_overflow\":{},", s.services.overflow());

  key(out, "formats");
  out.push_back('{');
  for (size_t i = 0; i < parse::kFormatCount; ++i) {
    if (i > 0) out.push_back(',');
    key(out, parse::kFormatNames[i]);
    format_to(it, "{}", s.formats[i]);
  }
  out.append(std::string_view("},"));

  key(out, "first_timestamp");
  time_or_null(out, s.has_time(), s.first_us);
  out.push_back(',');
  key(out, "last_timestamp");
  time_or_null(out, s.has_time(), s.last_us);
  out.push_back(',');

  key(out, "per_minute");
  out.push_back('[');
  first = true;
  for (const auto& [minute, counts] : s.per_minute.sorted()) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('{');
    key(out, "minute");
    text::append_json_string(out, parse::format_rfc3339(minute * 1'000'000));
    format_to(it, ",\"count\":{},\"levels\":", counts.total);
    level_object(out, counts.levels, true);
    out.push_back('}');
  }
  format_to(it, "],\"per_minute_overflow\":{},", s.per_minute.overflow());

  key(out, "top_messages");
  out.push_back('[');
  first = true;
  for (const auto& [message, n] : s.top_messages.top_views(report.top_n)) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('{');
    key(out, "message");
    text::append_json_string(out, message);
    format_to(it, ",\"count\":{}}}", n);
  }
  format_to(it, "],\"top_messages_approximate\":{},",
            s.top_messages.approximate() ? "true" : "false");

  key(out, "malformed_samples");
  out.push_back('[');
  first = true;
  for (const auto& sample : s.samples.sorted()) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('{');
    key(out, "file");
    text::append_json_string(out, sample.file);
    format_to(it, ",\"line\":{},", sample.line);
    key(out, "reason");
    text::append_json_string(out, sample.reason);
    out.push_back(',');
    key(out, "text");
    text::append_json_string(out, sample.text);
    out.push_back('}');
  }
  out.append(std::string_view("],"));

  if (s.http && s.http->requests > 0) {
    key(out, "http");
    http_object(out, *s.http, report.top_n);
    out.push_back(',');
  }

  // Everything else merge needs to be exact: all message templates (not only
  // the top ones) and all HTTP paths.
  out.append(std::string_view("\"merge_state\":{\"templates\":"));
  pair_array(out, s.top_messages.top_views(std::numeric_limits<size_t>::max()));
  format_to(it, ",\"templates_pruned\":{},\"http_paths\":", s.top_messages.pruned_count());
  pair_array(out, s.http ? s.http->paths.sorted() : std::vector<std::pair<std::string, uint64_t>>{});
  out.append(std::string_view("},"));

  key(out, "inputs");
  out.push_back('[');
  for (size_t i = 0; i < report.inputs.size(); ++i) {
    if (i > 0) out.push_back(',');
    text::append_json_string(out, report.inputs[i]);
  }
  format_to(it, "],\"bytes\":{},\"elapsed_seconds\":{:.6f},\"lines_per_second\":{:.1f},",
            report.bytes_read, report.elapsed_seconds, report.lines_per_second());
  out.append(std::string_view("\"errors\":["));
  for (size_t i = 0; i < report.errors.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(std::string_view("{\"input\":"));
    text::append_json_string(out, report.errors[i].input);
    out.append(std::string_view(",\"reason\":"));
    text::append_json_string(out, report.errors[i].reason);
    out.push_back('}');
  }
  format_to(it, "],\"interrupted\":{}}}\n", report.interrupted ? "true" : "false");
  return fmt::to_string(out);
}

}  // namespace logstreamer::sinks
