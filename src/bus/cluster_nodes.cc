#include "bus/cluster_nodes.h"

#include <fmt/format.h>
#include <simdjson.h>

namespace logstreamer::bus {

ClusterNodes::ClusterNodes(BusConnection& conn, std::string node,
                           std::function<std::string()> status, std::chrono::milliseconds interval,
                           std::chrono::milliseconds forget_after)
    : conn_(conn),
      node_(std::move(node)),
      status_(std::move(status)),
      interval_(interval),
      forget_after_(forget_after),
      subject_prefix_(conn.options().subject_prefix + "-nodes.") {}

ClusterNodes::~ClusterNodes() { stop(); }

absl::Status ClusterNodes::start() {
  const std::string own = subject_prefix_ + node_;
  return ticker_.start(
      conn_.nc(), subject_prefix_ + "*", &ClusterNodes::on_msg, this, interval_, [this, own] {
        const std::string json = status_();
        natsConnection_Publish(conn_.nc(), own.c_str(), json.data(), static_cast<int>(json.size()));
      });
}

void ClusterNodes::stop() { ticker_.stop(); }

void ClusterNodes::on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* self = static_cast<ClusterNodes*>(closure);
  const std::string subject = natsMsg_GetSubject(msg);
  std::string json(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg)));
  natsMsg_Destroy(msg);
  if (subject.size() <= self->subject_prefix_.size() || json.empty() || json.front() != '{') return;
  std::lock_guard lock(self->mutex_);
  self->nodes_[subject.substr(self->subject_prefix_.size())] = {std::move(json),
                                                                std::chrono::steady_clock::now()};
}

std::string ClusterNodes::nodes_json() const {
  const auto now = std::chrono::steady_clock::now();
  std::string out = "[";
  std::lock_guard lock(mutex_);
  for (const auto& [name, heard] : nodes_) {
    const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - heard.at);
    if (age > forget_after_) continue;
    if (out.size() > 1) out += ',';
    // The node's object with one more field: drop its closing brace.
    out.append(heard.json, 0, heard.json.size() - 1);
    fmt::format_to(std::back_inserter(out), "{}\"age_ms\":{}}}", heard.json.size() > 2 ? "," : "",
                   age.count());
  }
  out += ']';
  return out;
}

size_t ClusterNodes::live_nodes() const {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [name, heard] : nodes_) n += now - heard.at <= forget_after_ ? 1 : 0;
  return n;
}

double ClusterNodes::sum(const std::string& field) const {
  const auto now = std::chrono::steady_clock::now();
  thread_local simdjson::dom::parser parser;
  double total = 0;
  std::lock_guard lock(mutex_);
  for (const auto& [name, heard] : nodes_) {
    if (now - heard.at > forget_after_) continue;
    simdjson::dom::element doc;
    if (parser.parse(heard.json).get(doc) != simdjson::SUCCESS) continue;
    double v = 0;
    if (doc[field].get(v) == simdjson::SUCCESS) total += v;
  }
  return total;
}

}  // namespace logstreamer::bus
