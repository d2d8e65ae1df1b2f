#include "cli/progress_line.h"

#include <cstdio>

#include <fmt/format.h>

#include "text/number_format.h"

namespace logstreamer::cli {

ProgressLine::ProgressLine(const engine::AnalyzePipeline& pipeline, bool in_place)
    : pipeline_(pipeline),
      in_place_(in_place),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void ProgressLine::tick() {
  const auto now = std::chrono::steady_clock::now();
  const auto interval = in_place_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(1000);
  if (now - last_ < interval) return;
  last_ = now;

  uint64_t done = 0, total = 0;
  bool total_known = true;
  for (const auto& s : pipeline_.sources()) {
    done += s->bytes_consumed();
    total += s->bytes_total();
    total_known = total_known && s->bytes_total() > 0;
  }
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double lines = static_cast<double>(pipeline_.probe().lines_processed.load());
  std::string line = fmt::format(
      "{} lines  {} lines/s  read {}", text::with_commas(static_cast<uint64_t>(lines)),
      text::human_count(secs > 0 ? lines / secs : 0), text::human_bytes(static_cast<double>(done)));
  if (total_known && total > 0) {
    const double frac = static_cast<double>(done) / static_cast<double>(total);
    line +=
        fmt::format(" / {} ({:.1f}%)", text::human_bytes(static_cast<double>(total)), 100 * frac);
    if (frac > 0.01) line += fmt::format("  ETA {:.1f}s", secs / frac - secs);
  }
  if (in_place_) {
    fmt::print(stderr, "\r\033[K{}", line);
  } else {
    fmt::print(stderr, "progress: {}\n", line);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (in_place_ && drawn_) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

}  // namespace logstreamer::cli
