#include "server/frame_dedupe.h"

#include <algorithm>

#include "aggregate/absl_key.h"

namespace logstreamer::server {

bool FrameDedupe::claim(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (!ids_.insert(std::string(id)).second) return false;
  order_.emplace_back(id);
  while (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

void FrameDedupe::release(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (ids_.erase(std::string(id)) == 0) return;
  // Usually the newest entry: search from the back.
  auto it = std::find(order_.rbegin(), order_.rend(), id);
  if (it != order_.rend()) order_.erase(std::next(it).base());
}

size_t FrameDedupe::size() const {
  std::lock_guard lock(mutex_);
  return ids_.size();
}

}  // namespace logstreamer::server
