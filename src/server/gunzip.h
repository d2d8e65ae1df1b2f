#pragma once
// Request bodies sent with "Content-Encoding: gzip", inflated with a bound:
// the inflated size counts against the same body limit as a plain body, so a
// small bomb cannot become gigabytes.
#include <cstddef>
#include <string>
#include <string_view>

namespace logstreamer::server {

enum class GunzipResult { kOk, kTooLarge, kCorrupt };

GunzipResult gunzip_bounded(std::string_view in, size_t max_out, std::string& out);

}  // namespace logstreamer::server
