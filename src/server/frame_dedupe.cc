#include "server/frame_dedupe.h"

#include <algorithm>

namespace logstreamer::server {

FrameDedupe::Claim FrameDedupe::claim(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto [it, inserted] = ids_.try_emplace(std::string(id), false);
  if (!inserted) return it->second ? Claim::kDone : Claim::kInFlight;
  order_.emplace_back(id);
  while (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
  return Claim::kNew;
}

void FrameDedupe::mark_done(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (auto it = ids_.find(std::string(id)); it != ids_.end()) it->second = true;
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
