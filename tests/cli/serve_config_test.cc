#include "cli/serve_config.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <tuple>

#include <gtest/gtest.h>

namespace logstreamer::cli {
namespace {

std::string write_toml(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("ls-config-" + std::to_string(::getpid()) + "-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(FlagValues, OneDurationGrammarWithTheFlagsBareUnit) {
  using std::chrono::microseconds;
  EXPECT_EQ(parse_duration_us("2s"), microseconds(2'000'000));
  EXPECT_EQ(parse_duration_us("2"), microseconds(2'000'000));
  EXPECT_EQ(parse_duration_us("2", BareUnit::kMilliseconds), microseconds(2'000));
  EXPECT_EQ(parse_duration_us("0.5ms", BareUnit::kMilliseconds), microseconds(500));
  EXPECT_EQ(parse_duration_us("250us"), microseconds(250));
  EXPECT_EQ(parse_duration_us("1m"), microseconds(60'000'000));
  EXPECT_EQ(parse_duration_us("0"), microseconds(0));
  for (const char* bad : {"", "-1s", "5 weeks", "5w", "s", "nan", "inf", "1e300s", "2s "}) {
    EXPECT_EQ(parse_duration_us(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(format_duration(microseconds(1'500'000)), "1500ms");
  EXPECT_EQ(format_duration(microseconds(60'000'000)), "1m");
  EXPECT_EQ(format_duration(microseconds(1'000)), "1ms");
  EXPECT_EQ(format_duration(microseconds(0)), "0");
}

TEST(ServeConfig, DurationsAndSizes) {
  std::chrono::milliseconds ms{};
  EXPECT_TRUE(parse_duration("500ms", ms));
  EXPECT_EQ(ms.count(), 500);
  EXPECT_TRUE(parse_duration("7d", ms));
  EXPECT_EQ(ms.count(), 7LL * 86400000);
  EXPECT_TRUE(parse_duration("1.5s", ms));
  EXPECT_EQ(ms.count(), 1500);
  EXPECT_FALSE(parse_duration("soon", ms));
  EXPECT_FALSE(parse_duration("5 weeks", ms));
  size_t n = 0;
  EXPECT_TRUE(parse_size("8MiB", n));
  EXPECT_EQ(n, 8u << 20);
  EXPECT_TRUE(parse_size("1000", n));
  EXPECT_EQ(n, 1000u);
  EXPECT_FALSE(parse_size("lots", n));
}

TEST(ServeConfig, TomlThenEnvThenFlagsWin) {
  ServeFlags flags;
  flags.config_file = write_toml(
      "listen = \"127.0.0.1:9000\"\nqueue_lines = 1234\npolicy = \"drop_newest\"\nauth = [\"a:b\", \"c:d\"]\n"
      "retention = \"2d\"\nalert_error_rate_warning = 0.02\n");
  ::setenv("LOGSTREAMER_QUEUE_LINES", "5678", 1);
  flags.given["policy"] = {"block"};
  ServeConfig c;
  const absl::Status st = resolve_serve_config(flags, c);
  ::unsetenv("LOGSTREAMER_QUEUE_LINES");
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(c.listen, "127.0.0.1:9000");
  EXPECT_EQ(c.queue_lines, 5678u);  // env over TOML
  EXPECT_EQ(c.policy, core::FullPolicy::kBlock);  // flag over TOML
  EXPECT_EQ(c.auth, (std::vector<std::string>{"a:b", "c:d"}));
  EXPECT_EQ(c.retention.count(), 2LL * 86400000);
  EXPECT_DOUBLE_EQ(c.alert_error_rate_warning, 0.02);
  std::filesystem::remove(flags.config_file);
}

TEST(ServeConfig, PortFromThePlatformUnlessListenIsGiven) {
  ::setenv("PORT", "5005", 1);
  ServeFlags flags;
  ServeConfig c;
  ASSERT_TRUE(resolve_serve_config(flags, c).ok());
  EXPECT_EQ(c.listen, "0.0.0.0:5005");
  flags.given["listen"] = {"127.0.0.1:7000"};
  ServeConfig d;
  ASSERT_TRUE(resolve_serve_config(flags, d).ok());
  EXPECT_EQ(d.listen, "127.0.0.1:7000");  // a flag wins
  ::setenv("PORT", "http", 1);
  ServeConfig e;
  const absl::Status st = resolve_serve_config(ServeFlags{}, e);
  ::unsetenv("PORT");
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find("PORT"), std::string::npos) << st;
}

TEST(ServeConfig, DatabaseUrlFromThePlatformUnlessDbIsGiven) {
  ::setenv("DATABASE_URL", "postgres://u:p@db.internal:5432/logs?sslmode=require", 1);
  ServeConfig c;
  ASSERT_TRUE(resolve_serve_config(ServeFlags{}, c).ok());
  EXPECT_EQ(c.db, "postgres://u:p@db.internal:5432/logs?sslmode=require");
  EXPECT_EQ(c.ack, "commit");
  ::setenv("LOGSTREAMER_DB", "local.db", 1);
  ServeConfig d;
  ASSERT_TRUE(resolve_serve_config(ServeFlags{}, d).ok());
  EXPECT_EQ(d.db, "local.db");  // logstreamer's own setting wins
  ::unsetenv("LOGSTREAMER_DB");
  ServeFlags flags;
  flags.given["db"] = {"none"};
  flags.given["ack"] = {"queued"};
  ServeConfig e;
  ASSERT_TRUE(resolve_serve_config(flags, e).ok());
  ::unsetenv("DATABASE_URL");
  EXPECT_EQ(e.db, "none");  // and so does a flag
}

TEST(ServeConfig, AckCommitNeedsADatabaseAndIsTheDefaultWithOne) {
  ServeFlags flags;
  ServeConfig c;
  ASSERT_TRUE(resolve_serve_config(flags, c).ok());
  EXPECT_EQ(c.ack, "commit");  // the default db is a SQLite file
  flags.given["db"] = {"none"};
  ServeConfig d;
  ASSERT_TRUE(resolve_serve_config(flags, d).ok());
  EXPECT_EQ(d.ack, "queued");
  flags.given["ack"] = {"commit"};
  ServeConfig e;
  const absl::Status st = resolve_serve_config(flags, e);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find("needs a database"), std::string::npos) << st;
  ServeFlags drop;
  drop.given["policy"] = {"drop_oldest"};
  ServeConfig f;
  const absl::Status dropped = resolve_serve_config(drop, f);  // commit by default with a database
  EXPECT_FALSE(dropped.ok());
  EXPECT_NE(std::string(dropped.message()).find("drop policies"), std::string::npos) << dropped;
  drop.given["ack"] = {"queued"};
  ServeConfig g;
  EXPECT_TRUE(resolve_serve_config(drop, g).ok());
}

// --bus: servers from a list or commas, roles, and what each role needs.
TEST(ServeConfig, BusNodesNeedTheSharedPostgresqlByRole) {
  auto resolve = [](std::map<std::string, std::vector<std::string>> given, ServeConfig& c) {
    ServeFlags flags;
    flags.given = std::move(given);
    return resolve_serve_config(flags, c);
  };
  const std::string pg = "postgres://u:p@127.0.0.1:5432/db";
  ServeConfig a;
  ASSERT_TRUE(
      resolve({{"bus", {"nats://a:4222,nats://b:4222", "nats://c:4222"}}, {"db", {pg}}}, a).ok());
  EXPECT_EQ(a.bus, (std::vector<std::string>{"nats://a:4222", "nats://b:4222", "nats://c:4222"}));
  EXPECT_EQ(a.role, "all");
  EXPECT_EQ(a.ack, "commit");
  // An ingest node may have no database at all; a processor may not.
  ServeConfig b;
  EXPECT_TRUE(
      resolve({{"bus", {"nats://a:4222"}}, {"role", {"ingest"}}, {"db", {"none"}}}, b).ok());
  EXPECT_EQ(b.ack, "commit");  // answered once the bus stored it
  for (const auto& [role, db, words] :
       {std::tuple{"process", std::string("none"), "PostgreSQL shared by every node"},
        std::tuple{"all", std::string("x.db"), "PostgreSQL shared by every node"},
        std::tuple{"ingest", std::string("x.db"), "an ingest node reads"}}) {
    ServeConfig c;
    const absl::Status st =
        resolve({{"bus", {"nats://a:4222"}}, {"role", {role}}, {"db", {db}}}, c);
    EXPECT_FALSE(st.ok()) << role;
    EXPECT_NE(std::string(st.message()).find(words), std::string::npos) << st;
  }
  ServeConfig d;
  absl::Status st = resolve({{"role", {"process"}}}, d);
  EXPECT_NE(std::string(st.message()).find("key 'role': needs --bus"), std::string::npos) << st;
  ServeConfig e;
  st = resolve({{"bus", {"http://a:4222"}}}, e);
  EXPECT_NE(std::string(st.message()).find("expected nats://host:port"), std::string::npos) << st;
  ServeConfig f;
  st = resolve({{"bus", {"nats://a:4222"}}, {"db", {pg}}, {"ack", {"queued"}}}, f);
  EXPECT_NE(std::string(st.message()).find("once the bus stored it"), std::string::npos) << st;
  ServeConfig g;
  ASSERT_TRUE(resolve({{"bus", {"nats://a:4222"}},
                       {"db", {pg}},
                       {"bus_replicas", {"3"}},
                       {"bus_max_age", {"2h"}},
                       {"bus_max_bytes", {"2GiB"}},
                       {"bus_ack_wait", {"5s"}}},
                      g)
                  .ok());
  EXPECT_EQ(g.bus_replicas, 3u);
  EXPECT_EQ(g.bus_max_age, std::chrono::hours(2));
  EXPECT_EQ(g.bus_max_bytes, size_t{2} << 30);
  EXPECT_EQ(g.bus_ack_wait, std::chrono::seconds(5));
}

TEST(ServeConfig, UnknownKeysAndBadValuesNameTheKey) {
  struct Case {
    const char* toml;
    const char* needle;
  };
  for (const Case& k : {Case{"queue_linez = 5\n", "unknown key 'queue_linez'"},
                        Case{"queue_lines = \"many\"\n", "'queue_lines'"},
                        Case{"policy = \"sometimes\"\n", "'policy'"},
                        Case{"listen = \"nowhere\"\n", "'listen'"},
                        Case{"auth = \"nocolon\"\n", "'auth'"},
                        Case{"high_water = 3\n", "'high_water'"},
                        Case{"tls_cert = \"a.pem\"\n", "tls_key"},
                        Case{"min_workers = 4\nmax_workers = 2\n", "max_workers"},
                        Case{"this is not toml", "config"}}) {
    ServeFlags flags;
    flags.config_file = write_toml(k.toml);
    ServeConfig c;
    const absl::Status st = resolve_serve_config(flags, c);
    EXPECT_FALSE(st.ok()) << k.toml;
    EXPECT_NE(std::string(st.message()).find(k.needle), std::string::npos) << st.message();
    std::filesystem::remove(flags.config_file);
  }
}

}  // namespace
}  // namespace logstreamer::cli
