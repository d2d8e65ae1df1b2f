#pragma once
// Alerts on the last few minutes of HTTP traffic: the error rate (5xx and
// Heroku H-codes over requests) and the P95 response time, each with a
// warning and a critical threshold. evaluate() is called periodically with
// the window; an alert is raised when its condition first holds, changes
// severity in place, and is resolved (moved to the history) when it clears.
// Raising and resolving are logged.
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "aggregate/live_windows.h"

namespace logstreamer::server {

struct AlertRules {
  double error_rate_warning = 0.05;
  double error_rate_critical = 0.10;
  double p95_warning_ms = 2000;
  double p95_critical_ms = 5000;
  int64_t window_seconds = 300;
  uint64_t min_requests = 10;  // fewer requests in the window: no verdict
};

struct Alert {
  std::string name;      // "error_rate" or "p95_latency"
  std::string severity;  // "warning" or "critical"
  double value = 0;      // the measured value (a ratio, or ms)
  double threshold = 0;  // the threshold it crossed
  int64_t raised_us = 0;
  int64_t resolved_us = 0;  // 0 while active
};

class AlertTracker {
 public:
  static constexpr size_t kHistory = 20;
  explicit AlertTracker(AlertRules rules) : rules_(rules) {}

  void evaluate(const aggregate::WindowSlot& window, int64_t now_us);
  std::vector<Alert> active() const;
  std::vector<Alert> resolved() const;  // newest first
  const AlertRules& rules() const { return rules_; }

 private:
  void update(const std::string& name, bool have_data, double value, double warning, double critical,
              int64_t now_us);

  AlertRules rules_;
  mutable std::mutex mutex_;
  std::vector<Alert> active_;
  std::deque<Alert> resolved_;
};

}  // namespace logstreamer::server
