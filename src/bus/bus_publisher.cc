#include "bus/bus_publisher.h"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "bus/bus_headers.h"

namespace logstreamer::bus {
namespace {

// Room left in a message for its headers and subject.
constexpr int64_t kHeaderRoom = 1024;

std::string content_id(std::string_view body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(body.data(), body.size(), md, &len, EVP_sha256(), nullptr);
  std::string id = "sha256:";
  for (unsigned i = 0; i < len; ++i) fmt::format_to(std::back_inserter(id), "{:02x}", md[i]);
  return id;
}

// Cuts `text` (lines ended by '\n') into pieces of at most `limit` bytes at
// line ends; a single line longer than the limit is a piece of its own (the
// server then refuses it, and the request fails rather than being cut).
std::vector<std::string_view> split_at_lines(std::string_view text, size_t limit) {
  std::vector<std::string_view> parts;
  while (text.size() > limit) {
    size_t cut = text.rfind('\n', limit - 1);
    cut = cut == std::string_view::npos ? text.find('\n', limit) : cut;
    cut = cut == std::string_view::npos ? text.size() : cut + 1;
    parts.push_back(text.substr(0, cut));
    text.remove_prefix(cut);
  }
  if (!text.empty() || parts.empty()) parts.push_back(text);
  return parts;
}

uint32_t count_lines(std::string_view text) {
  return static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

BusPublisher::BusPublisher(BusConnection& conn, std::vector<std::string> source_names,
                           PublisherOptions options)
    : conn_(conn), options_(options) {
  for (const std::string& name : source_names)
    subjects_.push_back(conn.options().subject_prefix + "." + name);
}

BusPublisher::~BusPublisher() { close(std::chrono::steady_clock::now()); }

absl::Status BusPublisher::start() {
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.AckHandler = &BusPublisher::on_ack;
  jo.PublishAsync.AckHandlerClosure = this;
  // Our own byte bound decides when we are full; the client's count must
  // never make an I/O thread wait.
  jo.PublishAsync.MaxPending = 1 << 20;
  jo.PublishAsync.StallWait = 1;
  jsCtx* js = nullptr;
  if (auto st = nats_status(natsConnection_JetStream(&js, conn_.nc(), &jo), "JetStream publisher");
      !st.ok()) {
    return st;
  }
  js_.reset(js);
  max_payload_ = std::max<int64_t>(natsConnection_GetMaxPayload(conn_.nc()), 4 * kHeaderRoom);
  return absl::OkStatus();
}

core::OfferResult BusPublisher::offer(engine::IngestBatch batch) {
  if (closed_.load(std::memory_order_acquire) || !js_) return core::OfferResult::kClosed;
  const std::string_view text = batch.text.text();
  const size_t before = inflight_bytes_.fetch_add(text.size(), std::memory_order_acq_rel);
  if (before > 0 && before + text.size() > options_.max_inflight_bytes) {
    inflight_bytes_.fetch_sub(text.size(), std::memory_order_acq_rel);
    rejected_full_.fetch_add(1, std::memory_order_relaxed);
    return core::OfferResult::kRejected;
  }
  const core::AckPtr& ack = batch.ack;
  const std::string id = ack != nullptr && !ack->key().empty() ? ack->key() : content_id(text);
  const std::string& subject = subjects_.at(batch.source);
  const auto parts = split_at_lines(text, static_cast<size_t>(max_payload_ - kHeaderRoom));
  if (ack != nullptr && parts.size() > 1) ack->add_hold(parts.size() - 1);
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string part_id = parts.size() == 1 ? id : fmt::format("{}#{}", id, i);
    if (publish(subject, parts[i], part_id, count_lines(parts[i]), batch.received_us, ack))
      continue;
    // Not sent: this part and the ones after it will never be acknowledged.
    size_t unsent = 0;
    for (size_t j = i; j < parts.size(); ++j) {
      unsent += parts[j].size();
      if (ack != nullptr && j > i) ack->release(false);
    }
    inflight_bytes_.fetch_sub(unsent, std::memory_order_acq_rel);
    failures_.fetch_add(1, std::memory_order_relaxed);
    if (i == 0) return core::OfferResult::kRejected;  // nothing sent: the sender retries
    if (ack != nullptr) ack->release(false);
    return core::OfferResult::kAccepted;  // the ack fails: 503 once the sent parts are answered
  }
  return core::OfferResult::kAccepted;
}

bool BusPublisher::publish(const std::string& subject, std::string_view body, const std::string& id,
                           uint32_t lines, int64_t received_us, const core::AckPtr& ack) {
  natsMsg* msg = nullptr;
  if (natsMsg_Create(&msg, subject.c_str(), nullptr, body.data(), static_cast<int>(body.size())) !=
      NATS_OK) {
    return false;
  }
  const std::string lines_text = std::to_string(lines), received_text = std::to_string(received_us);
  natsMsgHeader_Set(msg, kHeaderLines, lines_text.c_str());
  natsMsgHeader_Set(msg, kHeaderReceivedUs, received_text.c_str());
  {
    std::lock_guard lock(mutex_);
    pending_[msg] = Pending{ack, lines, body.size(), std::chrono::steady_clock::now()};
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = id.c_str();
  po.MaxWait = options_.publish_timeout.count();
  natsMsg* owned = msg;
  const natsStatus s = js_PublishMsgAsync(js_.get(), &owned, &po);
  if (s == NATS_OK) return true;  // the library owns it now; on_ack answers
  {
    std::lock_guard lock(mutex_);
    pending_.erase(msg);
  }
  natsMsg_Destroy(msg);
  if (error_log_.allow()) {
    spdlog::warn("bus: cannot publish to {}: {}", subject, natsStatus_GetText(s));
  }
  return false;
}

void BusPublisher::on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
  auto* self = static_cast<BusPublisher*>(closure);
  const bool ok = pa != nullptr && pae == nullptr;
  self->completed(msg, ok, ok && pa->Duplicate,
                  pae != nullptr && pae->ErrText != nullptr ? pae->ErrText
                  : pae != nullptr                          ? natsStatus_GetText(pae->Err)
                                                            : nullptr);
  natsMsg_Destroy(msg);
}

void BusPublisher::completed(natsMsg* msg, bool ok, bool duplicate, const char* error) {
  Pending p;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(msg);
    if (it == pending_.end()) return;
    p = std::move(it->second);
    pending_.erase(it);
    if (ok) {
      latency_.add(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - p.sent)
              .count());
    }
  }
  inflight_bytes_.fetch_sub(p.bytes, std::memory_order_acq_rel);
  if (ok) {
    messages_.fetch_add(1, std::memory_order_relaxed);
    lines_.fetch_add(p.lines, std::memory_order_relaxed);
    bytes_.fetch_add(p.bytes, std::memory_order_relaxed);
    if (duplicate) duplicates_.fetch_add(1, std::memory_order_relaxed);
  } else {
    failures_.fetch_add(1, std::memory_order_relaxed);
    if (error_log_.allow()) {
      spdlog::warn("bus: publish not acknowledged: {}", error != nullptr ? error : "unknown error");
    }
  }
  if (p.ack != nullptr) p.ack->release(ok);
}

