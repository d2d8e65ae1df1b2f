#include "server/alerts.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace logstreamer::server {

void AlertTracker::evaluate(const aggregate::WindowSlot& w, int64_t now_us) {
  const bool enough = w.requests >= rules_.min_requests && w.requests > 0;
  const double error_rate = enough ? static_cast<double>(w.errors) / static_cast<double>(w.requests) : 0;
  std::lock_guard lock(mutex_);
  update("error_rate", enough, error_rate, rules_.error_rate_warning, rules_.error_rate_critical, now_us);
  const bool timed = w.response_ms.count() >= rules_.min_requests && w.response_ms.count() > 0;
  update("p95_latency", timed, timed ? w.response_ms.quantile(0.95) : 0, rules_.p95_warning_ms,
         rules_.p95_critical_ms, now_us);
}

void AlertTracker::update(const std::string& name, bool have_data, double value, double warning, double critical,
                          int64_t now_us) {
  auto it = std::find_if(active_.begin(), active_.end(), [&](const Alert& a) { return a.name == name; });
  const char* severity = !have_data ? nullptr : value > critical ? "critical" : value > warning ? "warning" : nullptr;
  if (severity == nullptr) {
    if (it != active_.end() && have_data) {  // no data: keep the alert as it was
      it->resolved_us = now_us;
      it->value = value;
      spdlog::info("alert resolved: {} ({:.4g})", name, value);
      resolved_.push_front(*it);
      if (resolved_.size() > kHistory) resolved_.pop_back();
      active_.erase(it);
    }
    return;
  }
  const double threshold = std::string_view(severity) == "critical" ? critical : warning;
  if (it == active_.end()) {
    active_.push_back({name, severity, value, threshold, now_us, 0});
    spdlog::warn("alert raised: {} {} ({:.4g} > {:.4g})", name, severity, value, threshold);
    return;
  }
  if (it->severity != severity) {
    spdlog::warn("alert {}: {} -> {} ({:.4g})", name, it->severity, severity, value);
    it->severity = severity;
    it->threshold = threshold;
  }
  it->value = value;
}

std::vector<Alert> AlertTracker::active() const {
  std::lock_guard lock(mutex_);
  return active_;
}

std::vector<Alert> AlertTracker::resolved() const {
  std::lock_guard lock(mutex_);
  return {resolved_.begin(), resolved_.end()};
}

}  // namespace logstreamer::server
