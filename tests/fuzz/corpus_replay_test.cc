// Replays every file of the committed fuzz corpus (tests/fuzz/corpus/TARGET/)
// through its target, so a crash the fuzzer once found stays fixed.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "fuzz_body.h"

namespace {

namespace fs = std::filesystem;

TEST(FuzzCorpus, EveryInputRunsCleanlyThroughItsTarget) {
  const fs::path root = LOGSTREAMER_FUZZ_CORPUS;
  ASSERT_TRUE(fs::is_directory(root)) << root;
  size_t inputs = 0;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    const std::string target = dir.path().filename().string();
    for (const auto& file : fs::directory_iterator(dir.path())) {
      std::ifstream in(file.path(), std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      ASSERT_TRUE(logstreamer::fuzz::run(target, bytes.str())) << "unknown target " << target;
      ++inputs;
    }
  }
  EXPECT_GT(inputs, 20u) << "the corpus should hold seeds for every target";
}

}  // namespace