void BusPublisher::close(std::chrono::steady_clock::time_point deadline) {
  if (closed_.exchange(true) || !js_) return;
  jsPubOptions po;
  jsPubOptions_Init(&po);
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  po.MaxWait = std::max<int64_t>(1, left.count());
  js_PublishAsyncComplete(js_.get(), &po);
  // Whatever is still unanswered fails (its senders get 503 and retry).
  natsMsgList list{};
  if (js_PublishAsyncGetPendingList(&list, js_.get()) == NATS_OK) {
    for (int i = 0; i < list.Count; ++i) completed(list.Msgs[i], false, false, "shutting down");
    natsMsgList_Destroy(&list);
  }
  js_.reset();
}

PublisherProbe BusPublisher::probe() const {
  PublisherProbe p;
  p.messages = messages_.load();
  p.lines = lines_.load();
  p.bytes = bytes_.load();
  p.duplicates = duplicates_.load();
  p.failures = failures_.load();
  p.rejected_full = rejected_full_.load();
  p.inflight_bytes = inflight_bytes_.load();
  std::lock_guard lock(mutex_);
  p.inflight = pending_.size();
  p.latency_count = latency_.count();
  p.latency_p50_ms = latency_.quantile(0.5);
  p.latency_p99_ms = latency_.quantile(0.99);
  return p;
}

aggregate::LatencySketch BusPublisher::latency() const {
  std::lock_guard lock(mutex_);
  return latency_;
}

}  // namespace logstreamer::bus
