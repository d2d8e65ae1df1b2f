#include "bus/window_codec.h"

#include <simdjson.h>

#include "server/json_writer.h"
#include "sinks/summary_reader.h"

namespace logstreamer::bus {
namespace {

namespace dom = simdjson::dom;
using aggregate::LatencySketch;
using aggregate::WindowSlot;

void write_sketch(server::JsonWriter& w, const LatencySketch& s) {
  w.begin_object();
  w.field("zero", s.zero_count()).field("sum", s.sum()).field("max", s.max());
  w.key("bins").begin_array();
  for (const auto& [index, n] : s.bins()) {
    w.begin_array().value(static_cast<int64_t>(index)).value(n).end_array();
  }
  w.end_array();
  w.end_object();
}

template <typename T>
void read(dom::element e, T& out) {
  T v;
  if (e.get(v) == simdjson::SUCCESS) out = v;
}

void write_counter(server::JsonWriter& w, const aggregate::CappedCounter& c) {
  w.begin_object();
  for (const auto& [k, n] : c.sorted()) w.field(k, n);
  w.end_object();
}

void read_counter(dom::element e, aggregate::CappedCounter& c) {
  dom::object obj;
  if (e.get(obj) != simdjson::SUCCESS) return;
  for (auto [k, v] : obj) {
    uint64_t n = 0;
    if (v.get(n) == simdjson::SUCCESS) c.add(k, n);
  }
}

template <size_t N>
void write_array(server::JsonWriter& w, const std::array<uint64_t, N>& a) {
  w.begin_array();
  for (const uint64_t v : a) w.value(v);
  w.end_array();
}

template <size_t N>
void read_array(dom::element e, std::array<uint64_t, N>& a) {
  dom::array arr;
  if (e.get(arr) != simdjson::SUCCESS) return;
  size_t i = 0;
  for (dom::element v : arr) {
    if (i < N) read(v, a[i++]);
  }
}

}  // namespace

std::string encode_window_delta(const WindowDelta& delta) {
  server::JsonWriter w;
  w.begin_object();
  w.key("slots").begin_array();
  for (const WindowSlot& s : delta.slots) {
    w.begin_object();
    w.field("epoch", s.epoch).field("lines", s.lines).field("malformed", s.malformed);
    w.field("requests", s.requests).field("errors", s.errors).field("slow", s.slow);
    w.key("levels");
    write_array(w, s.levels);
    w.key("status_classes");
    write_array(w, s.status_classes);
    w.key("response_buckets");
    write_array(w, s.response_buckets);
    w.key("methods");
    write_counter(w, s.methods);
    w.key("paths");
    write_counter(w, s.paths);
    w.key("response_ms");
    write_sketch(w, s.response_ms);
    w.field("dynos_overflow", s.dynos_overflow);
    w.key("dynos").begin_object();
    for (const auto& [name, d] : s.dynos) {
      w.key(name).begin_object().field("requests", d.requests).field("errors", d.errors);
      w.key("response_ms");
      write_sketch(w, d.response_ms);
      w.end_object();
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();
  w.key("errors").begin_array();
  for (const auto& e : delta.errors) {
    w.begin_object()
        .field("received_us", e.received_us)
        .field("time_us", e.time_us)
        .field("level", e.level)
        .field("service", e.service)
        .field("message", e.message)
        .end_object();
  }
  w.end_array();
  w.end_object();
  return w.str();
}

absl::StatusOr<WindowDelta> decode_window_delta(std::string_view json) {
  thread_local dom::parser parser;
  dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("window delta: not JSON");
  }
  WindowDelta out;
  dom::array slots;
  if (root["slots"].get(slots) != simdjson::SUCCESS)
    return absl::InvalidArgumentError("window delta: no slots");
  for (dom::element e : slots) {
    WindowSlot s;
    read(e["epoch"], s.epoch);
    read(e["lines"], s.lines);
    read(e["malformed"], s.malformed);
    read(e["requests"], s.requests);
    read(e["errors"], s.errors);
    read(e["slow"], s.slow);
    read_array(e["levels"], s.levels);
    read_array(e["status_classes"], s.status_classes);
    read_array(e["response_buckets"], s.response_buckets);
    read_counter(e["methods"], s.methods);
    read_counter(e["paths"], s.paths);
    s.response_ms = sinks::read_sketch_json(e["response_ms"]);
    read(e["dynos_overflow"], s.dynos_overflow);
    dom::object dynos;
    if (e["dynos"].get(dynos) == simdjson::SUCCESS) {
      for (auto [name, d] : dynos) {
        aggregate::DynoWindow dw;
        read(d["requests"], dw.requests);
        read(d["errors"], dw.errors);
        dw.response_ms = sinks::read_sketch_json(d["response_ms"]);
        s.dynos.emplace(std::string(name), std::move(dw));
      }
    }
    if (s.epoch >= 0) out.slots.push_back(std::move(s));
  }
  dom::array errors;
  if (root["errors"].get(errors) == simdjson::SUCCESS) {
    for (dom::element e : errors) {
      aggregate::RecentError r;
      std::string_view level, service, message;
      read(e["received_us"], r.received_us);
      read(e["time_us"], r.time_us);
      read(e["level"], level);
      read(e["service"], service);
      read(e["message"], message);
      r.level = level;
      r.service = service;
      r.message = message;
      out.errors.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace logstreamer::bus
