#include "sources/line_chunker.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sources/fake_stream.h"

namespace logstreamer::sources {
namespace {

struct Emitted {
  std::string text;
  uint64_t seq;
  uint32_t skipped;
};

// Runs a chunker with `buffer` bytes per chunk over the pieces.
std::vector<Emitted> chunk(std::deque<std::string> pieces, size_t buffer, absl::Status* status = nullptr,
                           bool fail_at_end = false, bool pipe_like = false) {
  core::BufferPool pool(4, buffer);
  FakeStream in(std::move(pieces), fail_at_end, pipe_like);
  LineChunker chunker(pool, 7);
  std::vector<Emitted> out;
  absl::Status st = chunker.run(in, std::stop_token{}, [&](core::Batch b) {
    EXPECT_EQ(b.origin().source_id, 7u);
    out.push_back({std::string(b.text()), b.origin().seq, b.skipped_lines()});
    return true;
  });
  if (status != nullptr) *status = st;
  return out;
}

std::string joined(const std::vector<Emitted>& batches) {
  std::string all;
  for (const auto& b : batches) all += b.text;
  return all;
}

TEST(LineChunker, BatchesHoldWholeLinesAndLoseNoByte) {
  std::string input;
  for (int i = 0; i < 1000; ++i) input += "line number " + std::to_string(i) + "\n";
  // Pieces of awkward sizes, cutting lines anywhere.
  std::deque<std::string> pieces;
  for (size_t pos = 0; pos < input.size(); pos += 37) pieces.push_back(input.substr(pos, 37));
  const auto batches = chunk(pieces, 256);
  ASSERT_GT(batches.size(), 10u);
  for (size_t i = 0; i < batches.size(); ++i) {
    EXPECT_EQ(batches[i].seq, i);
    ASSERT_FALSE(batches[i].text.empty());
    EXPECT_EQ(batches[i].text.back(), '\n') << "batch " << i << " ends mid-line";
  }
  EXPECT_EQ(joined(batches), input);
}

TEST(LineChunker, LastLineWithoutNewlineIsKept) {
  const auto batches = chunk({"a\nb\nlast"}, 64);
  EXPECT_EQ(joined(batches), "a\nb\nlast");
}

TEST(LineChunker, EmptyInputEmitsNothing) { EXPECT_TRUE(chunk({}, 64).empty()); }

TEST(LineChunker, LineLongerThanBufferIsSkippedAndCountedInPlace) {
  const std::string huge(1000, 'x');
  const auto batches = chunk({"first\n", huge, "\nafter\n"}, 64);
  uint32_t skipped = 0;
  for (const auto& b : batches) skipped += b.skipped;
  EXPECT_EQ(skipped, 1u);
  EXPECT_EQ(joined(batches), "first\nafter\n");
  // The skip is reported on the batch that follows the long line, before its text.
  for (const auto& b : batches) {
    if (b.skipped == 1) {
      EXPECT_EQ(b.text, "after\n");
    }
  }
}

TEST(LineChunker, OverlongLastLineWithoutNewlineIsCounted) {
  const auto batches = chunk({"ok\n", std::string(500, 'y')}, 64);
  uint32_t skipped = 0;
  for (const auto& b : batches) skipped += b.skipped;
  EXPECT_EQ(skipped, 1u);
  EXPECT_EQ(joined(batches), "ok\n");
}

TEST(LineChunker, PipeThatGoesQuietGetsItsCompleteLinesDeliveredAtOnce) {
  // pipe_like: after each piece the stream says no more data is ready, so the
  // complete lines must be handed on without waiting for the buffer to fill.
  const auto batches = chunk({"one\ntw", "o\n"}, 4096, nullptr, false, true);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].text, "one\n");
  EXPECT_EQ(batches[1].text, "two\n");
}

TEST(LineChunker, ReadErrorKeepsCompleteLinesAndReturnsTheError) {
  absl::Status status;
  const auto batches = chunk({"a\nb\npartial"}, 4096, &status, /*fail_at_end=*/true);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(joined(batches), "a\nb\n");
}

}  // namespace
}  // namespace logstreamer::sources
