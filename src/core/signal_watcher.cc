#include "core/signal_watcher.h"

#include <cstdint>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
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

SignalWatcher::SignalWatcher(std::function<void(int)> on_first_signal,
                             std::function<void(int)> on_second_signal)
    : on_first_signal_(std::move(on_first_signal)), on_second_signal_(std::move(on_second_signal)) {
  const sigset_t set = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  thread_ = std::thread([this] { run(); });
}

SignalWatcher::~SignalWatcher() {
  const uint64_t one = 1;
  [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
  close(signal_fd_);
  close(wake_fd_);
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void SignalWatcher::run() {
  while (true) {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) continue;  // EINTR
    if (fds[1].revents != 0) return;     // the owner is done with us
    signalfd_siginfo info{};
    if (read(signal_fd_, &info, sizeof(info)) != static_cast<ssize_t>(sizeof(info))) continue;
    const int signo = static_cast<int>(info.ssi_signo);
    int expected = 0;
    if (received_.compare_exchange_strong(expected, signo, std::memory_order_acq_rel)) {
      if (on_first_signal_) on_first_signal_(signo);
      continue;
    }
    if (on_second_signal_) {
      on_second_signal_(signo);
      continue;
    }
    static constexpr char kMsg[] = "logstreamer: second signal, exiting now\n";
    [[maybe_unused]] auto n = write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
    _exit(128 + signo);
  }
}

}  // namespace logstreamer::core
