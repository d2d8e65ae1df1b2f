#pragma once
// Label values of the API's views (metrics_view.cc, stats_view.cc).
#include <array>
#include <string_view>

#include "server/api_handler.h"

namespace logstreamer::server {

constexpr std::array<std::string_view, 6> kClassNames = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
constexpr std::array<std::string_view, static_cast<size_t>(Endpoint::kCount)> kEndpointNames = {
    "logdrains", "ingest", "metrics", "api", "stream", "health", "dashboard", "other"};

}  // namespace logstreamer::server
