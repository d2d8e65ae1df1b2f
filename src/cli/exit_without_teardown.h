#pragma once
// Ending a command without tearing its state down. Once every output is
// written and flushed, destroying what the run built (two summaries with
// ~10k template nodes each, their shape tables, the reader's buffers and
// mappings) only delays the exit: 6-10 ms of analyze's ~0.31 s on 10M lines
// (docs/PERFORMANCE.md), while the kernel reclaims it all at once. Compilers
// skip freeing at exit for the same reason (clang's -disable-free).
//
// Under a sanitizer it returns, and the caller tears down as usual, so that
// every destructor stays checked (leaks, use after free, races at shutdown).
// Call from the main thread, after the last output; other threads must have
// nothing left to write.
#include <cstdio>
#include <cstdlib>

#include <spdlog/spdlog.h>

namespace logstreamer::cli {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kTeardownChecked = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kTeardownChecked = true;
#else
inline constexpr bool kTeardownChecked = false;
#endif
#else
inline constexpr bool kTeardownChecked = false;
#endif

// Flushes the logs and stdio, then exits with `status`; returns only under a
// sanitizer.
inline void exit_without_teardown(int status) {
  if constexpr (kTeardownChecked) return;
  spdlog::shutdown();
  std::fflush(nullptr);
  std::_Exit(status);
}

}  // namespace logstreamer::cli
