#pragma once
// TruncationGuard: survives a mapped file shrinking under us.
//
// Reading a page of a MAP_SHARED file mapping past the file's current end
// raises SIGBUS, which kills the process. That happens when a log is
// truncated while being analysed (logrotate's copytruncate). A SIGBUS handler
// checks whether the faulting address lies in a mapping registered here; if
// so it maps a page of zeros over it, marks the mapping truncated and
// returns, so the read completes (the lost bytes read as NULs and end up
// counted as malformed) and the source reports "file shrank while being
// read". Faults anywhere else get the default action, as before.
//
// Registration is lock-free (a fixed table of slots), so the handler reads it
// safely at any moment.
#include <atomic>
#include <cstddef>

namespace logstreamer::sources {

class TruncationGuard {
 public:
  // Registers [base, base + size); `truncated` is set if a fault hits it.
  // Returns a slot to pass to unregister(), or -1 if the table is full (the
  // mapping then stays unprotected, as without the guard).
  static int register_mapping(const char* base, size_t size, std::atomic<bool>* truncated);
  static void unregister_mapping(int slot);
};

}  // namespace logstreamer::sources
