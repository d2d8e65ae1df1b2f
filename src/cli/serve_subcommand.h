#pragma once
// The `serve` subcommand as every logstreamer executable knows it: its flags
// (so that `logstreamer serve --help` and flag errors need no server), and
// launch_serve(), which each executable defines once:
//   - logstreamer:       serve_launch_exec.cc, executes logstreamer-serve
//                        (found beside itself) with the same arguments;
//   - logstreamer-serve: serve_launch_direct.cc, runs the server (run_serve).
// A binary that links neither fails to link: the subcommand cannot be lost.
#include <CLI/CLI.hpp>

#include "cli/serve_config.h"

namespace logstreamer::cli {

CLI::App* add_serve_command(CLI::App& app, ServeFlags& flags);

// Runs `serve` for flags parsed from argc/argv; returns its exit status (or,
// in logstreamer, does not return unless logstreamer-serve cannot be run).
int launch_serve(const ServeFlags& flags, int argc, char** argv);

}  // namespace logstreamer::cli
