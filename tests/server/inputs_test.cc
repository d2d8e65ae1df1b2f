// The HTTP inputs against a real pipeline (for the edge's malformed counts)
// and a scripted intake (to refuse a request, as a full queue or the bus
// does, and take its retry).
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/ingest_pipeline.h"
#include "server/auth.h"
#include "server/inputs/ingest_input.h"
#include "server/inputs/logplex_input.h"

namespace logstreamer::server {
namespace {

namespace http = boost::beast::http;

// Answers each offer with the next scripted result; counts what it took.
class ScriptedIntake final : public engine::BatchIntake {
 public:
  explicit ScriptedIntake(std::deque<core::OfferResult> answers) : answers_(std::move(answers)) {}
  core::OfferResult offer(engine::IngestBatch batch) override {
    const core::OfferResult r = answers_.front();
    answers_.pop_front();
    if (r == core::OfferResult::kAccepted) {
      taken_lines += batch.lines;
      if (batch.ack)
        held.push_back(batch.ack);  // --ack commit: its first hold, the test settles it
    }
    return r;
  }
  uint32_t taken_lines = 0;
  std::vector<core::AckPtr> held;

 private:
  std::deque<core::OfferResult> answers_;
};

class NoGate final : public IntakeGate {
 public:
  std::optional<Reply> decode_body(Request&) override { return std::nullopt; }
};

Request post(std::string target, std::string content_type, std::string body) {
  Request req{http::verb::post, target, 11};
  req.set(http::field::content_type, content_type);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

struct Fixture {
  explicit Fixture(std::deque<core::OfferResult> answers, AckMode mode = AckMode::kQueued)
      : intake(std::move(answers)) {
    engine::IngestOptions o;
    o.source_names = {"ingest", "logdrain"};
    pipeline = std::make_unique<engine::IngestPipeline>(o);
    ctx.pipeline = pipeline.get();
    ctx.intake = &intake;
    ctx.gate = &gate;
    ctx.auth = &auth;
    ctx.ack.mode = mode;
  }
  uint64_t malformed() const { return pipeline->summary().malformed; }

  ScriptedIntake intake;
  NoGate gate;
  Authenticator auth{Credentials{}};  // open: no drain-token allow-list
  std::unique_ptr<engine::IngestPipeline> pipeline;
  InputContext ctx;
};

// A request refused (429: the queue or the bus is full) comes again; its
// refused lines are counted when it is taken, once, not once per attempt.
TEST(HttpInputs, IngestCountsARefusedRequestsBadLinesOnceWhenARetryIsTaken) {
  Fixture f(
      {core::OfferResult::kRejected, core::OfferResult::kRejected, core::OfferResult::kAccepted});
  IngestInput input(f.ctx);
  input.set_source(0);
  const std::string body =
      "{\"level\":\"info\",\"msg\":\"a\"}\nnot json\n{\"level\":\"warn\",\"msg\":\"b\"}\n";
  for (int attempt = 0; attempt < 2; ++attempt) {
    Request req = post("/ingest", "application/x-ndjson", body);
    EXPECT_EQ(input.handle(req).response.result(), http::status::too_many_requests);
    EXPECT_EQ(f.malformed(), 0u) << "attempt " << attempt;
  }
  Request req = post("/ingest", "application/x-ndjson", body);
  const Reply taken = input.handle(req);
  EXPECT_EQ(taken.response.result(), http::status::accepted);
  EXPECT_EQ(taken.response.body(), R"({"accepted":2,"malformed":1})"
                                   "\n");
  EXPECT_EQ(f.intake.taken_lines, 2u);
  EXPECT_EQ(f.malformed(), 1u);
  // Its accepted and rejected lines, counted under the input's source.
  EXPECT_EQ(f.pipeline->counters().accepted_lines[0].load(), 2u);
  EXPECT_EQ(f.pipeline->counters().rejected_lines[0].load(), 4u);
}

TEST(HttpInputs, IngestWithOnlyBadLinesCountsThemWithoutOffering) {
  Fixture f({});  // an offer would find no answer: there must be none
  IngestInput input(f.ctx);
  input.set_source(0);
  Request req = post("/ingest", "application/x-ndjson", "nope\n[1,2]\n");
  EXPECT_EQ(input.handle(req).response.result(), http::status::accepted);
  EXPECT_EQ(f.malformed(), 2u);
}

TEST(HttpInputs, LogplexCountsARefusedBodysBrokenFramingOnceWhenARetryIsTaken) {
  Fixture f({core::OfferResult::kRejected, core::OfferResult::kAccepted});
  LogplexInput input(f.ctx);
  input.set_source(1);
  const std::string good = "<190>1 2024-01-20T10:00:00+00:00 host app web.1 - hello";
  // One whole frame, then a tail whose length prefix is not a number.
  const std::string body = std::to_string(good.size() + 1) + " " + good + "\nxx broken tail";
  Request first = post("/logdrains", "application/logplex-1", body);
  first.set("Logplex-Frame-Id", "frame-1");
  EXPECT_EQ(input.handle(first).response.result(), http::status::too_many_requests);
  EXPECT_EQ(f.malformed(), 0u);
  Request retry = post("/logdrains", "application/logplex-1", body);
  retry.set("Logplex-Frame-Id", "frame-1");
  const Reply taken = input.handle(retry);
  EXPECT_EQ(taken.response.result(), http::status::ok);
  EXPECT_EQ(taken.response.body(), R"({"accepted":1,"malformed":1})"
                                   "\n");
  EXPECT_EQ(f.malformed(), 1u);
}

// With --ack commit a request counts as taken when its lines are committed:
// one whose commit fails is answered 503 and comes again, so its refused
// lines wait for the commit.
TEST(HttpInputs, WithAckCommitRefusedLinesCountWhenTheCommitSucceeds) {
  Fixture f({core::OfferResult::kAccepted, core::OfferResult::kAccepted}, AckMode::kCommit);
  IngestInput input(f.ctx);
  input.set_source(0);
  const std::string body = "{\"msg\":\"a\"}\nnot json\n";
  Request first = post("/ingest", "application/x-ndjson", body);
  ASSERT_NE(input.handle(first).pending, nullptr);  // the answer waits for the commit
  ASSERT_EQ(f.intake.held.size(), 1u);
  EXPECT_EQ(f.malformed(), 0u);
  f.intake.held[0]->release(false);  // the commit failed: 503, the sender retries
  EXPECT_EQ(f.malformed(), 0u);
  Request retry = post("/ingest", "application/x-ndjson", body);
  ASSERT_NE(input.handle(retry).pending, nullptr);
  ASSERT_EQ(f.intake.held.size(), 2u);
  EXPECT_EQ(f.malformed(), 0u);
  f.intake.held[1]->release(true);  // committed
  EXPECT_EQ(f.malformed(), 1u);
}

}  // namespace
}  // namespace logstreamer::server
