// launch_serve() of logstreamer: executes logstreamer-serve, which must be
// beside this executable (the build puts it there; whoever installs one
// must install both). The
// process stays the same (exec), so its PID, environment, open descriptors
// and ignored signals are the server's: a supervisor sees no difference.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "cli/serve_subcommand.h"

namespace logstreamer::cli {

int launch_serve(const ServeFlags& /*flags*/, int argc, char** argv) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    fmt::print(stderr, "logstreamer serve: cannot find this executable's directory: {}\n",
               ec.message());
    return 2;
  }
  const std::string server = (self.parent_path() / "logstreamer-serve").string();
  std::vector<char*> args(argv, argv + argc);
  args.push_back(nullptr);
  execv(server.c_str(), args.data());
  fmt::print(
      stderr,
      "logstreamer serve: cannot run {}: {} (it is built and installed beside logstreamer)\n",
      server, std::strerror(errno));
  return 2;
}

}  // namespace logstreamer::cli
