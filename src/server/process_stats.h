#pragma once
// This process's resource use, from /proc (Linux), for /metrics.
#include <cstdint>

namespace logstreamer::server {

struct ProcessStats {
  double cpu_seconds = 0;
  uint64_t resident_bytes = 0;
  uint64_t virtual_bytes = 0;
  uint64_t open_fds = 0;
  uint64_t max_fds = 0;
  double start_time_seconds = 0;  // since the Unix epoch
  uint64_t threads = 0;
};

ProcessStats read_process_stats();

}  // namespace logstreamer::server
