#pragma once
// TopMessages: counts of message templates (message_template.h), bounded.
//
// Exact while the number of distinct templates stays under `capacity`. Past
// that, the least frequent half is pruned (their counts move to
// `pruned_count()`), so memory stays bounded however varied the messages; the
// counts shown are then lower bounds and `approximate()` says so. Real logs
// have few templates once numbers and ids are masked, so pruning is rare.
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aggregate/message_shapes.h"
#include "aggregate/string_counter.h"

namespace logstreamer::aggregate {

class TopMessages {
 public:
  explicit TopMessages(size_t capacity = 20000);

  // `message` is the raw message; it is masked here. `readable_end`: see
  // mask_message().
  void add(std::string_view message, const char* readable_end = nullptr);
  // As add(), for the batch loop: the message is counted at the latest by the
  // next flush(). Messages are looked up kPendingMax at a time
  // (MessageShapes::find_many). They must stay valid until then: the batch
  // loop flushes at the end of each batch.
  void add_pending(std::string_view message, const char* readable_end) {
    pending_end_ = readable_end;  // the same batch end for every pending message
    pending_[pending_count_++] = message;
    if (pending_count_ == kPendingMax) flush();
  }
  // As add_pending(), for a message that does not outlive the call (one in
  // a parser's buffer, as JSON messages are): it is copied first, so it too
  // is looked up in a group rather than alone.
  void add_pending_copy(std::string_view message) {
    if (message.size() > kCopyBytes) {  // no shape anyway (MessageShapes::find)
      add(message);
      return;
    }
    char* copy = &copies_[pending_count_ * kCopyBytes];
    std::memcpy(copy, message.data(), message.size());
    pending_[pending_count_++] = std::string_view(copy, message.size());
    if (pending_count_ == kPendingMax) flush();
  }
  void flush();

  void add_template(std::string_view tmpl, uint64_t n);
  void merge(const TopMessages& other);

  std::vector<std::pair<std::string, uint64_t>> top(size_t k) const { return counts_.sorted(k); }
  // top() as views, valid until the counts next change (no copy per template).
  std::vector<std::pair<std::string_view, uint64_t>> top_views(size_t k) const {
    return counts_.sorted_views(k);
  }
  bool approximate() const { return pruned_count_ > 0; }
  uint64_t pruned_count() const { return pruned_count_; }
  void add_pruned(uint64_t n) { pruned_count_ += n; }
  size_t size() const { return counts_.size(); }
  MessageShapes& shapes_for_benchmark() { return shapes_; }

 private:
  void prune();

  size_t capacity_;
  // 4096 cache slots: real logs have hundreds of frequent templates and
  // thousands of rare ones (ids that pass for numbers with a unit), and
  // with 1024 the rare ones kept evicting the frequent (analyze's sample
  // data: ~10k templates; docs/PERFORMANCE.md).
  static constexpr int kCacheBits = 12;
  StringCounter counts_;
  MessageShapes shapes_;  // shape -> counter in counts_; cleared when pruning
  uint64_t pruned_count_ = 0;
  std::unique_ptr<char[]> scratch_;  // for masking: no allocation per line
  static constexpr size_t kPendingMax = 64;
  static constexpr size_t kCopyBytes = 128;  // per pending message: the longest shape is 127
  std::array<std::string_view, kPendingMax> pending_;
  size_t pending_count_ = 0;
  const char* pending_end_ = nullptr;
  std::unique_ptr<char[]> copies_;  // kPendingMax slots for add_pending_copy()
};

}  // namespace logstreamer::aggregate
