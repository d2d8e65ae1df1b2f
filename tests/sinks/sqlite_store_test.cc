#include "sinks/sqlite_store.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "core/wall_clock.h"
#include "sinks/db_writer.h"

namespace logstreamer::sinks {
namespace {

class TempDb : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ls-sqlite-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

EventRow event(int64_t t, parse::Level level, std::string service, std::string message) {
  EventRow e;
  e.time_us = t;
  e.received_us = t;
  e.level = level;
  e.service = std::move(service);
  e.message = std::move(message);
  return e;
}

TEST_F(TempDb, WritesAndQueriesWithFiltersAndCursor) {
  auto store = SqliteStore::open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  RowBatch rows;
  for (int i = 0; i < 25; ++i) {
    rows.events.push_back(event(1000000LL * i, i % 5 == 0 ? parse::Level::kError : parse::Level::kInfo,
                                i % 2 ? "api" : "web", "message " + std::to_string(i)));
  }
  rows.events[3].fields = R"({"k":"v"})";
  RequestRow r;
  r.time_us = 5;
  r.method = "GET";
  r.status = 200;
  rows.requests.push_back(r);
  ASSERT_TRUE((*store)->write(rows).ok());
  EXPECT_EQ(*(*store)->count("events"), 25);
  EXPECT_EQ(*(*store)->count("http_requests"), 1);

  EventQuery q;
  q.level = "ERROR";
  auto page = (*store)->query_events(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), 5u);  // 0, 5, 10, 15, 20
  EXPECT_FALSE(page->next_cursor);

  q = {};
  q.service = "api";
  q.since_us = 10000000;
  q.until_us = 20000000;  // 11, 13, 15, 17, 19
  page = (*store)->query_events(q);
  EXPECT_EQ(page->events.size(), 5u);

  q = {};
  q.text = "message 1";  // 1, 10..19
  page = (*store)->query_events(q);
  EXPECT_EQ(page->events.size(), 11u);

  // Paging: 25 events in pages of 10, newest first, no repeats.
  q = {};
  q.limit = 10;
  size_t seen = 0;
  for (int pages = 0; pages < 5; ++pages) {
    page = (*store)->query_events(q);
    ASSERT_TRUE(page.ok());
    seen += page->events.size();
    if (!page->next_cursor) break;
    q.cursor = page->next_cursor;
  }
  EXPECT_EQ(seen, 25u);

  // Rows come back as values: NULL columns as nullopt, fields as stored.
  q = {};
  q.text = "message 3";
  page = (*store)->query_events(q);
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].fields, R"({"k":"v"})");
  EXPECT_EQ(page->events[0].service, "api");
  EXPECT_FALSE(page->events[0].host.has_value());
  EXPECT_EQ(page->events[0].level, "INFO");
  EXPECT_EQ(page->events[0].time_us, 3000000);

  // A SQL-looking value is just a value.
  q = {};
  q.service = "web' OR '1'='1";
  page = (*store)->query_events(q);
  EXPECT_EQ(page->events.size(), 0u);
}

TEST_F(TempDb, RetentionDeletesOldRows) {
  auto store = SqliteStore::open(path_);
  ASSERT_TRUE(store.ok());
  RowBatch rows;
  rows.events = {event(100, parse::Level::kInfo, "a", "old"), event(900, parse::Level::kInfo, "a", "new")};
  ASSERT_TRUE((*store)->write(rows).ok());
  ASSERT_TRUE((*store)->delete_before(500).ok());
  EXPECT_EQ(*(*store)->count("events"), 1);
}

TEST_F(TempDb, KeysAreCommittedWithTheRowsAndFoundAfterReopening) {
  {
    auto store = SqliteStore::open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    RowBatch rows;
    rows.events = {event(core::unix_now_us(), parse::Level::kInfo, "a", "one")};
    rows.acks = {std::make_shared<core::DeliveryAck>("frame-1"),
                 std::make_shared<core::DeliveryAck>("")};
    ASSERT_TRUE((*store)->write(rows).ok());
    RowBatch keys_only;  // a request whose lines were all malformed
    keys_only.acks = {std::make_shared<core::DeliveryAck>("frame-2")};
    ASSERT_TRUE((*store)->write(keys_only).ok());
    EXPECT_EQ(*(*store)->count("delivered"), 2);
  }
  auto reader = SqliteStore::open(path_, /*read_only=*/true);
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE(*(*reader)->was_delivered("frame-1"));
  EXPECT_TRUE(*(*reader)->was_delivered("frame-2"));
  EXPECT_FALSE(*(*reader)->was_delivered("frame-3"));
  auto store = SqliteStore::open(path_);
  ASSERT_TRUE((*store)->delete_keys_before(core::unix_now_us() + 1).ok());
  EXPECT_FALSE(*(*reader)->was_delivered("frame-1"));
}

