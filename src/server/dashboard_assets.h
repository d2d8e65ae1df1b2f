#pragma once
// The dashboard's files, embedded in the binary at build time from web/
// (cmake/embed_assets.cmake), so `serve` is one file to deploy.
#include <cstddef>
#include <string_view>

namespace logstreamer::server {

struct Asset {
  std::string_view path;  // "/", "/app.js", "/vendor/uPlot.min.css", ...
  std::string_view content_type;
  std::string_view body;
};

// nullptr when there is no such asset.
const Asset* find_asset(std::string_view path);

}  // namespace logstreamer::server
