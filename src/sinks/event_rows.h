#pragma once
// EventRow / RequestRow: a parsed line as the database stores it. Unlike a
// LogRecord (views into a batch), rows own their text, so they can wait in
// the writer's queue after the batch is gone.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aggregate/summary.h"
#include "core/delivery_ack.h"
#include "parse/log_record.h"

namespace logstreamer::sinks {

struct EventRow {
  int64_t time_us = 0;      // the line's own time, else its arrival time
  int64_t received_us = 0;  // arrival time
  parse::Level level = parse::Level::kInfo;
  parse::Format format = parse::Format::kPlain;
  std::string service, host, dyno, message;
  std::string fields;  // a JSON object, or empty
};

struct RequestRow {
  int64_t time_us = 0;
  std::string method, path;
  int status = 0;
  double connect_ms = -1, service_ms = -1;  // -1: unknown
  int64_t bytes = -1;
  std::string dyno, request_id, client_ip;
};

// Bus processors (serve --bus): the rows of one bus message, kept apart so
// that a message another processor already stored (a redelivery) is left
// out of a transaction whole, rows and counts. `key` is claimed in the
// ledger in the same transaction as the rows.
//
// The counts: the workers summarise a round of messages together (a Summary
// costs ~180 KB; one per message would cost more than the lines), so the
// parts of a round share `round_summary`. A transaction that claims every
// part of a round stores that summary; one that claims only some counts the
// claimed messages again from their text (rare: a redelivery racing its
// first delivery), which the part keeps alive for that.
struct ClaimPart {
  std::string key;
  uint32_t events_begin = 0, events_end = 0;  // [begin, end) of RowBatch::events
  uint32_t requests_begin = 0, requests_end = 0;
  std::shared_ptr<const aggregate::Summary> round_summary;
  std::shared_ptr<const void> text_owner;  // keeps `text` alive (the bus message)
  std::string_view text;                   // the message's lines
  uint32_t max_line_bytes = 64 * 1024;
};

struct RowBatch {
  std::vector<EventRow> events;
  std::vector<RequestRow> requests;
  // The requests these rows came from, when they wait for a commit (--ack
  // commit): a durable output holds each until the rows are committed, and
  // stores their keys in the same transaction. A batch may carry acks and no
  // rows (a request whose lines were all malformed still gets its answer).
  std::vector<core::AckPtr> acks;
  // Set by bus processors only: every row belongs to one part, and the
  // parts' keys (not the acks') are the ones stored.
  std::vector<ClaimPart> parts;
  size_t size() const { return events.size() + requests.size(); }  // rows
  // Memory held, roughly: the text plus a fixed cost per row (for queue bounds).
  size_t approx_bytes() const;
  bool empty() const { return events.empty() && requests.empty() && acks.empty(); }
};

// Builds rows from a parsed line: host and process come from the syslog
// header when the line has one; logfmt lines get their key=value pairs as
// the fields object, JSON lines keep their object. A line with a request adds
// a RequestRow. A Heroku router line is stored as an event too only when it
// reports a failure (level WARN or above, a 5xx, an H-code): its request row
// already holds everything a successful one says.
void append_rows(std::string_view line, const parse::LogRecord& rec, int64_t received_us, RowBatch& out);

}  // namespace logstreamer::sinks
