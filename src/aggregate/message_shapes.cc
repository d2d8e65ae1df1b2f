#include "aggregate/message_shapes.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "aggregate/shape_kernels.h"
#include "simd/simd_level.h"

namespace logstreamer::aggregate {
namespace {

using namespace shape_kernels;  // NOLINT(google-build-using-namespace): this file's own kernels

// Calls visit(i, l0, l1) with the shape of messages[i] (its second block l1
// zero for a short message) for each message that has one: short messages
// eight at a time, long ones four at a time.
template <typename Visit>
LS_VBMI2 inline void visit_shapes(const std::string_view* messages, size_t n, Visit&& visit) {
  constexpr size_t kChunk = 64;
  for (size_t base = 0; base < n; base += kChunk) {
    const size_t count = std::min(kChunk, n - base);
    // Indexes, written to both lists and kept in one: whether a message is
    // short is data dependent (one in six of analyze's sample messages is
    // long), and a branch on it mispredicted. (Plain arrays: zeroing arrays
    // of string_views cost a one-message call more than its shape did.)
    uint8_t short_index[kChunk], long_index[kChunk];
    size_t n_short = 0, n_long = 0;
    for (size_t i = 0; i < count; ++i) {
      const size_t size = messages[base + i].size();
      short_index[n_short] = static_cast<uint8_t>(i);
      long_index[n_long] = static_cast<uint8_t>(i);
      n_short += size <= kMaxShortMessage;
      n_long += size > kMaxShortMessage && size <= kMaxLongMessage;
    }
    std::string_view group[8];
    for (size_t k = 0; k < n_short; k += 8) {
      const size_t size = std::min<size_t>(8, n_short - k);
      for (size_t j = 0; j < size; ++j) group[j] = messages[base + short_index[k + j]];
      __m512i shapes[8];
      const unsigned has_shape = short_shapes(group, size, shapes);
      for (size_t j = 0; j < size; ++j) {
        if ((has_shape >> j) & 1)
          visit(base + short_index[k + j], shapes[j], _mm512_setzero_si512());
      }
    }
    for (size_t k = 0; k < n_long; k += 4) {
      const size_t size = std::min<size_t>(4, n_long - k);
      for (size_t j = 0; j < size; ++j) group[j] = messages[base + long_index[k + j]];
      __m512i first[4], second[4];
      const unsigned has_shape = long_shapes(group, size, first, second);
      for (size_t j = 0; j < size; ++j) {
        if ((has_shape >> j) & 1) visit(base + long_index[k + j], first[j], second[j]);
      }
    }
  }
}

}  // namespace

MessageShapes::MessageShapes() = default;

bool MessageShapes::available() { return simd::vbmi2_active(); }

void MessageShapes::allocate() {
  if (short_.lines) return;  // allocated on first use: most Summaries never see a line
  short_.lines = std::make_unique<ShortLine[]>(kWays << kSetBits);
  short_.counters = std::make_unique<uint64_t*[]>(kWays << kSetBits);
  long_.lines = std::make_unique<LongLine[]>(kWays << kSetBits);
  long_.counters = std::make_unique<uint64_t*[]>(kWays << kSetBits);
}

uint64_t* MessageShapes::find(std::string_view message) {
  static_assert(kMaxMessage == kMaxLongMessage, "the cache's limit is the kernels' limit");
  last_valid_ = false;
  if (message.size() > kMaxMessage || !simd::vbmi2_active()) return nullptr;
  allocate();
  uint64_t* counter = nullptr;
  find_vbmi2(&message, 1, &counter, true);
  return counter;
}

void MessageShapes::find_many(const std::string_view* messages, size_t n, uint64_t** out) {
  last_valid_ = false;
  if (!simd::vbmi2_active()) {
    std::fill_n(out, n, nullptr);
    return;
  }
  allocate();
  find_vbmi2(messages, n, out, false);
}

// The ways of a set, newest first. A slot is its shape (with the length in
// the last byte) and a counter; an empty way has no counter.
template <typename Line>
LS_VBMI2 inline uint64_t* probe(const std::unique_ptr<Line[]>& lines,
                                const std::unique_ptr<uint64_t*[]>& counters, size_t first,
                                size_t ways, __m512i l0, __m512i l1) {
  for (size_t way = first; way < first + ways; ++way) {
    uint64_t differ = _mm512_cmpneq_epi8_mask(_mm512_load_si512(lines[way].bytes), l0);
    if constexpr (sizeof(Line) == 128)
      differ |= _mm512_cmpneq_epi8_mask(_mm512_load_si512(lines[way].bytes + 64), l1);
    if (differ == 0 && counters[way] != nullptr) return counters[way];
  }
  return nullptr;
}

LS_VBMI2 void MessageShapes::find_vbmi2(const std::string_view* messages, size_t n, uint64_t** out,
                                        bool keep_miss) {
  std::fill_n(out, n, nullptr);
  visit_shapes(messages, n, [&](size_t i, __m512i l0, __m512i l1) LS_VBMI2 {
    const bool is_long = messages[i].size() > kMaxShortMessage;
    const uint32_t set =
        is_long ? slot_of(_mm512_xor_si512(l0, _mm512_alignr_epi64(l1, l1, 3)), kSetBits)
                : slot_of(l0, kSetBits);
    out[i] = is_long ? probe(long_.lines, long_.counters, size_t{set} * kWays, kWays, l0, l1)
                     : probe(short_.lines, short_.counters, size_t{set} * kWays, kWays, l0, l1);
    if (keep_miss && out[i] == nullptr) {  // find(): remember() may follow
      _mm512_store_si512(last_.bytes, l0);
      _mm512_store_si512(last_.bytes + 64, l1);
      last_long_ = is_long;
      last_set_ = set;
      last_valid_ = true;
    }
  });
}

template <typename Line>
void MessageShapes::Table<Line>::insert(size_t set, const unsigned char* bytes, uint64_t* counter) {
  // The newest shape takes the first way; the others move down one.
  const size_t first = set * kWays;
  for (size_t way = first + kWays - 1; way > first; --way) {
    lines[way] = lines[way - 1];
    counters[way] = counters[way - 1];
  }
  std::memcpy(lines[first].bytes, bytes, sizeof(Line));
  counters[first] = counter;
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
  std::vector<std::optional<std::string>> out(messages.size());
  if (simd::vbmi2_active()) shapes_of_vbmi2(messages, out);
  return out;
}

LS_VBMI2 void MessageShapes::shapes_of_vbmi2(const std::vector<std::string_view>& messages,
                                             std::vector<std::optional<std::string>>& out) {
  visit_shapes(messages.data(), messages.size(), [&](size_t i, __m512i l0, __m512i l1) LS_VBMI2 {
    alignas(64) char bytes[128];
    _mm512_store_si512(bytes, l0);
    _mm512_store_si512(bytes + 64, l1);
    out[i].emplace(
        bytes, static_cast<unsigned char>(bytes[messages[i].size() > kMaxShortMessage ? 127 : 63]));
  });
}

}  // namespace logstreamer::aggregate
