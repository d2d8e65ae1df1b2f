#include "aggregate/live_windows.h"

#include "aggregate/absl_key.h"

namespace logstreamer::aggregate {
namespace {

DynoWindow* dyno_slot(WindowSlot& s, std::string_view name, uint64_t n) {
  auto it = s.dynos.find(absl_key(name));
  if (it == s.dynos.end()) {
    if (s.dynos.size() >= WindowSlot::kMaxDynos) {
      s.dynos_overflow += n;
      return nullptr;
    }
    it = s.dynos.emplace(std::string(name), DynoWindow{}).first;
  }
  return &it->second;
}

}  // namespace

void WindowSlot::add(const parse::LogRecord& rec, double slow_ms) {
  ++lines;
  ++levels[static_cast<size_t>(rec.level)];
  if (!rec.http.present) return;
  const parse::HttpFields& h = rec.http;
  ++requests;
  const bool error = h.status >= 500 || !h.error_code.empty();
  errors += error ? 1 : 0;
  status_classes[h.status >= 100 && h.status < 600 ? static_cast<size_t>(h.status / 100) : 0]++;
  if (!h.method.empty()) methods.add(h.method);
  if (!h.path.empty()) paths.add(h.path);
  if (h.has_duration) {
    response_ms.add(h.duration_ms);
    slow += h.duration_ms > slow_ms ? 1 : 0;
    size_t b = 0;
    while (b < kResponseBucketsMs.size() && h.duration_ms > kResponseBucketsMs[b]) ++b;
    ++response_buckets[b];
  }
  if (!h.dyno.empty()) {
    if (DynoWindow* d = dyno_slot(*this, h.dyno, 1)) {
      ++d->requests;
      d->errors += error ? 1 : 0;
      if (h.has_duration) d->response_ms.add(h.duration_ms);
    }
  }
}

void WindowSlot::merge(const WindowSlot& o) {
  lines += o.lines;
  malformed += o.malformed;
  for (size_t i = 0; i < levels.size(); ++i) levels[i] += o.levels[i];
  requests += o.requests;
  errors += o.errors;
  slow += o.slow;
  for (size_t i = 0; i < status_classes.size(); ++i) status_classes[i] += o.status_classes[i];
  methods.merge(o.methods);
  paths.merge(o.paths);
  response_ms.merge(o.response_ms);
  for (size_t i = 0; i < response_buckets.size(); ++i) response_buckets[i] += o.response_buckets[i];
  for (const auto& [name, d] : o.dynos) {
    if (DynoWindow* mine = dyno_slot(*this, name, d.requests)) {
      mine->requests += d.requests;
      mine->errors += d.errors;
      mine->response_ms.merge(d.response_ms);
    }
  }
  dynos_overflow += o.dynos_overflow;
}

void LiveWindows::merge(const WindowSlot& delta) {
  std::lock_guard lock(mutex_);
  totals_.merge(delta);
  WindowSlot& slot = ring_[static_cast<size_t>(delta.epoch) % kSlots];
  if (slot.epoch != delta.epoch) {
    if (slot.epoch > delta.epoch) return;  // older than the ring: too late to count
    slot.clear();
    slot.epoch = delta.epoch;
  }
  slot.merge(delta);
}

void LiveWindows::add_error(RecentError e) {
  std::lock_guard lock(mutex_);
  errors_.push_front(std::move(e));
  if (errors_.size() > kMaxRecentErrors) errors_.pop_back();
}

WindowSlot LiveWindows::window(int64_t now_unix_s, int64_t seconds) const {
  const int64_t last = epoch_of(now_unix_s);
  const int64_t first = last - (seconds + kSlotSeconds - 1) / kSlotSeconds + 1;
  WindowSlot out;
  out.epoch = last;
  std::lock_guard lock(mutex_);
  for (int64_t e = first; e <= last; ++e) {
    const WindowSlot& slot = ring_[static_cast<size_t>(e) % kSlots];
    if (slot.epoch == e) out.merge(slot);
  }
  return out;
}

std::vector<WindowSlot> LiveWindows::series(int64_t now_unix_s, int64_t seconds) const {
  const int64_t last = epoch_of(now_unix_s);
  const int64_t first = last - (seconds + kSlotSeconds - 1) / kSlotSeconds + 1;
  std::vector<WindowSlot> out;
  out.reserve(static_cast<size_t>(last - first + 1));
  std::lock_guard lock(mutex_);
  for (int64_t e = first; e <= last; ++e) {
    const WindowSlot& slot = ring_[static_cast<size_t>(e) % kSlots];
    WindowSlot& copy = out.emplace_back();
    copy.epoch = e;
    if (slot.epoch == e) copy.merge(slot);
  }
  return out;
}

WindowSlot LiveWindows::totals() const {
  std::lock_guard lock(mutex_);
  WindowSlot out;
  out.merge(totals_);
  return out;
}

std::vector<RecentError> LiveWindows::recent_errors() const {
  std::lock_guard lock(mutex_);
  return {errors_.begin(), errors_.end()};
}

}  // namespace logstreamer::aggregate
