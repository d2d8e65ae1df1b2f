// libFuzzer entry point; FUZZ_TARGET (a format name, "auto" or "template") is
// set per binary by tests/fuzz/CMakeLists.txt.
#include "fuzz_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  logstreamer::fuzz::run(FUZZ_TARGET, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
