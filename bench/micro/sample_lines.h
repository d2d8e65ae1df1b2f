#pragma once
// Lines for the micro-benchmarks: what `logstreamer generate` writes.
#include <string>
#include <string_view>
#include <vector>

#include "engine/synthetic_lines.h"

namespace logstreamer::bench {

inline std::vector<std::string> sample_lines(size_t n) {
  engine::SyntheticLines gen(engine::SyntheticOptions{});
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    fmt::memory_buffer buf;
    gen.append_plain(buf);
    out.emplace_back(buf.data(), buf.size() - 1);  // without '\n'
  }
  return out;
}

}  // namespace logstreamer::bench
