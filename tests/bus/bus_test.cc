// The bus halves against a real nats-server: what the publisher answers,
// what the consumer hands the pipeline, and how the stream is checked.
// The whole-binary tests (tests/integration/serve_bus_*) add PostgreSQL,
// several nodes and kills; these run under TSan too.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "bus/bus_connection.h"
#include "bus/bus_consumer.h"
#include "bus/bus_publisher.h"
#include "bus/cluster_nodes.h"
#include "bus/nats_server_fixture.h"
#include "bus/window_codec.h"
#include "bus/window_sharing.h"
#include "core/wall_clock.h"
#include "engine/ingest_pipeline.h"
#include "sinks/pg_claims.h"

namespace logstreamer::bus {
namespace {

using namespace std::chrono_literals;

// A durable output that "commits" at once: holds each ack for the push and
// releases it, and keeps the parts it saw (keys, rows, lines summarised).
class CaptureSink final : public sinks::RowSink {
 public:
  void push(sinks::RowBatch rows) override {
    std::lock_guard lock(mutex_);
    aggregate::Summary counted;
    sinks::merge_round_summaries(rows, counted);  // what a transaction claiming all would store
    lines_ += counted.total_lines();
    for (const auto& part : rows.parts) {
      keys_.insert(part.key);
      ++parts_;
      // The text the store would count again if only this part were claimed.
      aggregate::Summary alone;
      sinks::recount({&part}, alone);
      recounted_lines_ += alone.total_lines();
    }
    for (const auto& ack : rows.acks) {
      ack->add_hold();
      ack->release(true);
    }
    cv_.notify_all();
  }
  bool wait_parts(size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 30s, [&] { return parts_ >= n; });
  }
  std::set<std::string> keys() {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  uint64_t lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  uint64_t recounted_lines() {
    std::lock_guard lock(mutex_);
    return recounted_lines_;
  }
  size_t parts() {
    std::lock_guard lock(mutex_);
    return parts_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::set<std::string> keys_;
  size_t parts_ = 0;
  uint64_t lines_ = 0;
  uint64_t recounted_lines_ = 0;
};

BusOptions options_for(const testing::NatsServer& server) {
  BusOptions o;
  o.servers = {server.url()};
  o.node = "test";
  o.ack_wait = 2000ms;
  return o;
}

// Offers `lines` lines as one batch with key `key` (empty: none) and returns
// the ack, whose outcome `done` receives.
struct Offered {
  core::AckPtr ack;
  std::shared_ptr<std::atomic<int>> outcome = std::make_shared<std::atomic<int>>(-1);
};
Offered offer(BusPublisher& pub, const std::string& key, int lines,
              core::OfferResult* result = nullptr) {
  auto text = std::make_shared<std::string>();
  for (int i = 0; i < lines; ++i)
    *text +=
        "2024-01-20 10:00:0" + std::to_string(i % 10) + " INFO line " + std::to_string(i) + "\n";
  Offered o;
  o.ack = std::make_shared<core::DeliveryAck>(key);
  o.ack->on_done([outcome = o.outcome](bool ok) { outcome->store(ok ? 1 : 0); });
  engine::IngestBatch b;
  const char* data = text->data();
  const size_t size = text->size();
  b.text = core::Batch(std::shared_ptr<const void>(text), data, size, {0, 0});
  b.lines = static_cast<uint32_t>(lines);
  b.ack = o.ack;
  const core::OfferResult r = pub.offer(std::move(b));
  if (result != nullptr) *result = r;
  return o;
}

bool wait_until(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(Bus, PublishedRequestsAreAcknowledgedOnceStoredAndProcessedOnceEach) {
  testing::NatsServer server;
  ASSERT_TRUE(server.running());
  auto conn = BusConnection::connect(options_for(server), /*need_consumer=*/true);
  ASSERT_TRUE(conn.ok()) << conn.status();
  BusPublisher pub(**conn, {"logdrain"}, {});
  ASSERT_TRUE(pub.start().ok());

  // From several threads at once, as the HTTP I/O threads offer.
  std::vector<Offered> offered(60);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 60; i += 3) offered[i] = offer(pub, "frame-" + std::to_string(i), 10);
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(wait_until([&] {
    for (const auto& o : offered) {
      if (o.outcome->load() < 0) return false;
    }
    return true;
  }));
  for (const auto& o : offered) EXPECT_EQ(o.outcome->load(), 1);
  // A retry with a key already stored: acknowledged as a duplicate, stored once.
  Offered retry = offer(pub, "frame-7", 10);
  ASSERT_TRUE(wait_until([&] { return retry.outcome->load() >= 0; }));
  EXPECT_EQ(retry.outcome->load(), 1);
  const PublisherProbe p = pub.probe();
  EXPECT_EQ(p.messages, 61u);
  EXPECT_EQ(p.duplicates, 1u);
  EXPECT_EQ(p.lines, 610u);
  EXPECT_EQ(p.inflight, 0u);
  EXPECT_EQ(p.inflight_bytes, 0u);
  EXPECT_GT(p.latency_count, 0u);

  CaptureSink sink;
  engine::IngestOptions io;
  io.claim_parts = true;
  io.source_names = {"logdrain"};
  engine::IngestPipeline pipeline(io, {&sink});
  pipeline.start();
  BusConsumer consumer(**conn, pipeline, {"logdrain"}, nullptr, {});
  ASSERT_TRUE(consumer.start().ok());
  ASSERT_TRUE(sink.wait_parts(60));
  ASSERT_TRUE(wait_until([&] { return consumer.probe().acked == 60; }));
  consumer.stop();
  pipeline.close();
  EXPECT_EQ(sink.parts(), 60u);
  EXPECT_EQ(sink.keys().size(), 60u);  // each message once, by its frame id
  EXPECT_TRUE(sink.keys().contains("frame-0"));
  EXPECT_EQ(sink.lines(), 600u);
  EXPECT_EQ(sink.recounted_lines(), 600u);  // each message's text, counted alone, adds up the same
  pub.close(std::chrono::steady_clock::now() + 5s);
}

TEST(Bus, ABodyOverTheServersMaxPayloadGoesInPartsAndTheAckWaitsForAll) {
  testing::NatsServer server("max_payload: 4096");
  ASSERT_TRUE(server.running());
  auto conn = BusConnection::connect(options_for(server), true);
  ASSERT_TRUE(conn.ok()) << conn.status();
  BusPublisher pub(**conn, {"logdrain"}, {});
  ASSERT_TRUE(pub.start().ok());
  Offered big = offer(pub, "big", 400);  // ~12 KB of lines
  ASSERT_TRUE(wait_until([&] { return big.outcome->load() >= 0; }));
  EXPECT_EQ(big.outcome->load(), 1);
  EXPECT_GE(pub.probe().messages, 4u);
  EXPECT_EQ(pub.probe().lines, 400u);

  CaptureSink sink;
  engine::IngestOptions io;
  io.claim_parts = true;
  engine::IngestPipeline pipeline(io, {&sink});
  pipeline.start();
  BusConsumer consumer(**conn, pipeline, {"logdrain"}, nullptr, {});
  ASSERT_TRUE(consumer.start().ok());
  ASSERT_TRUE(wait_until([&] { return sink.lines() == 400; }));
  consumer.stop();
  pipeline.close();
  for (const std::string& k : sink.keys()) EXPECT_EQ(k.rfind("big#", 0), 0u) << k;
  EXPECT_EQ(sink.keys().size(), pub.probe().messages);
}

TEST(Bus, AFullStreamRefusesAndTheRequestsAckFails) {
  testing::NatsServer server;
  ASSERT_TRUE(server.running());
  BusOptions o = options_for(server);
  o.max_bytes = 16 * 1024;  // a few requests' worth; nothing consumes them
  auto conn = BusConnection::connect(o, false);
  ASSERT_TRUE(conn.ok()) << conn.status();
  BusPublisher pub(**conn, {"logdrain"}, {});
  ASSERT_TRUE(pub.start().ok());
  std::vector<Offered> offered;
  for (int i = 0; i < 20; ++i) offered.push_back(offer(pub, "full-" + std::to_string(i), 40));
  ASSERT_TRUE(wait_until([&] {
    for (const auto& x : offered) {
      if (x.outcome->load() < 0) return false;
    }
    return true;
  }));
  int stored = 0, refused = 0;
  for (const auto& x : offered) (x.outcome->load() == 1 ? stored : refused)++;
  EXPECT_GT(stored, 0);
  EXPECT_GT(refused, 0);  // discard new: the sender hears 503 and retries later
  EXPECT_EQ(pub.probe().failures, static_cast<uint64_t>(refused));
  EXPECT_EQ(pub.probe().inflight_bytes, 0u);
}

TEST(Bus, AStreamMadeWithOtherSettingsIsAStartUpErrorThatNamesThem) {
  testing::NatsServer server;
  ASSERT_TRUE(server.running());
  BusOptions o = options_for(server);
  ASSERT_TRUE(BusConnection::connect(o, false).ok());
  o.max_bytes = 12345678;
  auto again = BusConnection::connect(o, false);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(std::string(again.status().message()).find("max bytes"), std::string::npos)
      << again.status();
  o.max_bytes = options_for(server).max_bytes;
  ASSERT_TRUE(BusConnection::connect(o, true).ok());  // makes the consumer
  o.ack_wait = 9000ms;
  auto consumer = BusConnection::connect(o, true);
  ASSERT_FALSE(consumer.ok());
  EXPECT_NE(std::string(consumer.status().message()).find("ack wait 2000 ms (want 9000 ms)"),
            std::string::npos)
      << consumer.status();
  BusOptions nobody;
  nobody.servers = {"nats://127.0.0.1:" + std::to_string(testing::free_port())};
  auto refused = BusConnection::connect(nobody, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(std::string(refused.status().message()).find("cannot connect to the bus"),
            std::string::npos)
      << refused.status();
}

TEST(Bus, NodesHearEachOthersHeartbeats) {
  testing::NatsServer server;
  ASSERT_TRUE(server.running());
  auto conn = BusConnection::connect(options_for(server), false);
  ASSERT_TRUE(conn.ok()) << conn.status();
  ClusterNodes a(
      **conn, "a", [] { return std::string(R"({"node":"a","lines_per_second":10})"); }, 50ms);
  ClusterNodes b(
      **conn, "b", [] { return std::string(R"({"node":"b","lines_per_second":32})"); }, 50ms);
  ASSERT_TRUE(a.start().ok());
  ASSERT_TRUE(b.start().ok());
  ASSERT_TRUE(wait_until([&] { return a.live_nodes() == 2 && b.live_nodes() == 2; }));
  EXPECT_DOUBLE_EQ(a.sum("lines_per_second"), 42);
  const std::string json = b.nodes_json();
  EXPECT_NE(json.find(R"("node":"a")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("age_ms":)"), std::string::npos) << json;
  a.stop();
  b.stop();
}

TEST(Bus, ProcessorsLiveWindowsReachTheOtherNodesButNotThemselvesTwice) {
  testing::NatsServer server;
  ASSERT_TRUE(server.running());
  auto conn = BusConnection::connect(options_for(server), false);
  ASSERT_TRUE(conn.ok()) << conn.status();
  engine::IngestPipeline here({}), there({});
  WindowSharing share_here(**conn, "here"), share_there(**conn, "there");
  ASSERT_TRUE(share_here.start(here).ok());
  ASSERT_TRUE(share_there.start(there).ok());
  const int64_t now_s = core::unix_now_us() / 1000000;
  // Workers report from several threads at once.
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        aggregate::WindowSlot slot;
        slot.epoch = aggregate::LiveWindows::epoch_of(now_s);
        slot.lines = 2;
        share_here.on_window(slot, {{1, 0, "ERROR", "web", "boom"}});
      }
    });
  }
  for (auto& w : workers) w.join();
  // A delta's slots are merged before its errors: wait for both.
  ASSERT_TRUE(wait_until([&] {
    return there.windows().window(now_s, 60).lines == 200 && !there.windows().recent_errors().empty();
  }));
  share_here.stop();
  share_there.stop();
  // Its own deltas are not merged again where they came from.
  EXPECT_EQ(here.windows().window(now_s, 60).lines, 0u);
  EXPECT_GE(share_there.deltas_received(), 1u);
  EXPECT_EQ(share_here.deltas_received(), 0u);
}

