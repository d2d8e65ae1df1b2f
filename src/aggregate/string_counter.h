#pragma once
// StringCounter: string -> count, tuned for the per-line hot path.
//
// Every parsed line bumps two string-keyed counters (its service and its
// message template). A general hash map hashes all the key's bytes and
// compares them again on a hit; that was a quarter of analyze's CPU time. Here
// a small direct-mapped cache sits in front of the map. A key is summarised by
// two words that together cover its first and last bytes (for keys of up to
// 16 bytes, all of them); the slot is picked by a cheap hash of those words
// and the length, and the slot keeps the words, so a hit on a key of up to 16
// bytes costs two integer compares and longer keys compare only their middle
// (simd::equal). Misses (first sight of a key, or two keys sharing a slot)
// fall through to the map, whose nodes never move, so cached pointers stay
// valid until an erase, which clears the cache.
//
// Not thread-safe: one per worker, merged afterwards.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "aggregate/absl_key.h"
#include "simd/bytes.h"
#include "simd/read_ahead.h"

namespace logstreamer::aggregate {

class StringCounter {
 public:
  // `cache_bits`: the cache has 2^cache_bits slots (40 bytes each). Counts
  // with many distinct keys (message templates) want more than the default.
  explicit StringCounter(int cache_bits = 10)
      : cache_bits_(cache_bits), cache_(new Slot[size_t{1} << cache_bits]) {
    clear_cache();
  }
  StringCounter(const StringCounter& other) : StringCounter(other.cache_bits_) {
    map_ = other.map_;
  }
  StringCounter& operator=(const StringCounter& other) {
    map_ = other.map_;
    clear_cache();
    return *this;
  }
  // Moves keep the cache: the map's nodes, which it points into, move with
  // the map. The moved-from counter is empty (and still usable).
  StringCounter(StringCounter&& other)
      : map_(std::move(other.map_)),
        cache_bits_(other.cache_bits_),
        cache_(std::move(other.cache_)) {
    other.map_.clear();
    other.cache_.reset(new Slot[size_t{1} << other.cache_bits_]);
    other.clear_cache();
  }

  // Adds n to key's count if the key is known or `may_insert`; returns false
  // when the key is new and may not be inserted.
  bool add(std::string_view key, uint64_t n, bool may_insert) {
    const Words w = words_of(key);
    Slot& slot = cache_[slot_index(w, key.size(), cache_bits_)];
    if (slot.counter != nullptr && slot.len == key.size() && slot.words.head == w.head &&
        slot.words.tail == w.tail &&
        (key.size() <= 16 || simd::equal(slot.data + 8, key.data() + 8, key.size() - 16))) {
      *slot.counter += n;
      return true;
    }
    return add_slow(key, n, may_insert, slot, w);
  }

  // The counter of `key` (inserted at 0 if new and `may_insert`), or nullptr.
  // Valid until erase_at_most() or destruction: nodes do not move.
  uint64_t* counter(std::string_view key, bool may_insert) {
    if (!add(key, 0, may_insert)) return nullptr;
    return cache_[slot_index(words_of(key), key.size(), cache_bits_)].counter;
  }

  uint64_t get(std::string_view key) const {
    auto it = map_.find(absl_key(key));
    return it == map_.end() ? 0 : it->second;
  }
  size_t size() const { return map_.size(); }

  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [key, n] : map_) f(key, n);
  }

  // Removes every entry whose count is <= threshold; returns their total.
  uint64_t erase_at_most(uint64_t threshold);

  // Entries by count descending, ties by key; at most `limit` of them.
  std::vector<std::pair<std::string, uint64_t>> sorted(size_t limit) const;
  // The same as views of the keys, valid until the counter next changes.
  std::vector<std::pair<std::string_view, uint64_t>> sorted_views(size_t limit) const;

 private:
  // Two words covering a key's bytes: [0, 8) and [size - 8, size) when it has
  // 8 or more; a shorter key is its bytes zero-extended, and 0 (so for up to
  // 16 bytes the words are the key). Unaligned loads only, and no branch on
  // the length: service names of 3, 7 and 12 bytes arrive in random order,
  // and a branch per length class mispredicted on one line in six. A key
  // under 8 bytes is read as a whole word from its start where that stays
  // in its memory page (simd/read_ahead.h), its bytes then masked; otherwise
  // (and under AddressSanitizer) copied.
  struct Words {
    uint64_t head;
    uint64_t tail;
  };
  static uint64_t load8(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static Words words_of(std::string_view key) {
    const char* p = key.data();
    const size_t n = key.size();
    if constexpr (std::endian::native == std::endian::little) {
      if (n >= 8 || (n > 0 && simd::may_read_ahead(p, 8))) [[likely]] {
        const bool whole = n >= 8;
        const uint64_t keep = whole ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1;
        // The tail's address is p itself for a short key (p + n - 8 would
        // be before it), so the load needs no branch either.
        return {simd::load8_ahead(p) & keep, whole ? load8(p + (whole ? n - 8 : 0)) : 0};
      }
    } else if (n >= 8) {
      return {load8(p), load8(p + n - 8)};
    }
    uint64_t head = 0;
    if (n > 0) std::memcpy(&head, p, n);
    return {head, 0};
  }
  static size_t slot_index(const Words& w, size_t n, int bits) {
    uint64_t h = (w.head * 0x9e3779b97f4a7c15ULL) ^ (w.tail * 0xc2b2ae3d27d4eb4fULL) ^ n;
    h ^= h >> 29;
    return static_cast<size_t>(h * 0xbf58476d1ce4e5b9ULL >> (64 - bits));  // the top bits
  }

  struct Slot {
    const char* data;  // the map's copy of the key
    size_t len;
    uint64_t* counter;  // nullptr: empty
    Words words;
  };

  // A cache miss: the map, and the slot takes the key.
  bool add_slow(std::string_view key, uint64_t n, bool may_insert, Slot& slot, const Words& w);
  void clear_cache() {
    std::fill_n(cache_.get(), size_t{1} << cache_bits_, Slot{nullptr, 0, nullptr, {0, 0}});
  }

  absl::node_hash_map<std::string, uint64_t> map_;
  int cache_bits_;
  std::unique_ptr<Slot[]> cache_;
};

}  // namespace logstreamer::aggregate
