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

#include "core/sanitizers.h"

namespace logstreamer::cli {

inline constexpr bool kTeardownChecked = core::kAddressSanitizer || core::kThreadSanitizer;

// Flushes the logs and stdio, then exits with `status`; returns only under a
// sanitizer.
inline void exit_without_teardown(int status) {
  if constexpr (kTeardownChecked) return;
  spdlog::shutdown();
  std::fflush(nullptr);
  std::_Exit(status);
}

}  // namespace logstreamer::cli
