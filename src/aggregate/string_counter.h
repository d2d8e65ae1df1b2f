#pragma once
// StringCounter: string -> count, tuned for the per-line hot path.
//
// Every parsed line bumps two string-keyed counters (its service and its
// message template). A general hash map hashes all the key's bytes and
// compares them again on a hit; that was a quarter of analyze's CPU time. Here
// a small direct-mapped cache sits in front of the map: its slot is picked by
// a cheap hash of the key's length and first and last 8 bytes, and a hit costs
// one compare (a single masked AVX-512 compare for keys up to 64 bytes). Misses (first sight of a key, or two keys sharing a slot)
// fall through to the map, whose nodes never move, so cached pointers stay
// valid until an erase, which clears the cache.
//
// Not thread-safe: one per worker, merged afterwards.
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "aggregate/absl_key.h"
#include "simd/bytes.h"

namespace logstreamer::aggregate {

class StringCounter {
 public:
  StringCounter() { clear_cache(); }
  StringCounter(const StringCounter& other) : map_(other.map_) { clear_cache(); }
  StringCounter& operator=(const StringCounter& other) {
    map_ = other.map_;
    clear_cache();
    return *this;
  }

  // Adds n to key's count if the key is known or `may_insert`; returns false
  // when the key is new and may not be inserted.
  bool add(std::string_view key, uint64_t n, bool may_insert) {
    Slot& slot = cache_[slot_index(key)];
    if (slot.len == key.size() && slot.counter != nullptr &&
        simd::equal(slot.data, key.data(), key.size())) {
      *slot.counter += n;
      return true;
    }
    auto it = map_.find(absl_key(key));
    if (it == map_.end()) {
      if (!may_insert) return false;
      it = map_.emplace(std::string(key), 0).first;
    }
    it->second += n;
    slot = Slot{it->first.data(), it->first.size(), &it->second};
    return true;
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

 private:
  struct Slot {
    const char* data;
    size_t len;
    uint64_t* counter;
  };
  static constexpr size_t kCacheSlots = 1024;

  static uint64_t load_up_to_8(const char* p, size_t n) {
    uint64_t v = 0;
    std::memcpy(&v, p, n < 8 ? n : 8);
    return v;
  }
  static size_t slot_index(std::string_view key) {
    const size_t n = key.size();
    const uint64_t head = load_up_to_8(key.data(), n);
    const uint64_t tail = n > 8 ? load_up_to_8(key.data() + n - 8, 8) : 0;
    uint64_t h = (head * 0x9e3779b97f4a7c15ULL) ^ (tail * 0xc2b2ae3d27d4eb4fULL) ^ n;
    h ^= h >> 29;
    return static_cast<size_t>(h * 0xbf58476d1ce4e5b9ULL >> 54);  // top 10 bits
  }
  void clear_cache() { cache_.fill(Slot{nullptr, 0, nullptr}); }

  absl::node_hash_map<std::string, uint64_t> map_;
  std::array<Slot, kCacheSlots> cache_;
};

}  // namespace logstreamer::aggregate
