#include "server/auth.h"

#include <gtest/gtest.h>

#include "server/frame_dedupe.h"
#include "server/rate_limiter.h"

namespace logstreamer::server {
namespace {

TEST(Auth, Base64DecodesWithAndWithoutPadding) {
  std::string out;
  ASSERT_TRUE(base64_decode("dXNlcjpwYXNz", out));  // user:pass
  EXPECT_EQ(out, "user:pass");
  ASSERT_TRUE(base64_decode("YTpi", out));
  EXPECT_EQ(out, "a:b");
  ASSERT_TRUE(base64_decode("YWI6Yw==", out));
  EXPECT_EQ(out, "ab:c");
  EXPECT_FALSE(base64_decode("not base64!", out));
  EXPECT_FALSE(base64_decode("", out));
}

TEST(Auth, ConstantTimeEqualComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(Auth, WriterNeedsBasicOrBearerWhenConfigured) {
  Authenticator open({});
  EXPECT_EQ(open.check_writer(""), AuthResult::kAllowed);

  Authenticator a({{"user:pass"}, {"tok1", "tok2"}, {}, {}});
  EXPECT_EQ(a.check_writer(""), AuthResult::kMissing);
  EXPECT_EQ(a.check_writer("Basic dXNlcjpwYXNz"), AuthResult::kAllowed);
  EXPECT_EQ(a.check_writer("basic dXNlcjpwYXNz"), AuthResult::kAllowed);
  EXPECT_EQ(a.check_writer("Basic dXNlcjpwYXNx"), AuthResult::kWrong);
  EXPECT_EQ(a.check_writer("Bearer tok2"), AuthResult::kAllowed);
  EXPECT_EQ(a.check_writer("Bearer tok3"), AuthResult::kWrong);
  EXPECT_EQ(a.check_writer("Digest x"), AuthResult::kWrong);
}

TEST(Auth, DrainTokenAllowList) {
  Authenticator any({});
  EXPECT_TRUE(any.drain_token_allowed("d.anything"));
  Authenticator listed({{}, {}, {"d.1"}, {}});
  EXPECT_TRUE(listed.drain_token_allowed("d.1"));
  EXPECT_FALSE(listed.drain_token_allowed("d.2"));
  EXPECT_FALSE(listed.drain_token_allowed(""));
}

TEST(Auth, ReaderKeyFromHeaderOrQuery) {
  Authenticator a({{}, {}, {}, {"k1"}});
  std::string key;
  EXPECT_EQ(a.check_reader("", "", "", key), AuthResult::kMissing);
  EXPECT_EQ(a.check_reader("Bearer k1", "", "", key), AuthResult::kAllowed);
  EXPECT_EQ(key, "k1");
  EXPECT_EQ(a.check_reader("", "k1", "", key), AuthResult::kAllowed);
  EXPECT_EQ(a.check_reader("", "", "k1", key), AuthResult::kAllowed);
  EXPECT_EQ(a.check_reader("", "", "k2", key), AuthResult::kWrong);
}

TEST(RateLimiter, AllowsBurstThenAsksToRetry) {
  RateLimiter rl(/*rate=*/2, /*burst=*/3);
  const auto t0 = RateLimiter::Clock::now();
  EXPECT_EQ(rl.acquire("k", t0), 0);
  EXPECT_EQ(rl.acquire("k", t0), 0);
  EXPECT_EQ(rl.acquire("k", t0), 0);
  EXPECT_GE(rl.acquire("k", t0), 1);           // burst used up
  EXPECT_EQ(rl.acquire("other", t0), 0);       // buckets are per key
  EXPECT_EQ(rl.acquire("k", t0 + std::chrono::milliseconds(600)), 0);  // refilled 1.2 tokens
}

TEST(FrameDedupe, ClaimsOnceReleasesOnFailureAndForgetsOldest) {
  using Claim = FrameDedupe::Claim;
  FrameDedupe d(3);
  EXPECT_EQ(d.claim("a"), Claim::kNew);
  EXPECT_EQ(d.claim("a"), Claim::kInFlight);  // a retry while the first is handled
  d.release("a");
  EXPECT_EQ(d.claim("a"), Claim::kNew);  // a failed request may be retried
  d.mark_done("a");
  EXPECT_EQ(d.claim("a"), Claim::kDone);  // acknowledged: a duplicate
  EXPECT_EQ(d.claim("b"), Claim::kNew);
  EXPECT_EQ(d.claim("c"), Claim::kNew);
  EXPECT_EQ(d.claim("d"), Claim::kNew);  // evicts "a"
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.claim("a"), Claim::kNew);
  EXPECT_EQ(d.claim("d"), Claim::kInFlight);
}

}  // namespace
}  // namespace logstreamer::server
