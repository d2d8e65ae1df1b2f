#include "aggregate/message_shapes.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <utility>

#include "simd/simd_level.h"

namespace logstreamer::aggregate {
static_assert(MessageShapes::kMaxMessageBytes() == simd::kMaxShapeMessage,
              "the cache's limit is the kernels' limit");

MessageShapes::MessageShapes() {
  static const simd::ShapeLookup lookup = simd::counting_shape_lookup(simd::active_level());
  lookup_ = lookup;
}

MessageShapes::MessageShapes(simd::ShapeLookup lookup) : lookup_(lookup) {}

void MessageShapes::allocate() {
  if (short_.lines) return;  // allocated on first use: most Summaries never see a line
  short_.lines = std::make_unique<ShortLine[]>(kWays << kSetBits);
  short_.counters = std::make_unique<uint64_t*[]>(kWays << kSetBits);
  long_.lines = std::make_unique<LongLine[]>(kWays << kSetBits);
  long_.counters = std::make_unique<uint64_t*[]>(kWays << kSetBits);
  view_ = simd::ShapeTable{short_.lines[0].bytes, short_.counters.get(), long_.lines[0].bytes,
                           long_.counters.get()};
}

uint64_t* MessageShapes::find(std::string_view message) {
  last_valid_ = false;
  if (message.size() > kMaxMessage || lookup_ == nullptr) return nullptr;
  allocate();
  uint64_t* counter = nullptr;
  find_with(&message, 1, &counter, true);
  return counter;
}

void MessageShapes::find_many(const std::string_view* messages, size_t n, uint64_t** out) {
  last_valid_ = false;
  if (lookup_ == nullptr) {
    std::fill_n(out, n, nullptr);
    return;
  }
  allocate();
  find_with(messages, n, out, false);
}

void MessageShapes::find_with(const std::string_view* messages, size_t n, uint64_t** out,
                              bool keep_miss) {
  simd::Shape shapes[simd::kShapeChunk];  // only misses are written
  for (size_t base = 0; base < n; base += simd::kShapeChunk) {
    const size_t count = std::min(simd::kShapeChunk, n - base);
    const uint64_t missed = lookup_(messages + base, count, view_, out + base, shapes);
    if (keep_miss && missed != 0) {  // find(): remember() may follow
      const size_t i = static_cast<size_t>(63 - std::countl_zero(missed));
      const bool is_long = messages[base + i].size() > simd::kMaxShortShapeMessage;
      std::memcpy(last_.bytes, shapes[i].bytes, is_long ? 128 : 64);
      last_long_ = is_long;
      last_set_ = simd::shape_set(shapes[i].fold);
      last_valid_ = true;
    }
  }
}

template <typename Line>
void MessageShapes::Table<Line>::insert(size_t set, const unsigned char* bytes, uint64_t* counter) {
  // The first empty way, else the last (see simd::shapes::swap_to_front()).
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
