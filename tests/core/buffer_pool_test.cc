#include "core/buffer_pool.h"

#include <atomic>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "core/batch.h"

namespace logstreamer::core {
namespace {

TEST(BufferPool, HandsOutDistinctBuffersAndTakesThemBack) {
  BufferPool pool(3, 1024);
  {
    PooledBuffer a = pool.acquire(), b = pool.acquire(), c = pool.acquire();
    EXPECT_EQ(pool.available(), 0u);
    EXPECT_EQ(std::set<char*>({a.data(), b.data(), c.data()}).size(), 3u);
    EXPECT_EQ(a.capacity(), 1024u);
  }
  EXPECT_EQ(pool.available(), 3u);
}

TEST(BufferPool, MovedFromHandleDoesNotReturnTwice) {
  BufferPool pool(1, 64);
  {
    PooledBuffer a = pool.acquire();
    PooledBuffer b = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_TRUE(b);
    Batch batch(std::move(b), 10, BatchOrigin{3, 7});
    EXPECT_EQ(batch.origin().source_id, 3u);
    EXPECT_EQ(batch.size_bytes(), 10u);
    EXPECT_EQ(pool.available(), 0u);
  }
  EXPECT_EQ(pool.available(), 1u);
}

TEST(BufferPool, AcquireBlocksUntilABufferIsReturned) {
  BufferPool pool(1, 64);
  PooledBuffer held = pool.acquire();
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    PooledBuffer b = pool.acquire();
    got = true;
  });
  EXPECT_FALSE(got.load());
  held = PooledBuffer();  // release
  waiter.join();
  EXPECT_TRUE(got.load());
}

}  // namespace
}  // namespace logstreamer::core
