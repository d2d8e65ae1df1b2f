// Alerts, Prometheus text, gunzip and the live windows behind /api/stats.
#include <zlib.h>

#include <gtest/gtest.h>

#include "aggregate/live_windows.h"
#include "server/alerts.h"
#include "server/gunzip.h"
#include "server/inputs/acknowledger.h"
#include "server/json_writer.h"
#include "server/prometheus_text.h"

namespace logstreamer::server {
namespace {

std::string gzip(std::string_view in) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

parse::LogRecord request(int status, double ms, std::string_view dyno = "web.1") {
  parse::LogRecord r;
  r.http.present = true;
  r.http.status = status;
  r.http.method = "GET";
  r.http.path = "/x";
  r.http.dyno = dyno;
  r.http.has_duration = true;
  r.http.duration_ms = ms;
  return r;
}

TEST(Gunzip, InflatesWithinTheBoundOnly) {
  const std::string text(100000, 'a');
  std::string out;
  EXPECT_EQ(gunzip_bounded(gzip(text), 200000, out), GunzipResult::kOk);
  EXPECT_EQ(out, text);
  EXPECT_EQ(gunzip_bounded(gzip(text), 50000, out), GunzipResult::kTooLarge);
  EXPECT_EQ(gunzip_bounded("definitely not gzip", 1000, out), GunzipResult::kCorrupt);
  std::string truncated = gzip(text);
  truncated.resize(truncated.size() / 2);
  EXPECT_EQ(gunzip_bounded(truncated, 200000, out), GunzipResult::kCorrupt);
}

TEST(LiveWindows, WindowsMergeRecentSlotsOnly) {
  aggregate::LiveWindows w;
  const int64_t now = 1700000000;
  for (int64_t ago : {0, 30, 200, 1000}) {
    aggregate::WindowSlot s;
    s.epoch = aggregate::LiveWindows::epoch_of(now - ago);
    s.add(request(200, 10), 1000);
    w.merge(s);
  }
  EXPECT_EQ(w.window(now, 60).requests, 2u);
  EXPECT_EQ(w.window(now, 300).requests, 3u);
  EXPECT_EQ(w.window(now, 3600).requests, 4u);
  EXPECT_EQ(w.totals().requests, 4u);
  const auto series = w.series(now, 60);
  EXPECT_EQ(series.size(), 12u);
  EXPECT_EQ(series.back().requests, 1u);
}

TEST(LiveWindows, SlotsCountErrorsSlowRequestsAndDynos) {
  aggregate::WindowSlot s;
  s.epoch = 1;
  s.add(request(200, 5), 1000);
  s.add(request(503, 2000, "web.2"), 1000);
  parse::LogRecord h12 = request(503, 30000, "web.2");
  h12.http.error_code = "H12";
  s.add(h12, 1000);
  EXPECT_EQ(s.requests, 3u);
  EXPECT_EQ(s.errors, 2u);
  EXPECT_EQ(s.slow, 2u);
  EXPECT_EQ(s.status_classes[5], 2u);
  EXPECT_EQ(s.dynos.at("web.2").errors, 2u);
  EXPECT_EQ(s.response_buckets[0], 1u);  // 5 ms <= 5
}

TEST(Alerts, RaiseEscalateAndResolve) {
  AlertRules rules;
  rules.min_requests = 10;
  AlertTracker t(rules);
  aggregate::WindowSlot w;
  for (int i = 0; i < 94; ++i) w.add(request(200, 10), 1000);
  for (int i = 0; i < 6; ++i) w.add(request(500, 10), 1000);  // 6% errors
  t.evaluate(w, 1);
  ASSERT_EQ(t.active().size(), 1u);
  EXPECT_EQ(t.active()[0].name, "error_rate");
  EXPECT_EQ(t.active()[0].severity, "warning");
  for (int i = 0; i < 10; ++i) w.add(request(500, 10), 1000);  // 16/110 = 14.5%
  t.evaluate(w, 2);
  ASSERT_EQ(t.active().size(), 1u);
  EXPECT_EQ(t.active()[0].severity, "critical");
  aggregate::WindowSlot healthy;
  for (int i = 0; i < 100; ++i) healthy.add(request(200, 10), 1000);
  t.evaluate(healthy, 3);
  EXPECT_TRUE(t.active().empty());
  ASSERT_EQ(t.resolved().size(), 1u);
  EXPECT_EQ(t.resolved()[0].resolved_us, 3);
}

TEST(Alerts, SlowP95AndTooFewRequests) {
  AlertRules rules;
  rules.min_requests = 10;
  AlertTracker t(rules);
  aggregate::WindowSlot few;
  for (int i = 0; i < 5; ++i) few.add(request(500, 9000), 1000);
  t.evaluate(few, 1);
  EXPECT_TRUE(t.active().empty());  // 5 requests: no verdict
  aggregate::WindowSlot slow;
  for (int i = 0; i < 20; ++i) slow.add(request(200, 3000), 1000);
  t.evaluate(slow, 2);
  ASSERT_EQ(t.active().size(), 1u);
  EXPECT_EQ(t.active()[0].name, "p95_latency");
  EXPECT_EQ(t.active()[0].severity, "warning");
}

TEST(PrometheusText, FamiliesLabelsAndEscaping) {
  PrometheusText p;
  p.family("x_requests", "counter", "Requests.");
  p.sample("_total", {{"path", "a\"b\\c\nd"}}, 3);
  p.family("x_ratio", "gauge", "A ratio.");
  p.sample("", 0.25);
  p.sample("", std::numeric_limits<double>::infinity());
  EXPECT_EQ(p.str(),
            "# HELP x_requests_total Requests.\n# TYPE x_requests_total counter\n"
            "x_requests_total{path=\"a\\\"b\\\\c\\nd\"} 3\n"
            "# HELP x_ratio A ratio.\n# TYPE x_ratio gauge\nx_ratio 0.25\nx_ratio +Inf\n");
}

TEST(JsonWriter, PlacesCommasAndEscapes) {
  JsonWriter w;
  w.begin_object().field("a", uint64_t{1}).key("b").begin_array().value("x\"y").value(2.5).null().end_array();
  w.field("c", std::numeric_limits<double>::quiet_NaN()).end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x\"y",2.5,null],"c":null})");
}

}  // namespace
}  // namespace logstreamer::server

