#pragma once
// SyntheticLines: realistic, reproducible log lines for tests and benchmarks.
//
// Level mix (INFO 70%, DEBUG 10%, WARN 10%, ERROR 7%, TRACE 2%, FATAL 1%), a
// dozen services, a few dozen message templates with numbers and ids filled
// in, timestamps that move forward about 1 ms per line. The same seed gives
// the same lines. Plain lines come in both orders and three timestamp styles.
//
// Not thread-safe: one generator per thread.
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "parse/format.h"
#include "parse/level.h"

namespace logstreamer::engine {

// Which plain layout to write. Real files keep one layout; `kMixed` shuffles
// all three line by line, which is harder on a parser (and its branch
// predictor) than any real file.
enum class PlainLayout { kMixed, kLevelFirst, kTimeFirst, kDateTime };

struct SyntheticOptions {
  uint64_t seed = 1;
  int64_t start_unix_s = 1705744800;  // 2024-01-20T10:00:00Z
  double malformed_ratio = 0.0;       // fraction of lines made unparseable on purpose
  bool level_aliases = false;         // also write warning/err/crit/lowercase spellings
  PlainLayout layout = PlainLayout::kMixed;
};

class SyntheticLines {
 public:
  explicit SyntheticLines(const SyntheticOptions& options);

  // Appends one plain line, '\n' included.
  void append_plain(fmt::memory_buffer& out);
  // One line of the given format (parse::Format), '\n' included: JSON,
  // logfmt, syslog 5424/3164, access log (combined, with request time) or
  // Heroku (router lines with their HTTP fields, and app lines).
  void append(parse::Format format, fmt::memory_buffer& out);
  // A line of a format picked at random, all formats equally often.
  void append_mixed(fmt::memory_buffer& out);

  uint64_t next_random() {  // splitmix64: fast, good enough for synthetic data
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t uniform(uint64_t n) { return next_random() % n; }

 private:
  parse::Level pick_level();
  std::string_view pick_service();
  void advance_time();
  int pick_status();
  void append_message(fmt::memory_buffer& out);
  void append_malformed(fmt::memory_buffer& out);

  SyntheticOptions options_;
  uint64_t state_;
  int64_t now_us_;
};

}  // namespace logstreamer::engine
