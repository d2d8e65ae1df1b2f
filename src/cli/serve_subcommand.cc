#include "cli/serve_subcommand.h"

namespace logstreamer::cli {

CLI::App* add_serve_command(CLI::App& app, ServeFlags& flags) {
  CLI::App* cmd = app.add_subcommand("serve",
                                     "Receive logs over HTTP (Heroku logplex drains at POST "
                                     "/logdrains, NDJSON or plain lines at POST "
                                     "/ingest); serve live metrics (/metrics, /api/stats, "
                                     "/api/summary), stored events (/api/events) and a "
                                     "dashboard (/). Every setting may also come from a TOML file "
                                     "(--config) or LOGSTREAMER_* variables.");
  add_serve_flags(*cmd, flags);
  return cmd;
}

}  // namespace logstreamer::cli