TEST_F(TempDb, AnOlderFileIsMigratedAndANewerOneRefused) {
  {
    // A file as version 1 wrote it: events, no schema_version, no delivered.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(
            db,
            "CREATE TABLE events (id INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, "
            "received_us INTEGER NOT NULL, level TEXT NOT NULL, service TEXT, host TEXT, "
            "dyno TEXT, format TEXT NOT NULL, message TEXT NOT NULL, fields TEXT);"
            "INSERT INTO events VALUES (1, 5, 5, 'INFO', 's', NULL, NULL, 'plain', 'kept', NULL);",
            nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }
  {
    auto store = SqliteStore::open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(*(*store)->count("events"), 1);     // the old rows stay
    EXPECT_EQ(*(*store)->count("delivered"), 0);  // the new table exists
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto newer = SqliteStore::open(path_);
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(std::string(newer.status().message()).find("schema version 99"), std::string::npos)
      << newer.status();
}

// A store that fails its first `failures` writes.
class FlakyStore : public RowStore {
 public:
  explicit FlakyStore(int failures) : failures_(failures) {}
  absl::Status write(const RowBatch& rows) override {
    if (failures_.fetch_sub(1) > 0) return absl::UnavailableError("disk on fire");
    written += rows.size();
    ++transactions;
    return absl::OkStatus();
  }
  absl::Status write_snapshot(int64_t, std::string_view) override {
    ++snapshots;
    return absl::OkStatus();
  }
  absl::Status delete_before(int64_t) override { return absl::OkStatus(); }
  absl::Status ping() override {
    return reachable ? absl::OkStatus() : absl::UnavailableError("connection refused");
  }
  std::atomic<bool> reachable{true};
  std::atomic<int> failures_;
  std::atomic<size_t> written{0}, transactions{0}, snapshots{0};
};

TEST(DbWriter, RetriesFailuresAndLosesNothing) {
  FlakyStore store(3);
  DbWriterOptions o;
  o.batch_rows = 100;
  o.batch_timeout = std::chrono::milliseconds(5);
  DbWriter w("fake", store, o, [] { return std::string("{}"); });
  w.start();
  for (int i = 0; i < 50; ++i) {
    RowBatch b;
    b.events.resize(20);
    w.push(std::move(b));
  }
  const uint64_t lost = w.close(std::chrono::steady_clock::now() + std::chrono::seconds(60));
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(store.written.load(), 1000u);
  EXPECT_EQ(w.counters().failures.load(), 3u);
  EXPECT_TRUE(w.healthy());
  EXPECT_GE(store.snapshots.load(), 1u);  // the final snapshot
  // Batched: far fewer transactions than pushes.
  EXPECT_LT(store.transactions.load(), 50u);
}

TEST(DbWriter, ReportsUnhealthyWhileFailingAndCountsLossAtDeadline) {
  FlakyStore store(1 << 30);
  DbWriterOptions o;
  o.batch_timeout = std::chrono::milliseconds(1);
  DbWriter w("fake", store, o);
  w.start();
  RowBatch b;
  b.events.resize(7);
  w.push(std::move(b));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (w.healthy() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_FALSE(w.healthy());
  EXPECT_EQ(w.close(std::chrono::steady_clock::now()), 7u);
}

// A database that goes away while nothing is written: the idle writer's ping
// turns it unhealthy (with the reason), and healthy again when it answers.
TEST(DbWriter, IdlePingReportsADatabaseThatWentAway) {
  FlakyStore store(0);
  DbWriterOptions o;
  o.batch_timeout = std::chrono::milliseconds(5);
  o.ping_interval = std::chrono::milliseconds(10);
  DbWriter w("fake", store, o);
  w.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  store.reachable = false;
  while (w.healthy() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_FALSE(w.healthy());
  EXPECT_EQ(w.last_error(), "connection refused");
  store.reachable = true;
  while (!w.healthy() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_TRUE(w.healthy());
  EXPECT_EQ(w.last_error(), "");
  EXPECT_EQ(w.close(std::chrono::steady_clock::now()), 0u);
}

}  // namespace
}  // namespace logstreamer::sinks
