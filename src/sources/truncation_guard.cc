#include "sources/truncation_guard.h"

#include <csignal>
#include <cstdint>
#include <mutex>

#include <sys/mman.h>
#include <unistd.h>

namespace logstreamer::sources {
namespace {

constexpr int kSlots = 256;

struct Slot {
  std::atomic<bool> used{false};   // claimed by a registration
  std::atomic<uintptr_t> begin{0};  // published last: 0 means "not active"
  std::atomic<uintptr_t> end{0};
  std::atomic<std::atomic<bool>*> truncated{nullptr};
};
Slot g_slots[kSlots];
struct sigaction g_previous {};

void on_sigbus(int signo, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  for (Slot& s : g_slots) {
    const uintptr_t begin = s.begin.load(std::memory_order_acquire);
    if (begin == 0 || addr < begin || addr >= s.end.load(std::memory_order_acquire)) continue;
    const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    void* at = reinterpret_cast<void*>(addr & ~(page - 1));
    // mmap is a plain system call on Linux: safe here in practice.
    if (mmap(at, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      if (auto* flag = s.truncated.load(std::memory_order_acquire)) flag->store(true, std::memory_order_release);
      return;  // the faulting read is retried and now sees zeros
    }
  }
  // Not ours: behave as if we had never been installed.
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction != nullptr) return g_previous.sa_sigaction(signo, info, context);
  } else if (g_previous.sa_handler != SIG_IGN && g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != nullptr) {
    return g_previous.sa_handler(signo);
  }
  signal(SIGBUS, SIG_DFL);  // re-fault with the default action
}

void install_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &g_previous);
  });
}

}  // namespace

int TruncationGuard::register_mapping(const char* base, size_t size, std::atomic<bool>* truncated) {
  install_once();
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (!g_slots[i].used.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) continue;
    // Ours alone now; publish begin last, so the handler never sees a begin
    // without its end and flag.
    g_slots[i].truncated.store(truncated, std::memory_order_release);
    g_slots[i].end.store(reinterpret_cast<uintptr_t>(base) + size, std::memory_order_release);
    g_slots[i].begin.store(reinterpret_cast<uintptr_t>(base), std::memory_order_release);
    return i;
  }
  return -1;
}

void TruncationGuard::unregister_mapping(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  g_slots[slot].begin.store(0, std::memory_order_release);
  g_slots[slot].used.store(false, std::memory_order_release);
}

}  // namespace logstreamer::sources
