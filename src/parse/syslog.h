#pragma once
// Syslog, both RFCs.
//
// RFC 5424:
//   line     = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
//   PRI      = "<" 1*3DIGIT ">"            ; 0..191; severity = PRI % 8
//   VERSION  = NONZERO-DIGIT 0*2DIGIT
//   TIMESTAMP= "-" / RFC 3339
//   SD       = "-" / 1*("[" SD-ID *(SP NAME "=" DQUOTE VALUE DQUOTE) "]")  ; \" \\ \] escaped
//   <134>1 2024-01-20T10:00:00.123Z host1 auth-service 1234 ID47 [exampleSDID@32473 iut="3"] message
//   SD may be missing altogether, as in Heroku's logplex frames:
//   <190>1 2024-01-20T10:00:00+00:00 host app web.1 - Completed 200 OK
//
// RFC 3164 (BSD), also without <PRI> as rsyslog writes it to files:
//   line     = [PRI] MONTH SP DAY SP HH:MM:SS SP HOSTNAME SP TAG ["[" PID "]"] ":" [SP MSG]
//   <11>Jan 20 10:00:00 host1 payment-service[123]: message
//   Jan  5 10:00:00 host1 cron: job started
//
// Level from the severity: 0-2 FATAL, 3 ERROR, 4 WARN, 5 NOTICE, 6 INFO,
// 7 DEBUG; INFO when there is no PRI. Service: APP-NAME (5424) or TAG (3164).
// A 3164 timestamp has no year: the current year is assumed, or the previous
// one when that would put the line more than a day in the future.
// Logplex frames (APP-NAME heroku/app) get the Heroku treatment (heroku.h).
#include <cstdint>
#include <string_view>

#include "parse/log_record.h"
#include "parse/parse_error.h"

namespace logstreamer::parse {

bool looks_syslog5424(std::string_view line);
ParseError parse_syslog5424(std::string_view line, LogRecord& out);

bool looks_syslog3164(std::string_view line);
ParseError parse_syslog3164(std::string_view line, LogRecord& out);

// For tests: the "now" used to pick the year of 3164 timestamps (0: the clock).
void set_syslog_reference_time(int64_t unix_s);

}  // namespace logstreamer::parse
