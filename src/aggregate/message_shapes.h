#pragma once
// MessageShapes: a cache from a message's *shape* to its template's counter,
// so most lines are counted without building their template at all.
//
// The shape of a message of up to 127 bytes is computed without a branch on
// the message's content by the tier's kernel (simd/message_shapes.h), which
// also looks it up here (simd::ShapeLookup; the table's layout is there): the
// template's rule (message_template.h) applied as bit arithmetic on class
// masks, each masked token cut to one marker byte (1 for "<id>", 2 for
// "<n>", the number's unit kept) and the rest squeezed out. Equal shapes
// have equal templates, so a shape seen before leads straight to its
// counter: a hash of the shape's words, one compare against the cached
// shape, one increment. The byte loops and data-dependent branches of
// building the template string, whose mispredictions were a quarter of
// analyze's time, run only on a miss.
//
// Exact, never approximate: a miss (new shape, a slot taken by another
// shape, a message over 127 bytes or holding a byte 0x00-0x02 that could be
// mistaken for a marker) returns nullptr and the caller counts the template
// the long way, then remember()s the counter.
// Counters must stay valid until clear(): TopMessages clears on pruning.
//
// Not thread-safe: one per TopMessages.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simd/message_shapes.h"

namespace logstreamer::aggregate {

class MessageShapes {
 public:
  // With the lookup counting uses on this CPU (simd::counting_shape_lookup;
  // none: every find() misses and nothing is allocated).
  MessageShapes();
  // With a given lookup (tests run each tier's).
  explicit MessageShapes(simd::ShapeLookup lookup);

  // The counter remembered for `message`'s shape, or nullptr.
  uint64_t* find(std::string_view message);
  // find() for n messages: out[i] is the counter for messages[i], or nullptr
  // (then find() it alone and remember()). Shapes are computed a group at a
  // time, so the more messages per call the better (the batch loop passes
  // 64): a call with three short messages costs what one with eight does.
  void find_many(const std::string_view* messages, size_t n, uint64_t** out);
  // Remembers `counter` for the shape of the message last passed to find(),
  // if that message had a shape. Only right after a find() that missed.
  void remember(uint64_t* counter);
  // Whether remember() would keep anything (the last find() missed on a
  // message with a shape): callers skip looking the counter up otherwise.
  bool wants_counter() const { return last_valid_; }
  // Whether there is a kernel at all (else every find() misses).
  bool enabled() const { return lookup_ != nullptr; }
  void clear();

  // The shape itself, for tests: false when the message has none (see above).
  static bool shape_of(std::string_view message, std::string& out);
  // Shapes as find_many() computes them, in groups of several messages: for
  // tests, which check that no message's shape depends on its neighbours.
  // nullopt: no shape.
  static std::vector<std::optional<std::string>> shapes_of(const std::vector<std::string_view>& messages);
  // The same with the kernel of `level` (tests compare the tiers).
  static std::vector<std::optional<std::string>> shapes_of(
      const std::vector<std::string_view>& messages, simd::Level level);

  static constexpr size_t kMaxMessageBytes() { return kMaxMessage; }

 private:
  static constexpr size_t kMaxMessage = 127;  // two 64-byte blocks, one byte for the length
  // 2-way set associative (simd::kShapeWays): analyze's sample data has
  // ~460 shapes, and a direct-mapped table thrashed on the pairs that shared
  // a slot.
  static constexpr int kSetBits = simd::kShapeSetBits;
  static constexpr size_t kWays = simd::kShapeWays;
  // A shape, zero padded, its length in the last byte (free: a shape is
  // shorter than its line). Messages of up to 63 bytes have short shapes.
  struct alignas(64) ShortLine {
    unsigned char bytes[64];
  };
  struct alignas(64) LongLine {
    unsigned char bytes[128];
  };
  template <typename Line>
  struct Table {
    std::unique_ptr<Line[]> lines;         // kWays per set
    std::unique_ptr<uint64_t*[]> counters;  // nullptr: empty way
    void insert(size_t set, const unsigned char* bytes, uint64_t* counter);
  };

  // find() and find_many(); with keep_miss, a miss is kept for remember().
  void find_with(const std::string_view* messages, size_t n, uint64_t** out, bool keep_miss);
  void allocate();

  simd::ShapeLookup lookup_;
  Table<ShortLine> short_;
  Table<LongLine> long_;
  simd::ShapeTable view_{};  // of short_ and long_, for lookup_
  LongLine last_{};  // find()'s miss, for remember()
  uint32_t last_set_ = 0;
  bool last_long_ = false;
  bool last_valid_ = false;
};

}  // namespace logstreamer::aggregate
