#pragma once
// SignalWatcher: turns SIGINT/SIGTERM into an orderly shutdown request.
//
// Construct it on the main thread *before* starting any other thread: it blocks
// SIGINT and SIGTERM in the calling thread, threads created afterwards inherit
// that mask, and one watcher thread collects the signals from a signalfd.
// So no thread is ever interrupted mid-write by a handler, and the callback runs
// on an ordinary thread where it may lock, log and notify.
//
//  - First signal: `on_first_signal(signo)` is called once (e.g. "stop reading,
//    drain the queue").
//  - Second signal: `on_second_signal(signo)` if given (e.g. "stop at once,
//    then report what was abandoned"); otherwise the process exits at once
//    with status 128+signo, after one line on stderr. A user pressing Ctrl+C
//    twice means it.
//
// The destructor wakes the watcher thread at once (an eventfd next to the
// signalfd), joins it and restores the previous mask: a short run is not
// taxed by any polling interval.
#include <atomic>
#include <functional>
#include <thread>

#include <signal.h>

namespace logstreamer::core {

class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void(int signo)> on_first_signal,
                         std::function<void(int signo)> on_second_signal = nullptr);
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;
  ~SignalWatcher();

  // The first signal received, or 0.
  int received() const { return received_.load(std::memory_order_acquire); }
  // Conventional exit status for the received signal (130 for SIGINT, 143 for SIGTERM), or 0.
  int exit_status() const { return received() == 0 ? 0 : 128 + received(); }

 private:
  void run();

  std::function<void(int)> on_first_signal_;
  std::function<void(int)> on_second_signal_;
  sigset_t old_mask_{};
  int signal_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<int> received_{0};
  std::thread thread_;
};

}  // namespace logstreamer::core
