#include "bus/window_sharing.h"

#include "bus/window_codec.h"

namespace logstreamer::bus {

WindowSharing::WindowSharing(BusConnection& conn, std::string node)
    : conn_(conn), node_(std::move(node)), prefix_(conn.options().subject_prefix + "-windows.") {}

WindowSharing::~WindowSharing() { stop(); }

absl::Status WindowSharing::start(engine::IngestPipeline& pipeline) {
  pipeline_ = &pipeline;
  return ticker_.start(conn_.nc(), prefix_ + "*", &WindowSharing::on_msg, this,
                       std::chrono::seconds(1), [this] { publish(); });
}

void WindowSharing::stop() { ticker_.stop(); }

void WindowSharing::on_window(const aggregate::WindowSlot& slot,
                              const std::vector<aggregate::RecentError>& errors) {
  std::lock_guard lock(mutex_);
  aggregate::WindowSlot& pending = pending_[slot.epoch];
  pending.merge(slot);
  pending.epoch = slot.epoch;
  for (const auto& e : errors) {
    if (errors_.size() < aggregate::LiveWindows::kMaxRecentErrors) errors_.push_back(e);
  }
}

void WindowSharing::on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* self = static_cast<WindowSharing*>(closure);
  const std::string subject = natsMsg_GetSubject(msg);
  const bool own = subject == self->prefix_ + self->node_;  // already in our windows
  if (!own && self->pipeline_ != nullptr) {
    auto delta = decode_window_delta(
        std::string_view(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg))));
    if (delta.ok()) {
      for (const auto& slot : delta->slots) self->pipeline_->merge_window(slot, {});
      self->pipeline_->merge_window(aggregate::WindowSlot{}, std::move(delta->errors));
      std::lock_guard lock(self->mutex_);
      ++self->received_;
    }
  }
  natsMsg_Destroy(msg);
}

void WindowSharing::publish() {
  WindowDelta delta;
  {
    std::lock_guard lock(mutex_);
    if (pending_.empty() && errors_.empty()) return;
    for (auto& [epoch, slot] : pending_) delta.slots.push_back(std::move(slot));
    delta.errors = std::move(errors_);
    pending_.clear();
    errors_.clear();
  }
  const std::string json = encode_window_delta(delta);
  const std::string subject = prefix_ + node_;
  natsConnection_Publish(conn_.nc(), subject.c_str(), json.data(), static_cast<int>(json.size()));
}

uint64_t WindowSharing::deltas_received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

}  // namespace logstreamer::bus
