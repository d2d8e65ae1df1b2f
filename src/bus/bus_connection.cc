#include "bus/bus_connection.h"

#include <chrono>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace logstreamer::bus {
namespace {

constexpr int64_t kNsPerMs = 1000000;

std::string subjects_of(const BusOptions& o) { return o.subject_prefix + ".>"; }

}  // namespace

std::string describe_stream(const BusOptions& o) {
  return fmt::format(
      "stream {} (subjects {}, {} replica{}, file storage, work queue, max age {} s, "
      "max bytes {}, duplicates window {} s)",
      o.stream, subjects_of(o), o.replicas, o.replicas == 1 ? "" : "s", o.max_age.count() / 1000,
      o.max_bytes, o.dedupe_window.count() / 1000);
}

absl::StatusOr<std::unique_ptr<BusConnection>> BusConnection::connect(const BusOptions& options,
                                                                      bool need_consumer) {
  if (options.servers.empty()) return absl::InvalidArgumentError("--bus: no server given");
  std::unique_ptr<BusConnection> c(new BusConnection(options));
  natsOptions* raw_opts = nullptr;
  if (auto st = nats_status(natsOptions_Create(&raw_opts), "nats options"); !st.ok()) return st;
  c->opts_.reset(raw_opts);
  std::vector<const char*> urls;
  for (const std::string& s : options.servers) urls.push_back(s.c_str());
  natsOptions* o = c->opts_.get();
  if (auto st = nats_status(natsOptions_SetServers(o, urls.data(), static_cast<int>(urls.size())),
                            "--bus");
      !st.ok()) {
    return st;
  }
  // Once connected, never give up: a server restart or a failover is
  // routine in a cluster. (A first connection that fails is a start-up error.)
  natsOptions_SetMaxReconnect(o, -1);
  natsOptions_SetReconnectWait(o, 250);
  natsOptions_SetName(o, options.node.c_str());
  natsConnection* nc = nullptr;
  if (auto st = nats_status(
          natsConnection_Connect(&nc, o),
          fmt::format("cannot connect to the bus at {}", fmt::join(options.servers, ",")));
      !st.ok()) {
    return st;
  }
  c->nc_.reset(nc);
  jsCtx* js = nullptr;
  if (auto st = nats_status(natsConnection_JetStream(&js, nc, nullptr), "JetStream"); !st.ok())
    return st;
  c->js_.reset(js);
  // A node (re)started while the cluster elects a leader (a NATS server
  // restarting, as a supervisor restarts both) waits for JetStream rather
  // than exiting; anything else, or 30 s of it, is a start-up error.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int attempt = 0;; ++attempt) {
    absl::Status st = c->ensure_stream();
    if (st.ok() && need_consumer) st = c->ensure_consumer();
    if (st.ok()) break;
    if (!absl::IsUnavailable(st) || std::chrono::steady_clock::now() > deadline) return st;
    if (attempt % 10 == 0)
      spdlog::warn("bus: {}; waiting for JetStream", std::string(st.message()));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return c;
}

BusConnection::~BusConnection() {
  js_.reset();
  if (nc_) natsConnection_Close(nc_.get());
}

bool BusConnection::connected() const {
  return natsConnection_Status(nc_.get()) == NATS_CONN_STATUS_CONNECTED;
}

std::string BusConnection::connected_url() const {
  char buf[256] = {0};
  if (natsConnection_GetConnectedUrl(nc_.get(), buf, sizeof(buf)) != NATS_OK) return {};
  return buf;
}

absl::Status BusConnection::ensure_stream() {
  const BusOptions& o = options_;
  jsStreamInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&raw, js_.get(), o.stream.c_str(), nullptr, &code);
  NatsPtr<jsStreamInfo> info(raw);
  const std::string subjects = subjects_of(o);
  if (s == NATS_NOT_FOUND) {
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char* subj[] = {subjects.c_str()};
    cfg.Name = o.stream.c_str();
    cfg.Subjects = subj;
    cfg.SubjectsLen = 1;
    cfg.Retention = js_WorkQueuePolicy;  // a message leaves once a processor acknowledged it
    cfg.Storage = js_FileStorage;
    cfg.Replicas = o.replicas;
    cfg.MaxAge = o.max_age.count() * kNsPerMs;
    cfg.MaxBytes = o.max_bytes;
    cfg.Discard =
        js_DiscardNew;  // full: refuse new messages (senders get 503), never drop old ones
    cfg.Duplicates = o.dedupe_window.count() * kNsPerMs;
    raw = nullptr;
    s = js_AddStream(&raw, js_.get(), &cfg, nullptr, &code);
    info.reset(raw);
    if (s == NATS_OK) {
      spdlog::info("bus: created {}", describe_stream(o));
      return absl::OkStatus();
    }
    // Another node starting at the same moment may have made it first: check theirs.
    raw = nullptr;
    const natsStatus again = js_GetStreamInfo(&raw, js_.get(), o.stream.c_str(), nullptr, nullptr);
    info.reset(raw);
    if (again != NATS_OK)
      return nats_status(s, fmt::format("cannot create {}", describe_stream(o)), code);
    s = NATS_OK;
  }
  if (s != NATS_OK) return nats_status(s, fmt::format("stream {}", o.stream), code);
  const jsStreamConfig* have = info->Config;
  std::vector<std::string> diffs;
  if (have->Replicas != o.replicas)
    diffs.push_back(fmt::format("replicas {} (want {})", have->Replicas, o.replicas));
  if (have->MaxAge != o.max_age.count() * kNsPerMs) {
    diffs.push_back(fmt::format("max age {} s (want {} s)", have->MaxAge / 1000000000,
                                o.max_age.count() / 1000));
  }
  if (have->MaxBytes != o.max_bytes)
    diffs.push_back(fmt::format("max bytes {} (want {})", have->MaxBytes, o.max_bytes));
  if (have->Duplicates < o.dedupe_window.count() * kNsPerMs) {
    diffs.push_back(fmt::format("duplicates window {} s (want {} s)", have->Duplicates / 1000000000,
                                o.dedupe_window.count() / 1000));
  }
  if (have->Retention != js_WorkQueuePolicy) diffs.push_back("retention is not work queue");
  if (have->Storage != js_FileStorage) diffs.push_back("storage is not file");
  if (have->SubjectsLen != 1 || subjects != have->Subjects[0]) {
    diffs.push_back(fmt::format("subjects are not exactly {}", subjects));
  }
  if (!diffs.empty()) {
    return absl::FailedPreconditionError(
        fmt::format("stream {} exists with other settings: {}; change the flags (--bus-replicas, "
                    "--bus-max-age, --bus-max-bytes) or the stream (nats stream edit)",
                    o.stream, fmt::join(diffs, ", ")));
  }
  return absl::OkStatus();
}