namespace logstreamer::server {
namespace {

// A ledger whose database is away, or that knows one key.
class FakeLedger final : public sinks::DeliveryLedger {
 public:
  bool down = false;
  absl::StatusOr<bool> was_delivered(std::string_view key) override {
    if (down) return absl::UnavailableError("postgres: not connected");
    return key == "stored-before-restart";
  }
};

// With --ack commit a key whose fate the ledger cannot tell is refused with
// a retry (storing it again could store it twice); a key the ledger knows
// is a duplicate; a new key is claimed.
TEST(Acknowledger, RetriesWhenTheLedgerCannotTellAndNeverStoresTwice) {
  FakeLedger ledger;
  AckOptions options;
  options.mode = AckMode::kCommit;
  options.ledger = &ledger;
  Acknowledger acks(options);
  const Response duplicate{boost::beast::http::status::ok, 11};
  ledger.down = true;
  auto reply = acks.check_key("frame-1", duplicate);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->response.result(), boost::beast::http::status::service_unavailable);
  EXPECT_FALSE(reply->response[boost::beast::http::field::retry_after].empty());
  ledger.down = false;
  EXPECT_FALSE(acks.check_key("frame-1", duplicate).has_value());  // released: new now
  auto known = acks.check_key("stored-before-restart", duplicate);
  ASSERT_TRUE(known.has_value());
  EXPECT_EQ(known->response.result(), boost::beast::http::status::ok);
}

}  // namespace
}  // namespace logstreamer::server