TEST(WindowCodec, ADeltaMergesOnTheOtherSideAsItWouldHere) {
  aggregate::WindowSlot a;
  a.epoch = 123;
  a.lines = 10;
  a.malformed = 1;
  a.requests = 4;
  a.errors = 1;
  a.levels[3] = 7;
  a.status_classes[5] = 1;
  a.response_buckets[2] = 3;
  a.methods.add("GET", 4);
  a.paths.add("/a b\"c", 2);
  for (double ms : {5.0, 17.0, 230.0, 0.0}) a.response_ms.add(ms);
  a.dynos["web.1"].requests = 3;
  a.dynos["web.1"].response_ms.add(42);
  WindowDelta delta{{a}, {{1, 2, "ERROR", "web", "boom \"quoted\""}}};
  auto back = decode_window_delta(encode_window_delta(delta));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->slots.size(), 1u);
  const aggregate::WindowSlot& b = back->slots[0];
  EXPECT_EQ(b.epoch, 123);
  EXPECT_EQ(b.lines, 10u);
  EXPECT_EQ(b.malformed, 1u);
  EXPECT_EQ(b.levels, a.levels);
  EXPECT_EQ(b.status_classes, a.status_classes);
  EXPECT_EQ(b.response_buckets, a.response_buckets);
  EXPECT_EQ(b.methods.get("GET"), 4u);
  EXPECT_EQ(b.paths.get("/a b\"c"), 2u);
  EXPECT_EQ(b.response_ms.count(), 4u);
  EXPECT_DOUBLE_EQ(b.response_ms.quantile(0.5), a.response_ms.quantile(0.5));
  EXPECT_EQ(b.dynos.at("web.1").requests, 3u);
  EXPECT_EQ(b.dynos.at("web.1").response_ms.count(), 1u);
  ASSERT_EQ(back->errors.size(), 1u);
  EXPECT_EQ(back->errors[0].message, "boom \"quoted\"");
  EXPECT_FALSE(decode_window_delta("not json").ok());
}

}  // namespace
}  // namespace logstreamer::bus
