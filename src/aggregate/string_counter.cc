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

std::vector<std::pair<std::string_view, uint64_t>> StringCounter::sorted_views(size_t limit) const {
  // Entries are sorted as pointers into the map: moving the strings
  // themselves through the sort (and copying all of them first) was most of
  // analyze's time between the last batch and exit with ~10k templates.
  std::vector<const std::pair<const std::string, uint64_t>*> order;
  order.reserve(map_.size());
  for (const auto& entry : map_) order.push_back(&entry);
  const auto by_count = [](const auto* a, const auto* b) {
    return a->second != b->second ? a->second > b->second : a->first < b->first;
  };
  if (order.size() > limit) {
    std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(limit), order.end(),
                      by_count);
    order.resize(limit);
  } else {
    std::sort(order.begin(), order.end(), by_count);
  }
  std::vector<std::pair<std::string_view, uint64_t>> out;
  out.reserve(order.size());
  for (const auto* entry : order) out.emplace_back(entry->first, entry->second);
  return out;
}

std::vector<std::pair<std::string, uint64_t>> StringCounter::sorted(size_t limit) const {
  const auto views = sorted_views(limit);
  return {views.begin(), views.end()};
}

}  // namespace logstreamer::aggregate
