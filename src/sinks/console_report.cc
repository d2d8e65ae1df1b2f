#include "sinks/console_report.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "aggregate/absl_key.h"
#include "parse/timestamp.h"
#include "text/json_escape.h"
#include "text/number_format.h"

namespace logstreamer::sinks {
namespace {

constexpr size_t kBarWidth = 30;
constexpr size_t kActivityRows = 24;

std::string bar(uint64_t n, uint64_t max) {
  if (max == 0) return {};
  const size_t w = static_cast<size_t>((static_cast<double>(n) / static_cast<double>(max)) * kBarWidth + 0.5);
  std::string out;
  for (size_t i = 0; i < std::max<size_t>(w, n > 0 ? 1 : 0); ++i) out += "\u2588";
  return out;
}

double percent(uint64_t n, uint64_t total) {
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(n) / static_cast<double>(total);
}

std::string hhmm(int64_t minute_s) { return parse::format_rfc3339(minute_s * 1'000'000).substr(0, 16); }

void section(std::string& out, std::string_view title) {
  out += '\n';
  out += title;
  out += '\n';
}

// Row sizes, in minutes: round ones, so rows start on round times.
constexpr int64_t kRowLadder[] = {1, 5, 15, 30, 60, 360, 1440, 7 * 1440, 30 * 1440, 365 * 1440};
// Lines kept out of the rows at each end: a stray line from another year
// must not stretch every row to months (it is counted on a line of its own).
constexpr double kOutlierShare = 0.0005;

std::string row_size_name(int64_t minutes) {
  if (minutes == 1) return "minute";
  if (minutes % 1440 == 0) return minutes == 1440 ? "day" : fmt::format("{} days", minutes / 1440);
  if (minutes % 60 == 0) return minutes == 60 ? "hour" : fmt::format("{} hours", minutes / 60);
  return fmt::format("{} minutes", minutes);
}

int64_t floor_to(int64_t t, int64_t step) { return (t >= 0 ? t : t - step + 1) / step * step; }

void activity(std::string& out, const aggregate::Summary& s) {
  const auto minutes = s.per_minute.sorted();
  if (minutes.empty()) return;
  uint64_t total = 0;
  for (const auto& m : minutes) total += m.second.total;
  // The range that holds the bulk of the lines: whole minutes are dropped at
  // either end while they add up to at most kOutlierShare of the lines.
  const auto trim = static_cast<uint64_t>(static_cast<double>(total) * kOutlierShare);
  size_t lo = 0, hi = minutes.size() - 1;
  for (uint64_t cut = 0; lo < hi && cut + minutes[lo].second.total <= trim; ++lo)
    cut += minutes[lo].second.total;
  for (uint64_t cut = 0; hi > lo && cut + minutes[hi].second.total <= trim; --hi)
    cut += minutes[hi].second.total;
  const int64_t first = minutes[lo].first;
  const int64_t last = minutes[hi].first;

  int64_t step_min = kRowLadder[std::size(kRowLadder) - 1];
  for (int64_t candidate : kRowLadder) {
    const int64_t step = candidate * 60;
    if ((floor_to(last, step) - floor_to(first, step)) / step + 1 <=
        static_cast<int64_t>(kActivityRows)) {
      step_min = candidate;
      break;
    }
  }
  const int64_t step = step_min * 60;
  const int64_t start = floor_to(first, step);
  std::vector<uint64_t> rows(static_cast<size_t>((floor_to(last, step) - start) / step + 1), 0);
  std::vector<uint64_t> errors(rows.size(), 0);
  uint64_t before = 0, after = 0;
  for (const auto& [minute, counts] : minutes) {
    if (minute < start) {
      before += counts.total;
      continue;
    }
    const auto row = static_cast<size_t>((minute - start) / step);
    if (row >= rows.size()) {
      after += counts.total;
      continue;
    }
    rows[row] += counts.total;
    errors[row] += counts.levels[static_cast<size_t>(parse::Level::kError)] +
                   counts.levels[static_cast<size_t>(parse::Level::kFatal)];
  }
  const uint64_t max = *std::max_element(rows.begin(), rows.end());
  section(out, fmt::format("Activity ({} per row, UTC)", row_size_name(step_min)));
  if (before > 0) {
    fmt::format_to(std::back_inserter(out), "  {:<16}  {:>12}  lines earlier, from {}\n", "before",
                   text::with_commas(before), hhmm(minutes.front().first));
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    const int64_t row_start = start + static_cast<int64_t>(r) * step;
    if (rows[r] == 0) {  // fold a run of empty rows into one line
      size_t end = r;
      while (end + 1 < rows.size() && rows[end + 1] == 0) ++end;
      if (end > r) {
        fmt::format_to(std::back_inserter(out), "  {}  {:>12}  ... no lines until {}\n",
                       hhmm(row_start), 0, hhmm(start + static_cast<int64_t>(end + 1) * step));
        r = end;
        continue;
      }
    }
    fmt::format_to(std::back_inserter(out), "  {}  {:>12}  {:>9} err  {}\n", hhmm(row_start),
                   text::with_commas(rows[r]), text::with_commas(errors[r]), bar(rows[r], max));
  }
  if (after > 0) {
    fmt::format_to(std::back_inserter(out), "  {:<16}  {:>12}  lines later, until {}\n", "after",
                   text::with_commas(after), hhmm(minutes.back().first));
  }
}

}  // namespace

std::string console_report(const RunReport& report) {
  const aggregate::Summary& s = *report.summary;
  std::string out;
  auto it = std::back_inserter(out);
  const uint64_t total = s.total_lines();
  std::string partial;
  if (report.interrupted) partial = " (INTERRUPTED: partial summary)";
  if (!report.errors.empty()) {
    partial += fmt::format(" ({} INPUT{} FAILED: partial summary)", report.errors.size(),
                           report.errors.size() == 1 ? "" : "S");
  }
  fmt::format_to(
      it, "logstreamer {}{}: {} lines, {} in {:.2f} s ({} lines/s, {}/s)\n", report.command,
      partial, text::with_commas(total), text::human_bytes(static_cast<double>(report.bytes_read)),
      report.elapsed_seconds, text::human_count(report.lines_per_second()),
      text::human_bytes(report.elapsed_seconds > 0
                            ? static_cast<double>(report.bytes_read) / report.elapsed_seconds
                            : 0));
  fmt::format_to(it, "  parsed {} ({:.2f}%)   malformed {}\n", text::with_commas(s.parsed),
                 percent(s.parsed, total), text::with_commas(s.malformed));
  for (const InputError& e : report.errors) {
    fmt::format_to(it, "  failed: {}: {}\n", text::printable(e.input, 100),
                   text::printable(e.reason, 200));
  }
  if (s.has_time()) {
    fmt::format_to(it, "  time range {} .. {}\n", parse::format_rfc3339(s.first_us),
                   parse::format_rfc3339(s.last_us));
  }

  section(out, "Levels");
  const uint64_t max_level = *std::max_element(s.levels.begin(), s.levels.end());
  for (size_t i = parse::kLevelCount; i-- > 0;) {
    if (s.levels[i] == 0) continue;
    fmt::format_to(it, "  {:<7} {:>14} {:>6.2f}%  {}\n", parse::kLevelNames[i],
                   text::with_commas(s.levels[i]), percent(s.levels[i], s.parsed),
                   bar(s.levels[i], max_level));
  }

  const auto services = s.services.sorted();
  section(out, fmt::format("Services ({} distinct{})", services.size(),
                           s.services.overflow() > 0
                               ? fmt::format(", {} lines past the cap",
                                             text::with_commas(s.services.overflow()))
                               : std::string()));
  for (size_t i = 0; i < services.size() && i < report.top_n; ++i) {
    fmt::format_to(it, "  {:<28} {:>14} {:>6.2f}%\n", text::printable(services[i].first, 28),
                   text::with_commas(services[i].second), percent(services[i].second, s.parsed));
  }
  if (services.size() > report.top_n) {
    fmt::format_to(it, "  ... {} more (see --output JSON)\n", services.size() - report.top_n);
  }

  section(out, "Formats");
  for (size_t i = 0; i < parse::kFormatCount; ++i) {
    if (s.formats[i] == 0) continue;
    fmt::format_to(it, "  {:<12} {:>14}\n", parse::kFormatNames[i],
                   text::with_commas(s.formats[i]));
  }

  activity(out, s);

  if (s.http && s.http->requests > 0) {
    const aggregate::HttpSummary& h = *s.http;
    section(out, fmt::format("HTTP requests: {}", text::with_commas(h.requests)));
    fmt::format_to(it, "  status   2xx {}   3xx {}   4xx {}   5xx {}\n",
                   text::with_commas(h.status_classes[2]), text::with_commas(h.status_classes[3]),
                   text::with_commas(h.status_classes[4]), text::with_commas(h.status_classes[5]));
    const auto& r = h.response_ms;
    if (r.count() > 0) {
      fmt::format_to(it, "  response ms   p50 {:.1f}   p90 {:.1f}   p95 {:.1f}   p99 {:.1f}   max {:.1f}   mean {:.1f}\n",
                     r.quantile(0.5), r.quantile(0.9), r.quantile(0.95), r.quantile(0.99), r.max(), r.mean());
    }
    if (h.bytes > 0)
      fmt::format_to(it, "  bytes sent    {}\n", text::human_bytes(static_cast<double>(h.bytes)));
    for (const auto& [code, n] : h.error_codes.sorted(report.top_n)) {
      fmt::format_to(it, "  error {:<8} {:>12}\n", text::printable(code, 8), text::with_commas(n));
    }
    const auto paths = h.paths.sorted(report.top_n);
    if (!paths.empty()) fmt::format_to(it, "  top paths\n");
    for (const auto& [path, n] : paths) {
      fmt::format_to(it, "    {:>12}  {}\n", text::with_commas(n), text::printable(path, 80));
    }
    if (!h.dynos.empty()) fmt::format_to(it, "  dynos            requests    errors      p95 ms\n");
    std::vector<std::string> names;
    for (const auto& [name, d] : h.dynos) names.push_back(name);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      const aggregate::DynoStats& d = h.dynos.find(aggregate::absl_key(name))->second;
      fmt::format_to(it, "    {:<12} {:>12} {:>9} {:>11.1f}\n", text::printable(name, 12),
                     text::with_commas(d.requests), text::with_commas(d.errors),
                     d.response_ms.quantile(0.95));
    }
  }

  const auto top = s.top_messages.top(report.top_n);
  if (!top.empty()) {
    section(out, s.top_messages.approximate() ? "Top messages (approximate: many distinct messages)"
                                              : "Top messages");
    for (const auto& [message, n] : top) {
      fmt::format_to(it, "  {:>12}  {}\n", text::with_commas(n), text::printable(message, 100));
    }
  }

  if (s.malformed > 0) {
    section(out, fmt::format("Malformed lines: {} (first {} shown)", text::with_commas(s.malformed),
                             std::min<uint64_t>(s.malformed, s.samples.max_samples())));
    for (const auto& sample : s.samples.sorted()) {
      fmt::format_to(it, "  {}:{}: {}: {}\n", sample.file, sample.line, sample.reason,
                     text::printable(sample.text, 100));
    }
  }
  return out;
}

}  // namespace logstreamer::sinks
