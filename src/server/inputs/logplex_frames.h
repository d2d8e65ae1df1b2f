#pragma once
// Logplex framing (Content-Type: application/logplex-1): a body is a run of
// octet-counted frames "LEN SP MSG", where LEN is MSG's length in bytes,
// trailing newline included when there is one. Logplex's own "L10" overflow
// notice has no trailing newline, and a MSG may itself contain newlines, so
// the body is split by count, never by lines.
//
// The frames become one newline-separated run of lines (the shape every
// worker reads): each MSG loses its trailing "\n" (or "\r\n") and any newline
// inside it becomes a space, so one frame is always exactly one line.
//
// A frame that cannot be read (LEN not a number, missing the space, longer
// than what is left) makes the rest of the body unreadable: it is counted as
// one malformed frame, with a sample of where it went wrong, and the frames
// before it are kept. Heroku drops a batch for good on a 4xx, so bad framing
// is reported, never refused.
#include <cstddef>
#include <string>
#include <string_view>

namespace logstreamer::server {

struct LogplexSplit {
  size_t frames = 0;     // well-formed frames appended to `lines`
  size_t malformed = 0;  // 0 or 1: the unreadable tail, if any
  std::string error;     // why the tail was unreadable ("" when malformed == 0)
  std::string sample;    // the first bytes of the unreadable tail
};

// Appends one line per frame to `lines`, each ended by '\n'.
LogplexSplit split_logplex(std::string_view body, std::string& lines);

}  // namespace logstreamer::server
