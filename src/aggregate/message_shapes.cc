#include "aggregate/message_shapes.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <utility>

#include "simd/simd_level.h"

namespace logstreamer::aggregate {
namespace {

static_assert(MessageShapes::kMaxMessageBytes() == simd::kMaxShapeMessage,
              "the cache's limit is the kernels' limit");

// The slot of a shape from its fold: multiplied, the top bits.
inline uint32_t slot_of(uint64_t fold, int bits) {
  return static_cast<uint32_t>((fold * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

// Whether two shapes are equal: whole words, no early exit (the compiler
// vectorises the fixed-size loop; a library memcmp call cost 8% of analyze).
template <size_t kBytes>
inline bool same_shape(const unsigned char* a, const unsigned char* b) {
  uint64_t diff = 0;
  for (size_t i = 0; i < kBytes; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    diff |= x ^ y;
  }
  return diff == 0;
}

// The ways of a set, most recently hit first. A slot is its shape (as the
// kernel wrote it: squeezed or wide, simd/message_shapes.h) and a counter;
// an empty way has no counter.
// A hit in a later way moves that way to the front: a new shape is put
// last (insert()), so shapes seen once (there are thousands in real logs)
// pass through the last way without pushing the frequent ones back. With
// new shapes put first, most hits were in the second way, after a failed
// compare of the first and a mispredicted branch.
template <typename Line>
[[gnu::always_inline]] inline uint64_t* probe(const std::unique_ptr<Line[]>& lines,
                                              const std::unique_ptr<uint64_t*[]>& counters,
                                              size_t first, size_t ways,
                                              const unsigned char* shape) {
  for (size_t way = first; way < first + ways; ++way) {
    if (counters[way] != nullptr && same_shape<sizeof(Line)>(lines[way].bytes, shape)) {
      uint64_t* const counter = counters[way];
      if (way != first) {
        std::swap(lines[way], lines[first]);
        std::swap(counters[way], counters[first]);
      }
      return counter;
    }
  }
  return nullptr;
}

}  // namespace

MessageShapes::MessageShapes() {
  static const simd::ShapeKernel kernel = simd::counting_shape_kernel(simd::active_level());
  kernel_ = kernel;
}

MessageShapes::MessageShapes(simd::ShapeKernel kernel) : kernel_(kernel) {}

void MessageShapes::allocate() {
  if (short_.lines) return;  // allocated on first use: most Summaries never see a line
  short_.lines = std::make_unique<ShortLine[]>(kWays << kSetBits);
  short_.counters = std::make_unique<uint64_t*[]>(kWays << kSetBits);
  long_.lines = std::make_unique<LongLine[]>(kWays << kSetBits);
  long_.counters = std::make_unique<uint64_t*[]>(kWays << kSetBits);
}

uint64_t* MessageShapes::find(std::string_view message) {
  last_valid_ = false;
  if (message.size() > kMaxMessage || kernel_ == nullptr) return nullptr;
  allocate();
  uint64_t* counter = nullptr;
  find_with(&message, 1, &counter, true);
  return counter;
}

void MessageShapes::find_many(const std::string_view* messages, size_t n, uint64_t** out) {
  last_valid_ = false;
  if (kernel_ == nullptr) {
    std::fill_n(out, n, nullptr);
    return;
  }
  allocate();
  find_with(messages, n, out, false);
}

void MessageShapes::find_with(const std::string_view* messages, size_t n, uint64_t** out,
                              bool keep_miss) {
  std::fill_n(out, n, nullptr);
  simd::Shape shapes[simd::kShapeChunk];
  for (size_t base = 0; base < n; base += simd::kShapeChunk) {
    const size_t count = std::min(simd::kShapeChunk, n - base);
    uint64_t has = kernel_(messages + base, count, shapes);
    for (; has != 0; has &= has - 1) {
      const size_t i = static_cast<size_t>(std::countr_zero(has));
      const unsigned char* shape = shapes[i].bytes;
      const bool is_long = messages[base + i].size() > simd::kMaxShortShapeMessage;
      const uint32_t set = slot_of(shapes[i].fold, kSetBits);
      out[base + i] = is_long
                          ? probe(long_.lines, long_.counters, size_t{set} * kWays, kWays, shape)
                          : probe(short_.lines, short_.counters, size_t{set} * kWays, kWays, shape);
      if (keep_miss && out[base + i] == nullptr) {  // find(): remember() may follow
        std::memcpy(last_.bytes, shape, is_long ? 128 : 64);
        last_long_ = is_long;
        last_set_ = set;
        last_valid_ = true;
      }
    }
  }
}

template <typename Line>
void MessageShapes::Table<Line>::insert(size_t set, const unsigned char* bytes, uint64_t* counter) {
  // The first empty way, else the last (see probe()).
  const size_t first = set * kWays;
  size_t way = first;
  while (way < first + kWays - 1 && counters[way] != nullptr) ++way;
  std::memcpy(lines[way].bytes, bytes, sizeof(Line));
  counters[way] = counter;
}

void MessageShapes::remember(uint64_t* counter) {
  if (!last_valid_) return;
  if (last_long_) {
    long_.insert(last_set_, last_.bytes, counter);
  } else {
    short_.insert(last_set_, last_.bytes, counter);
  }
  last_valid_ = false;
}

void MessageShapes::clear() {
  if (short_.counters) std::fill_n(short_.counters.get(), kWays << kSetBits, nullptr);
  if (long_.counters) std::fill_n(long_.counters.get(), kWays << kSetBits, nullptr);
  last_valid_ = false;
}

bool MessageShapes::shape_of(std::string_view message, std::string& out) {
  auto shapes = shapes_of({message});
  if (!shapes[0]) return false;
  out = std::move(*shapes[0]);
  return true;
}

std::vector<std::optional<std::string>> MessageShapes::shapes_of(
    const std::vector<std::string_view>& messages) {
  return shapes_of(messages, simd::active_level());
}

std::vector<std::optional<std::string>> MessageShapes::shapes_of(
    const std::vector<std::string_view>& messages, simd::Level level) {
  const simd::ShapeKernel kernel = simd::shape_kernel(level);
  std::vector<std::optional<std::string>> out(messages.size());
  simd::Shape shapes[simd::kShapeChunk];
  for (size_t base = 0; base < messages.size(); base += simd::kShapeChunk) {
    const size_t count = std::min(simd::kShapeChunk, messages.size() - base);
    const uint64_t has = kernel(messages.data() + base, count, shapes);
    for (size_t i = 0; i < count; ++i) {
      if (((has >> i) & 1) == 0) continue;
      // The squeezed shape: the non-zero bytes before the length byte (a
      // squeezed kernel's shape is zero padded, a wide one has zeros
      // where it dropped bytes; simd/message_shapes.h).
      const size_t length_at = messages[base + i].size() > simd::kMaxShortShapeMessage ? 127 : 63;
      std::string& shape = out[base + i].emplace();
      for (size_t b = 0; b < length_at; ++b) {
        if (shapes[i].bytes[b] != 0) shape.push_back(static_cast<char>(shapes[i].bytes[b]));
      }
    }
  }
  return out;
}

}  // namespace logstreamer::aggregate
