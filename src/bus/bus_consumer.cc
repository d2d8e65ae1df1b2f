#include "bus/bus_consumer.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bus/bus_headers.h"

namespace logstreamer::bus {
namespace {

template <typename T>
T header_number(natsMsg* msg, const char* name, T fallback) {
  const char* v = nullptr;
  if (natsMsgHeader_Get(msg, name, &v) != NATS_OK || v == nullptr) return fallback;
  T out{};
  auto [p, ec] = std::from_chars(v, v + std::strlen(v), out);
  return ec == std::errc() ? out : fallback;
}

}  // namespace

BusConsumer::BusConsumer(BusConnection& conn, engine::IngestPipeline& pipeline,
                         std::vector<std::string> source_names, sinks::DeliveryLedger* ledger,
                         ConsumerOptions options)
    : conn_(conn), pipeline_(pipeline), ledger_(ledger), options_(options) {
  for (const std::string& name : source_names)
    subjects_.push_back(conn.options().subject_prefix + "." + name);
}

BusConsumer::~BusConsumer() { stop(); }

absl::Status BusConsumer::start() {
  const BusOptions& o = conn_.options();
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = o.stream.c_str();
  so.Consumer = o.consumer.c_str();  // bind to the durable made by BusConnection
  natsSubscription* sub = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const std::string subjects = o.subject_prefix + ".>";
  if (auto st = nats_status(js_PullSubscribe(&sub, conn_.js(), subjects.c_str(), o.consumer.c_str(),
                                             nullptr, &so, &code),
                            fmt::format("pull consumer {}", o.consumer), code);
      !st.ok()) {
    return st;
  }
  sub_.reset(sub);
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
  return absl::OkStatus();
}

void BusConsumer::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    held_cv_.notify_all();
    thread_.join();
  }
}

engine::IngestSource BusConsumer::source_of(const char* subject) const {
  for (size_t i = 0; i < subjects_.size(); ++i) {
    if (subjects_[i] == subject) return static_cast<engine::IngestSource>(i);
  }
  return 0;
}

void BusConsumer::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const auto now = std::chrono::steady_clock::now();
    if (now - lag_at_ >= std::chrono::seconds(1)) {
      lag_at_ = now;
      auto lag = conn_.consumer_lag();
      std::lock_guard lock(lag_mutex_);
      lag_known_ = lag.ok();
      if (lag.ok()) lag_ = *lag;
    }
    size_t room = 0;
    {
      std::unique_lock lock(held_mutex_);
      held_cv_.wait_for(lock, std::chrono::milliseconds(200), [&] {
        return stop.stop_requested() ||
               (held_ < options_.max_held_messages && held_bytes_ < options_.max_held_bytes);
      });
      if (held_ >= options_.max_held_messages || held_bytes_ >= options_.max_held_bytes) continue;
      room = options_.max_held_messages - held_;
    }
    if (stop.stop_requested()) break;
    natsMsgList list{};
    const int want =
        static_cast<int>(std::min<size_t>(room, static_cast<size_t>(options_.fetch_batch)));
    const natsStatus s =
        natsSubscription_Fetch(&list, sub_.get(), want, options_.fetch_wait.count(), nullptr);
    for (int i = 0; i < list.Count; ++i) {
      natsMsg* msg = list.Msgs[i];
      list.Msgs[i] = nullptr;  // ours now
      handle(msg, stop);
    }
    natsMsgList_Destroy(&list);
    if (s != NATS_OK && s != NATS_TIMEOUT) {  // a timeout is an idle stream
      fetch_errors_.fetch_add(1, std::memory_order_relaxed);
      std::unique_lock lock(held_mutex_);
      held_cv_.wait_for(lock, std::chrono::milliseconds(250),
                        [&] { return stop.stop_requested(); });
    }
  }
}