absl::Status BusConnection::ensure_consumer() {
  const BusOptions& o = options_;
  jsConsumerConfig cfg;
  jsConsumerConfig_Init(&cfg);
  const std::string subjects = subjects_of(o);
  cfg.Durable = o.consumer.c_str();
  cfg.AckPolicy = js_AckExplicit;
  cfg.AckWait = o.ack_wait.count() * kNsPerMs;
  cfg.MaxAckPending = o.max_ack_pending;
  cfg.MaxDeliver = -1;  // a message is redelivered until a processor stores it
  cfg.FilterSubject = subjects.c_str();
  cfg.DeliverPolicy = js_DeliverAll;
  jsConsumerInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s =
      js_GetConsumerInfo(&raw, js_.get(), o.stream.c_str(), o.consumer.c_str(), nullptr, &code);
  NatsPtr<jsConsumerInfo> info(raw);
  if (s == NATS_NOT_FOUND) {
    raw = nullptr;
    s = js_AddConsumer(&raw, js_.get(), o.stream.c_str(), &cfg, nullptr, &code);
    info.reset(raw);
    // Another processor starting at the same moment may have made it first.
    if (s != NATS_OK) {
      raw = nullptr;
      s = js_GetConsumerInfo(&raw, js_.get(), o.stream.c_str(), o.consumer.c_str(), nullptr, &code);
      info.reset(raw);
    }
    if (s != NATS_OK)
      return nats_status(s, fmt::format("cannot create consumer {}", o.consumer), code);
    spdlog::info("bus: created consumer {} (ack wait {} ms, max ack pending {})", o.consumer,
                 o.ack_wait.count(), o.max_ack_pending);
    return absl::OkStatus();
  }
  if (s != NATS_OK) return nats_status(s, fmt::format("consumer {}", o.consumer), code);
  const jsConsumerConfig* have = info->Config;
  std::vector<std::string> diffs;
  if (have->AckPolicy != js_AckExplicit) diffs.push_back("acks are not explicit");
  if (have->MaxDeliver != -1)
    diffs.push_back(fmt::format("max deliver {} (want unlimited)", have->MaxDeliver));
  if (have->AckWait != cfg.AckWait) {
    diffs.push_back(
        fmt::format("ack wait {} ms (want {} ms)", have->AckWait / kNsPerMs, o.ack_wait.count()));
  }
  if (have->MaxAckPending != cfg.MaxAckPending) {
    diffs.push_back(
        fmt::format("max ack pending {} (want {})", have->MaxAckPending, o.max_ack_pending));
  }
  if (have->FilterSubject == nullptr || subjects != have->FilterSubject) {
    diffs.push_back(fmt::format("filter is not {}", subjects));
  }
  if (!diffs.empty()) {
    return absl::FailedPreconditionError(
        fmt::format("consumer {} on stream {} exists with other settings: {}; change the flags "
                    "(--bus-ack-wait, "
                    "--bus-max-ack-pending) or the consumer (nats consumer edit/rm)",
                    o.consumer, o.stream, fmt::join(diffs, ", ")));
  }
  return absl::OkStatus();
}

absl::StatusOr<BusConnection::Lag> BusConnection::consumer_lag() const {
  jsConsumerInfo* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = 1000;
  const natsStatus s = js_GetConsumerInfo(&raw, js_.get(), options_.stream.c_str(),
                                          options_.consumer.c_str(), &jo, &code);
  NatsPtr<jsConsumerInfo> info(raw);
  if (s != NATS_OK) return nats_status(s, "consumer info", code);
  return Lag{info->NumPending, info->NumAckPending, info->NumRedelivered};
}

}  // namespace logstreamer::bus
