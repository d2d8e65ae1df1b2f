#include "aggregate/top_messages.h"

#include <algorithm>
#include <cassert>

#include "aggregate/message_template.h"

namespace logstreamer::aggregate {

TopMessages::TopMessages(size_t capacity)
    : capacity_(std::max<size_t>(capacity, 2)),
      counts_(kCacheBits),
      scratch_(new char[kMaxTemplateBytes]),
      copies_(new char[kPendingMax * kCopyBytes]) {}

void TopMessages::add(std::string_view message, const char* readable_end) {
  if (uint64_t* counter = shapes_.find(message)) {
    ++*counter;
    return;
  }
  const std::string_view tmpl = mask_message(message, scratch_.get(), readable_end);
  add_template(tmpl, 1);
  // Pruning may have run: remember the counter only as the table is now.
  // (Without shapes on this CPU there is nothing to remember: no second lookup.)
  if (shapes_.wants_counter()) shapes_.remember(counts_.counter(tmpl, false));
}

void TopMessages::flush() {
  const size_t n = pending_count_;
  pending_count_ = 0;
  const char* const copies_end = copies_.get() + kPendingMax * kCopyBytes;
  // A copy may be read to the end of the copies, a batch's message to the
  // end of its batch.
  const auto readable_end = [&](std::string_view m) {
    return m.data() >= copies_.get() && m.data() < copies_end ? copies_end : pending_end_;
  };
  if (!shapes_.enabled()) {  // no shape kernel on this CPU: straight to the templates
    for (size_t i = 0; i < n; ++i) {
      add_template(mask_message(pending_[i], scratch_.get(), readable_end(pending_[i])), 1);
    }
    return;
  }
  std::array<uint64_t*, kPendingMax> counters;
  shapes_.find_many(pending_.data(), n, counters.data());
  // Hits first: a miss may prune, and pruning moves no counter but erases some.
  for (size_t i = 0; i < n; ++i) {
    if (counters[i] != nullptr) ++*counters[i];
  }
  for (size_t i = 0; i < n; ++i) {
    if (counters[i] == nullptr) add(pending_[i], readable_end(pending_[i]));
  }
}

void TopMessages::add_template(std::string_view tmpl, uint64_t n) {
  if (counts_.add(tmpl, n, counts_.size() < capacity_)) return;
  prune();
  counts_.add(tmpl, n, true);
}

void TopMessages::merge(const TopMessages& other) {
  assert(other.pending_count_ == 0 && "flush() before merging: pending messages may be gone");
  flush();
  other.counts_.for_each([this](const std::string& tmpl, uint64_t n) { add_template(tmpl, n); });
  pruned_count_ += other.pruned_count_;
}

void TopMessages::prune() {
  // Drop the templates at or below the median count: at least half the table.
  std::vector<uint64_t> counts;
  counts.reserve(counts_.size());
  counts_.for_each([&](const std::string&, uint64_t n) { counts.push_back(n); });
  auto mid = counts.begin() + static_cast<ptrdiff_t>(counts.size() / 2);
  std::nth_element(counts.begin(), mid, counts.end());
  shapes_.clear();  // its counters may point at erased entries
  pruned_count_ += counts_.erase_at_most(*mid);
}

}  // namespace logstreamer::aggregate
