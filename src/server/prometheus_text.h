#pragma once
// Writes the Prometheus text exposition format (version 0.0.4): one HELP and
// TYPE line per family, then its samples; label values escaped. Families must
// be written whole, one after another, which this writer's shape enforces.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace logstreamer::server {

class PrometheusText {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // type: "counter" (samples then use suffix "_total"), "gauge" or "histogram".
  void family(std::string_view name, std::string_view type, std::string_view help);
  // `suffix` for histograms ("_bucket", "_sum", "_count") and counters ("_total").
  void sample(std::string_view suffix, Labels labels, double value);
  void sample(std::string_view suffix, double value) { sample(suffix, {}, value); }

  // A family with one unlabelled sample: the common case.
  void counter(std::string_view name, std::string_view help, double value) {
    family(name, "counter", help);
    sample("_total", value);
  }
  void gauge(std::string_view name, std::string_view help, double value) {
    family(name, "gauge", help);
    sample("", value);
  }

  std::string str() const { return fmt::to_string(out_); }

 private:
  std::string name_;
  fmt::memory_buffer out_;
};

}  // namespace logstreamer::server
