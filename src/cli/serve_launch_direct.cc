// launch_serve() of logstreamer-serve: the server is in this executable.
#include "cli/serve_command.h"
#include "cli/serve_subcommand.h"

namespace logstreamer::cli {

int launch_serve(const ServeFlags& flags, int /*argc*/, char** /*argv*/) {
  return run_serve(flags);
}

}  // namespace logstreamer::cli
