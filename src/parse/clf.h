#pragma once
// Access logs: Common and Combined Log Format (Apache, nginx), optionally
// with a leading virtual host and a trailing request time.
//
//   line    = [VHOST SP] HOST SP IDENT SP USER SP "[" DATE "]" SP DQUOTE REQUEST DQUOTE
//             SP STATUS SP BYTES [SP DQUOTE REFERER DQUOTE SP DQUOTE AGENT DQUOTE] [SP RTIME]
//   DATE    = DD "/" Mon "/" YYYY ":" HH ":" MM ":" SS SP ("+" / "-") HHMM
//   REQUEST = METHOD SP TARGET [SP PROTOCOL]     ; or "-" for a bad request
//   BYTES   = 1*DIGIT / "-"
//   RTIME   = seconds with a fraction (nginx $request_time), or rt=/request_time=
//
//   127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326
//   www.example.com:443 10.0.0.1 - - [20/Jan/2024:10:00:00 +0000] "POST /api/pay?id=3 HTTP/1.1" 502 0 "-" "curl/8.0" 1.250
//
// Level from the status: 5xx ERROR, 4xx WARN, else INFO. Service: "http", or
// the virtual host (without its port). Message: "METHOD path" (query
// stripped), so top messages group requests by endpoint.
#include <string_view>

#include "parse/log_record.h"
#include "parse/parse_error.h"

namespace logstreamer::parse {

bool looks_clf(std::string_view line);
ParseError parse_clf(std::string_view line, LogRecord& out);

}  // namespace logstreamer::parse
