#include "aggregate/string_counter.h"

#include <algorithm>

namespace logstreamer::aggregate {

bool StringCounter::add_slow(std::string_view key, uint64_t n, bool may_insert, Slot& slot, const Words& w) {
  auto it = map_.find(absl_key(key));
  if (it == map_.end()) {
    if (!may_insert) return false;
    it = map_.emplace(std::string(key), 0).first;
  }
  it->second += n;
  slot = Slot{it->first.data(), it->first.size(), &it->second, w};
  return true;
}

uint64_t StringCounter::erase_at_most(uint64_t threshold) {
  clear_cache();  // cached pointers may point at erased nodes
  uint64_t removed = 0;
  for (auto it = map_.begin(); it != map_.end();) {
    if (it->second <= threshold) {
      removed += it->second;
      map_.erase(it++);
    } else {
      ++it;
    }
  }
  return removed;
}

std::vector<std::pair<std::string, uint64_t>> StringCounter::sorted(size_t limit) const {
  std::vector<std::pair<std::string, uint64_t>> out(map_.begin(), map_.end());
  const auto by_count = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (out.size() > limit) {
    std::partial_sort(out.begin(), out.begin() + static_cast<ptrdiff_t>(limit), out.end(), by_count);
    out.resize(limit);
  } else {
    std::sort(out.begin(), out.end(), by_count);
  }
  return out;
}

}  // namespace logstreamer::aggregate
