#pragma once
// ColdReadahead: brings the parts of a file that are not in the page cache
// yet into it as large folios (up to 2 MiB), ahead of MappedChunker's reads.
//
// Why: MappedChunker maps files with MADV_NOHUGEPAGE (resident memory must
// stay bounded, see mapped_file.cc) and touches each chunk's end first (to
// find its last line). Pages the kernel reads in for faults like those come
// into the page cache as 4 KiB folios, and stay so: every later run that maps
// them pays a fault per ~16 pages and per-page accounting. On the 10M-line
// benchmark (0.86 GB) that was 0.16 s of system time a run, against 0.04 s
// when the same files are cached in large folios (as `cat` leaves them).
// Read in through a second mapping advised MADV_HUGEPAGE, the same pages
// come in as 2 MiB folios.
//
// Best effort: where the file system has no large folios (or transparent
// huge pages are "never") the pages still come in ahead, as 4 KiB folios;
// without MADV_POPULATE_READ (Linux 5.14) it checks residency and does
// nothing else. A file that shrinks meanwhile makes the populate fail (no
// SIGBUS: nothing is touched).
//
// Lifecycle: one per mapped file, on the thread that reads it (not
// thread-safe); owns its mapping. The pages it reads stay in the page cache,
// not in this process: the view is unmapped again at once.
#include <cstdint>

namespace logstreamer::sources {

class ColdReadahead {
 public:
  ColdReadahead(int fd, uint64_t size);
  ~ColdReadahead();
  ColdReadahead(const ColdReadahead&) = delete;
  ColdReadahead& operator=(const ColdReadahead&) = delete;

  // Unless [offset, offset + length), widened to 2 MiB boundaries, looks
  // cached (the first and last page of each 2 MiB), reads it in and waits.
  void fill(uint64_t offset, uint64_t length);

  // Bytes this has read in (ranges that were not all resident), for tests.
  uint64_t filled_bytes() const { return filled_; }

 private:
  bool resident(uint64_t offset);

  char* view_ = nullptr;
  uint64_t size_;
  uint64_t filled_ = 0;
};

}  // namespace logstreamer::sources