void BusConsumer::handle(natsMsg* raw, std::stop_token& stop) {
  std::shared_ptr<natsMsg> msg(raw, [](natsMsg* m) { natsMsg_Destroy(m); });
  uint64_t seq = 0, delivered = 1;
  {
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, raw) == NATS_OK) {
      seq = meta->Sequence.Stream;
      delivered = meta->NumDelivered;
      jsMsgMetaData_Destroy(meta);
    }
  }
  const char* id = nullptr;
  natsMsgHeader_Get(raw, kHeaderMsgId, &id);
  // A key the sender gave (a frame id) is the claim key: a retry published
  // again after the stream's duplicates window is still stored once. A
  // content hash is not: two equal requests are two requests.
  const std::string key = id != nullptr && *id != '\0' && std::strncmp(id, "sha256:", 7) != 0
                              ? std::string(id)
                              : fmt::format("seq:{}:{}", conn_.options().stream, seq);
  const char* data = natsMsg_GetData(raw);
  const size_t bytes = static_cast<size_t>(natsMsg_GetDataLength(raw));
  fetched_.fetch_add(1, std::memory_order_relaxed);
  if (delivered > 1) {
    redelivered_.fetch_add(1, std::memory_order_relaxed);
    if (ledger_ != nullptr) {
      auto stored = ledger_->was_delivered(key);
      if (stored.ok() && *stored) {
        natsMsg_Ack(raw, nullptr);
        already_stored_.fetch_add(1, std::memory_order_relaxed);
        acked_.fetch_add(1, std::memory_order_relaxed);
        return;
      }
    }
  }
  {
    std::lock_guard lock(held_mutex_);
    ++held_;
    held_bytes_ += bytes;
  }
  auto ack = std::make_shared<core::DeliveryAck>(key);
  ack->on_done([this, msg, bytes](bool ok) {
    if (ok) {
      natsMsg_Ack(msg.get(), nullptr);
    } else {
      natsMsg_NakWithDelay(msg.get(), 1000, nullptr);
    }
    settled(ok, bytes);
  });
  const engine::IngestSource source = source_of(natsMsg_GetSubject(raw));
  const uint32_t lines = header_number<uint32_t>(
      raw, kHeaderLines, static_cast<uint32_t>(std::count(data, data + bytes, '\n')));
  const int64_t received_us = header_number<int64_t>(raw, kHeaderReceivedUs, 0);
  fetched_lines_.fetch_add(lines, std::memory_order_relaxed);
  // A batch per attempt: offer() takes it whole (the text is the message's
  // own bytes, shared, not copied).
  auto make_batch = [&] {
    engine::IngestBatch batch;
    batch.text = core::Batch(std::shared_ptr<const void>(msg, data), data, bytes, {source, seq});
    batch.source = source;
    batch.lines = lines;
    batch.request_seq = seq;
    batch.received_us = received_us;
    batch.ack = ack;
    batch.from_bus = true;  // counted by the ingest node that took it
    return batch;
  };
  while (true) {
    switch (pipeline_.offer(make_batch())) {
      case core::OfferResult::kAccepted:
      case core::OfferResult::kDroppedNewest:
        return;
      case core::OfferResult::kRejected:
        // The pipeline is full: wait for it (this is the backpressure that
        // keeps messages on the bus rather than in memory).
        if (!stop.stop_requested()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
        [[fallthrough]];
      case core::OfferResult::kClosed:
        ack->release(false);  // nak: another processor (or this one, later) takes it
        return;
    }
  }
}

void BusConsumer::settled(bool ok, size_t bytes) {
  (ok ? acked_ : naked_).fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(held_mutex_);
    --held_;
    held_bytes_ -= bytes;
  }
  held_cv_.notify_all();
}

ConsumerProbe BusConsumer::probe() const {
  ConsumerProbe p;
  p.fetched = fetched_.load();
  p.fetched_lines = fetched_lines_.load();
  p.acked = acked_.load();
  p.naked = naked_.load();
  p.redelivered = redelivered_.load();
  p.already_stored = already_stored_.load();
  p.fetch_errors = fetch_errors_.load();
  {
    std::lock_guard lock(held_mutex_);
    p.held = held_;
    p.held_bytes = held_bytes_;
  }
  std::lock_guard lock(lag_mutex_);
  p.lag = lag_;
  p.lag_known = lag_known_;
  return p;
}

}  // namespace logstreamer::bus
