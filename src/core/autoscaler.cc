#include "core/autoscaler.h"

#include <algorithm>

namespace logstreamer::core {

Autoscaler::Autoscaler(AutoscalerConfig config, const Backlog& backlog, ScalableWorkers& workers,
                       OnDecision on_decision)
    : config_(config), backlog_(backlog), workers_(workers), on_decision_(std::move(on_decision)) {
  peak_ = workers_.workers();
}

ScaleDecision Autoscaler::tick(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (stopped_) return ScaleDecision::kNone;
  if (last_change_ && now - *last_change_ < config_.cooldown) return ScaleDecision::kNone;
  const double usage = backlog_.usage();
  const double busy = backlog_.utilisation();  // < 0: unknown
  const size_t n = workers_.workers();
  const bool saturated = busy >= config_.saturated_utilisation && usage > 0;
  // With one worker fewer, each of the others would be this busy.
  const bool one_less_fits =
      busy < 0 || (n > 1 && busy * static_cast<double>(n) / static_cast<double>(n - 1) <
                                config_.retire_below_utilisation);
  ScaleDecision decision = ScaleDecision::kNone;
  if (((usage > config_.scale_up_threshold || saturated) && n < config_.max_workers) ||
      n < config_.min_workers) {
    workers_.add_worker();
    ++ups_;
    decision = ScaleDecision::kUp;
  } else if ((usage < config_.scale_down_threshold && one_less_fits && n > config_.min_workers) ||
             n > config_.max_workers) {
    workers_.remove_worker();
    ++downs_;
    decision = ScaleDecision::kDown;
  }
  if (decision != ScaleDecision::kNone) {
    last_change_ = now;
    const size_t after = workers_.workers();
    peak_ = std::max(peak_.load(), after);
    if (on_decision_) on_decision_(decision, after, usage);
  }
  return decision;
}

void Autoscaler::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopped_) {
      wake_.wait_for(lock, config_.interval, [&] { return stopped_; });
      if (stopped_) break;
      lock.unlock();
      tick(Clock::now());
      lock.lock();
    }
  });
}

void Autoscaler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace logstreamer::core
