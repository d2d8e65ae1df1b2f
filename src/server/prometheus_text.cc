#include "server/prometheus_text.h"

#include <cmath>
#include <iterator>

namespace logstreamer::server {
namespace {

void append_escaped(fmt::memory_buffer& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out.append(std::string_view("\\\\"));
    } else if (c == '"') {
      out.append(std::string_view("\\\""));
    } else if (c == '\n') {
      out.append(std::string_view("\\n"));
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  name_.assign(name);
  // In the text format a counter's HELP and TYPE name its samples' full
  // name, "_total" included (promtool checks this).
  const std::string full = type == "counter" ? name_ + "_total" : name_;
  fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", full, help, full, type);
}

void PrometheusText::sample(std::string_view suffix, Labels labels, double value) {
  out_.append(name_);
  out_.append(suffix);
  if (labels.size() > 0) {
    out_.push_back('{');
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out_.push_back(',');
      first = false;
      out_.append(k);
      out_.append(std::string_view("=\""));
      append_escaped(out_, v);
      out_.push_back('"');
    }
    out_.push_back('}');
  }
  if (std::isinf(value)) {
    out_.append(std::string_view(value > 0 ? " +Inf\n" : " -Inf\n"));
  } else if (std::isnan(value)) {
    out_.append(std::string_view(" NaN\n"));
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    fmt::format_to(std::back_inserter(out_), " {}\n", static_cast<int64_t>(value));
  } else {
    fmt::format_to(std::back_inserter(out_), " {}\n", value);
  }
}

}  // namespace logstreamer::server
