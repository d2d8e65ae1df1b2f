#pragma once
// DeliveryAck: the end-to-end acknowledgement of one request (the batch
// notifier of Vector's finalization model). The request's lines are
// delivered when every hold on its ack is released:
//   - one hold is the pipeline's, released once a worker has processed the
//     request's batch and handed its rows to every output;
//   - each durable output adds a hold when it takes the rows (in push(),
//     before the pipeline lets go of its own) and releases it once they are
//     committed, or as failed when it gives up on them.
// The worst outcome wins: one failed release makes the ack fail. The
// callback then runs once, on the thread that released the last hold (a
// worker or a database writer), so it must be quick: the HTTP layer only
// posts the answer to its connection.
//
// `key` is the request's idempotency key (a Logplex frame id, an
// Idempotency-Key): a durable output stores it in the same transaction as
// the rows, so a retry after a crash or a lost answer can be recognised.
//
// Thread-safe. Shared by the request, its batch and the row batches
// (std::shared_ptr); lives until the last of them is gone.
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace logstreamer::core {

class DeliveryAck {
 public:
  using Callback = std::function<void(bool delivered)>;

  explicit DeliveryAck(std::string key = {}) : key_(std::move(key)) {}

  void add_hold(size_t n = 1) {
    std::lock_guard lock(mutex_);
    holds_ += n;
  }
  // `ok` false: these lines will not be delivered (the ack fails).
  void release(bool ok = true) {
    Callback run;
    bool delivered = false;
    {
      std::lock_guard lock(mutex_);
      failed_ = failed_ || !ok;
      if (holds_ == 0 || --holds_ > 0 || done_) return;
      done_ = true;
      delivered = !failed_;
      run = std::move(callback_);
    }
    if (run) run(delivered);
  }
  // Set once; runs at once if the ack is already done.
  void on_done(Callback cb) {
    bool delivered = false;
    {
      std::lock_guard lock(mutex_);
      if (!done_) {
        callback_ = std::move(cb);
        return;
      }
      delivered = !failed_;
    }
    cb(delivered);
  }
  const std::string& key() const { return key_; }

 private:
  const std::string key_;
  std::mutex mutex_;
  size_t holds_ = 1;  // the pipeline's
  bool failed_ = false;
  bool done_ = false;
  Callback callback_;
};

using AckPtr = std::shared_ptr<DeliveryAck>;

}  // namespace logstreamer::core
