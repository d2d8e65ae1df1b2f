#include "server/inputs/logplex_frames.h"

#include <algorithm>
#include <cstring>

namespace logstreamer::server {
namespace {

constexpr size_t kMaxLenDigits = 9;  // frames are at most 10 kB; 9 digits bounds the arithmetic
constexpr size_t kSampleBytes = 120;

void append_frame(std::string_view msg, std::string& lines) {
  if (!msg.empty() && msg.back() == '\n') msg.remove_suffix(1);
  if (!msg.empty() && msg.back() == '\r') msg.remove_suffix(1);
  const size_t at = lines.size();
  lines.append(msg);
  // A newline inside a message would split it into two lines downstream.
  // Rare: memchr (vectorised) finds there is none before anything is rewritten.
  if (std::memchr(msg.data(), '\n', msg.size()) != nullptr) {
    std::replace(lines.begin() + static_cast<std::ptrdiff_t>(at), lines.end(), '\n', ' ');
  }
  lines.push_back('\n');
}

}  // namespace

LogplexSplit split_logplex(std::string_view body, std::string& lines) {
  LogplexSplit out;
  size_t pos = 0;
  auto fail = [&](const char* why) {
    out.malformed = 1;
    out.error = why;
    out.sample.assign(body.substr(pos, kSampleBytes));
  };
  lines.reserve(lines.size() + body.size());
  while (pos < body.size()) {
    // Senders separate frames with nothing, but tolerate stray whitespace between them.
    if (body[pos] == '\n' || body[pos] == '\r' || body[pos] == ' ') {
      ++pos;
      continue;
    }
    size_t len = 0;
    size_t digits = 0;
    while (pos + digits < body.size() && body[pos + digits] >= '0' && body[pos + digits] <= '9') {
      if (digits == kMaxLenDigits) break;
      len = len * 10 + static_cast<size_t>(body[pos + digits] - '0');
      ++digits;
    }
    if (digits == 0) return fail("frame length is not a number"), out;
    if (digits == kMaxLenDigits) return fail("frame length too large"), out;
    const size_t msg_at = pos + digits + 1;
    if (msg_at > body.size() || body[pos + digits] != ' ') {
      return fail("frame length not followed by a space"), out;
    }
    if (len == 0) return fail("empty frame"), out;
    if (len > body.size() - msg_at) return fail("frame length exceeds the body"), out;
    append_frame(body.substr(msg_at, len), lines);
    ++out.frames;
    pos = msg_at + len;
  }
  return out;
}

}  // namespace logstreamer::server
