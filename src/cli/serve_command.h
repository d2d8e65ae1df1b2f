#pragma once
// `logstreamer serve`: the long-running receiver. Heroku logplex drains and
// NDJSON/plain posts in; live metrics, a dashboard and SQLite storage out.
#include <CLI/CLI.hpp>

#include "cli/serve_config.h"

namespace logstreamer::cli {

CLI::App* add_serve_command(CLI::App& app, ServeFlags& flags);

// 0 after a graceful stop (SIGINT/SIGTERM), 2 for bad configuration or a
// port that cannot be bound, 1 if acknowledged lines could not be stored.
int run_serve(const ServeFlags& flags);

}  // namespace logstreamer::cli
