#pragma once
// Label values of the API's views (metrics_view.cc, stats_view.cc). Endpoint
// labels come from the route table (ApiHandler::build_routes).
#include <array>
#include <string_view>

namespace logstreamer::server {

constexpr std::array<std::string_view, 6> kClassNames = {"other", "1xx", "2xx",
                                                         "3xx",   "4xx", "5xx"};

}  // namespace logstreamer::server
