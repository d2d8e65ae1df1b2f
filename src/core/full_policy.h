#pragma once
// What a bounded queue does with a new item when it is full.
#include <optional>
#include <string_view>

namespace logstreamer::core {

enum class FullPolicy {
  kBlock,       // the producer waits: backpressure
  kDropNewest,  // the new item is dropped (and counted)
  kDropOldest,  // the oldest queued item is dropped (and counted) to make room
  kReject,      // the producer is told "full" and keeps the item (HTTP: 429/503)
};

constexpr std::string_view policy_name(FullPolicy p) {
  switch (p) {
    case FullPolicy::kBlock: return "block";
    case FullPolicy::kDropNewest: return "drop_newest";
    case FullPolicy::kDropOldest: return "drop_oldest";
    case FullPolicy::kReject: return "reject";
  }
  return "block";
}

inline std::optional<FullPolicy> policy_from_name(std::string_view name) {
  for (FullPolicy p : {FullPolicy::kBlock, FullPolicy::kDropNewest, FullPolicy::kDropOldest, FullPolicy::kReject}) {
    if (policy_name(p) == name) return p;
  }
  return std::nullopt;
}

}  // namespace logstreamer::core
