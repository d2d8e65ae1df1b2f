#pragma once
// HttpInput: one of serve's HTTP intake endpoints. It turns a POST body into
// an IngestBatch for the pipeline and answers the sender. Adding an input is
// one class implementing this and one line in server/inputs/input_list.cc;
// the router (ApiHandler) serves it at path(), counts its responses under
// label(), and numbers its batches with its place in the list (the pipeline's
// IngestSource, named name() in /metrics and in malformed samples).
//
// Before handle() runs, the server has checked the writer's credentials
// (401) and the durable outputs' health (503). Each input then checks what is
// its own (media type, drain token), inflates the body through the gate, and
// offers one batch. Lines it refuses at the edge are reported to the
// pipeline's add_malformed(), so they are counted and sampled like the rest,
// once the request is taken (Acknowledger::accepted()'s on_delivered): not
// for an attempt answered 429 or 503, which the sender makes again.
//
// Lifecycle: built once, before the HTTP server starts; handle() runs on the
// I/O threads, concurrently: implementations keep atomics or locked state.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/ingest_pipeline.h"
#include "server/http_server.h"
#include "server/inputs/acknowledger.h"
#include "server/prometheus_text.h"

namespace logstreamer::server {

class Authenticator;

// What an input may ask of the server around it.
class IntakeGate {
 public:
  virtual ~IntakeGate() = default;
  // Inflates a gzip body in place; a reply (413/415/400) when it cannot.
  virtual std::optional<Reply> decode_body(Request& req) = 0;
};

struct InputContext {
  engine::IngestPipeline* pipeline = nullptr;  // counts and samples lines refused at the edge
  engine::BatchIntake* intake = nullptr;       // takes accepted batches (the pipeline, or the bus)
  IntakeGate* gate = nullptr;
  const Authenticator* auth = nullptr;
  size_t max_line_bytes = 64 * 1024;
  AckOptions ack;  // when requests are answered, and their keys' dedupe
};

class HttpInput {
 public:
  virtual ~HttpInput() = default;
  virtual std::string_view name() const = 0;   // source label: "logdrain"
  virtual std::string_view path() const = 0;   // "/logdrains"
  virtual std::string_view label() const = 0;  // endpoint label of responses: "logdrains"
  // `source`: this input's IngestSource, set once by the list before use.
  void set_source(engine::IngestSource source) { source_ = source; }
  virtual Reply handle(Request& req) = 0;
  // Its own /metrics families (none by default).
  virtual void write_metrics(PrometheusText&) const {}
  // Lines lost before they reached us, by reason, as the sender reports them
  // (Logplex's drop and lost counts): samples of logstreamer_dropped_lines.
  virtual void upstream_drops(std::vector<std::pair<std::string_view, uint64_t>>&) const {}

 protected:
  // Offers `count` lines (each ended by '\n') as one batch of this input to
  // ctx.intake (the pipeline, or the bus), with `ack` attached (null with
  // --ack queued), and counts the outcome under this input's source.
  // nullopt: queued (or dropped by a drop policy the operator chose); else
  // the answer: 429 when the queue is full, 503 when shutting down. The
  // caller then forgets the request's key.
  std::optional<Reply> offer_lines(const InputContext& ctx, std::shared_ptr<std::string> lines,
                                   uint32_t count, uint64_t seq, core::AckPtr ack,
                                   unsigned version);

  // A line refused at the edge, cut to what a malformed sample keeps: it
  // may wait for its request's commit.
  struct RefusedLine {
    RefusedLine(uint64_t index, parse::ParseError reason, std::string_view line);
    uint64_t line_index;
    parse::ParseError why;
    std::string text;
  };
  // What reports `refused` to ctx.pipeline->add_malformed() once request
  // `seq` is taken (for Acknowledger::accepted()); empty when there are none.
  std::function<void()> count_when_taken(const InputContext& ctx, uint64_t seq,
                                         std::vector<RefusedLine> refused) const;

  engine::IngestSource source_ = 0;
};

}  // namespace logstreamer::server
