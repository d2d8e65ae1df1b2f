#include "core/signal_watcher.h"

#include <cerrno>
#include <cstring>
#include <ctime>

#include <unistd.h>

namespace logstreamer::core {
namespace {

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(std::function<void(int)> on_first_signal)
    : on_first_signal_(std::move(on_first_signal)) {
  sigset_t set = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  thread_ = std::thread([this] { run(); });
}

SignalWatcher::~SignalWatcher() {
  stopping_.store(true, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void SignalWatcher::run() {
  const sigset_t set = shutdown_signals();
  // Poll the stop flag every 100 ms: sigtimedwait has no other way to be woken
  // without sending ourselves a signal.
  const timespec timeout{0, 100'000'000};
  while (!stopping_.load(std::memory_order_acquire)) {
    const int signo = sigtimedwait(&set, nullptr, &timeout);
    if (signo <= 0) continue;  // timeout or EINTR
    int expected = 0;
    if (received_.compare_exchange_strong(expected, signo, std::memory_order_acq_rel)) {
      if (on_first_signal_) on_first_signal_(signo);
      continue;
    }
    static constexpr char kMsg[] = "logstreamer: second signal, exiting now\n";
    [[maybe_unused]] auto n = write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
    _exit(128 + signo);
  }
}

}  // namespace logstreamer::core
