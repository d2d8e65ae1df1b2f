#pragma once
// Numbers for people: the console report, the progress line, bench's report.
// Stateless; thread-safe.
#include <cstdint>
#include <string>

namespace logstreamer::text {

// "12,345,678"
std::string with_commas(uint64_t n);
// "1.23 GB", "512 KB" (powers of 1000)
std::string human_bytes(double bytes);
// "14.2M", "980k", "512"
std::string human_count(double n);

}  // namespace logstreamer::text
