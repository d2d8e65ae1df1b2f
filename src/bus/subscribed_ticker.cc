#include "bus/subscribed_ticker.h"

#include <condition_variable>
#include <mutex>

namespace logstreamer::bus {

absl::Status SubscribedTicker::start(natsConnection* nc, const std::string& subject,
                                     natsMsgHandler on_msg, void* closure,
                                     std::chrono::milliseconds interval,
                                     std::function<void()> tick) {
  natsSubscription* sub = nullptr;
  if (auto st = nats_status(natsConnection_Subscribe(&sub, nc, subject.c_str(), on_msg, closure),
                            "subscribe to " + subject);
      !st.ok()) {
    return st;
  }
  sub_.reset(sub);
  thread_ = std::jthread([interval, tick = std::move(tick)](std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      tick();
      std::unique_lock lock(m);
      cv.wait_for(lock, stop, interval, [] { return false; });
    }
    tick();  // the last one: what gathered since the one before
  });
  return absl::OkStatus();
}

void SubscribedTicker::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  if (sub_) {
    natsSubscription_Unsubscribe(sub_.get());
    sub_.reset();
  }
}

}  // namespace logstreamer::bus
