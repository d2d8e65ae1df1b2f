#pragma once
// Which tiers (simd/simd_level.h) a test runs its kernels at.
//
// LOGSTREAMER_TEST_TIERS=avx2,avx512 names them; a named tier this CPU lacks
// is a test failure, never a skip, so a run meant to check AVX2 cannot pass
// by checking nothing. Unset: every tier this CPU supports (scalar always).
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "simd/simd_level.h"

namespace logstreamer::simd {

inline std::vector<Level> tiers_under_test() {
  std::vector<Level> tiers;
  const char* asked = std::getenv("LOGSTREAMER_TEST_TIERS");
  if (asked == nullptr || *asked == '\0') {
    for (Level l : kAllLevels) {
      if (cpu_supports(l)) tiers.push_back(l);
    }
    return tiers;
  }
  std::string_view rest = asked;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string name(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto level = parse_level(name);
    if (!level) {
      ADD_FAILURE() << "LOGSTREAMER_TEST_TIERS: '" << name << "' is not a tier";
    } else if (!cpu_supports(*level)) {
      ADD_FAILURE() << "LOGSTREAMER_TEST_TIERS asks for " << name << ", which this CPU lacks ("
                    << cpu_features() << ")";
    } else {
      tiers.push_back(*level);
    }
  }
  return tiers;
}

}  // namespace logstreamer::simd
