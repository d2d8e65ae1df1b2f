#pragma once
// The wire form of live-window deltas between the nodes of a cluster
// (bus/window_sharing.h): WindowSlots (with their sketches as bins, so they
// merge exactly as local slots do) and recent errors, as one JSON object.
// Pure functions; the format is internal to one version of logstreamer.
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "aggregate/live_windows.h"

namespace logstreamer::bus {

struct WindowDelta {
  std::vector<aggregate::WindowSlot> slots;  // each with its epoch
  std::vector<aggregate::RecentError> errors;
};

std::string encode_window_delta(const WindowDelta& delta);
absl::StatusOr<WindowDelta> decode_window_delta(std::string_view json);

}  // namespace logstreamer::bus
