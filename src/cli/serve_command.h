#pragma once
// `logstreamer serve`: the long-running receiver. Heroku logplex drains and
// NDJSON/plain posts in; live metrics, a dashboard and SQLite storage out.
//
// It lives in its own executable, logstreamer-serve, with the libraries only
// it needs (libpq and its Kerberos/LDAP/GnuTLS chain, libnats, SQLite,
// OpenSSL): loading them cost every `logstreamer analyze` ~10 ms of start-up.
// `logstreamer serve ...` parses its flags (serve_subcommand.h) and then
// executes logstreamer-serve with the same arguments (same process, same PID).
#include "cli/serve_config.h"

namespace logstreamer::cli {

// 0 after a graceful stop (SIGINT/SIGTERM), 2 for bad configuration or a
// port that cannot be bound, 1 if acknowledged lines could not be stored.
int run_serve(const ServeFlags& flags);

}  // namespace logstreamer::cli
