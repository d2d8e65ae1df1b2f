#pragma once
// Heroku log lines, as `heroku logs` prints them and as drains carry them:
//
//   line   = TIMESTAMP SP SOURCE "[" PROCESS "]:" SP MESSAGE
//   SOURCE = "heroku" / "app" / 1*(ALPHA / "-")
//
//   2024-01-20T10:00:00.000000+00:00 heroku[router]: at=info method=GET path="/" host=a.herokuapp.com
//       request_id=... fwd="1.2.3.4" dyno=web.1 connect=0ms service=12ms status=200 bytes=1543 protocol=https
//   2024-01-20T10:00:01+00:00 app[web.1]: ERROR payment failed
//
// Service: the process name before its dot: "router", "web", "worker".
// Router lines are logfmt (service= is the router's time in ms): they carry
// the HTTP request, their level is `at` (at=error is ERROR, e.g. code=H12),
// and their message is `desc` (errors) or the request path. Other lines take
// their level from the message itself (a leading level word or level=...),
// else INFO.
#include <string_view>

#include "parse/log_record.h"
#include "parse/parse_error.h"

namespace logstreamer::parse {

bool looks_heroku(std::string_view line);
ParseError parse_heroku(std::string_view line, LogRecord& out);

// Fills service, level, message and HTTP fields from a Heroku source
// ("heroku", "app"), process ("router", "web.1") and message. Shared with the
// syslog 5424 parser, which meets the same lines inside logplex frames.
ParseError apply_heroku(std::string_view source, std::string_view process, std::string_view message,
                        LogRecord& out);

}  // namespace logstreamer::parse
