#include "server/process_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace logstreamer::server {

ProcessStats read_process_stats() {
  ProcessStats s;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const size_t close = line.rfind(')');
    std::istringstream in(line.substr(close + 2));
    std::string f[22];
    for (auto& x : f) in >> x;
    // f[0] is field 3 (state): utime=14, stime=15, num_threads=20, starttime=22, vsize=23, rss=24.
    s.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;
    s.threads = std::stoull(f[17]);
    const double start_ticks = std::stod(f[19]);
    s.virtual_bytes = std::stoull(f[20]);
    const uint64_t rss_pages = std::stoull(f[21]);
    s.resident_bytes = static_cast<uint64_t>(static_cast<double>(rss_pages) * page);
    std::ifstream boot("/proc/stat");
    std::string key;
    uint64_t btime = 0;
    while (boot >> key) {
      if (key == "btime") {
        boot >> btime;
        break;
      }
    }
    s.start_time_seconds = static_cast<double>(btime) + start_ticks / ticks;
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d) != nullptr) ++s.open_fds;
    closedir(d);
    s.open_fds = s.open_fds >= 3 ? s.open_fds - 3 : 0;  // ".", ".." and the directory's own fd
  }
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) s.max_fds = rl.rlim_cur;
  return s;
}

}  // namespace logstreamer::server
